package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;

/**
 * Every resource of one study, each first-class (never contained). Locations and Organizations have
 * ids derived from their content, so the same site or sponsor in many studies is one resource.
 */
public record TrialGraph(
    ResearchStudy researchStudy,
    Group eligibility,
    List<PlanDefinition> plans,
    List<Location> locations,
    List<Organization> organizations,
    List<Practitioner> practitioners) {

  public TrialGraph {
    plans = List.copyOf(plans);
    locations = List.copyOf(locations);
    organizations = List.copyOf(organizations);
    practitioners = List.copyOf(practitioners);
  }

  /**
   * A {@code collection} Bundle of every resource. Each entry's fullUrl is the resource's address
   * under our canonical base, so the graph's relative references resolve inside the Bundle.
   */
  public Bundle toBundle() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    for (Resource resource : resources()) {
      bundle
          .addEntry()
          .setFullUrl(Canonical.BASE + "/" + resource.fhirType() + "/" + resource.getIdPart())
          .setResource(resource);
    }
    return bundle;
  }

  /**
   * All resources in a fixed order: study, eligibility, plans, locations, organizations, people.
   */
  public List<Resource> resources() {
    List<Resource> all = new ArrayList<>();
    all.add(researchStudy);
    if (eligibility != null) {
      all.add(eligibility);
    }
    all.addAll(plans);
    all.addAll(locations);
    all.addAll(organizations);
    all.addAll(practitioners);
    return all;
  }
}
