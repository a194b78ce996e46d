package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.api.BundleInclusionRule;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.api.BundleLinks;
import ca.uhn.fhir.rest.api.IVersionSpecificBundleFactory;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.hapi.rest.server.R4BundleFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.search.StoredJson;

/**
 * HAPI's R4 Bundle factory, but for a searchset page whose resources are all unparsed ({@link
 * StoredJson}): their entries are added without walking each resource for references that carry a
 * resource object (an unparsed resource has an id and at most a meta, so it has none), which is all
 * HAPI's factory would add to such a page. Every other page is HAPI's.
 *
 * <p>Why: a page of studies with {@code _include=ResearchStudy:site} holds thousands of Locations,
 * and HAPI's walk (reflection over each resource's every child) was a sixth of the CPU of such a
 * search at 570,000 studies, its full URLs another tenth.
 */
final class UnparsedBundleFactory extends R4BundleFactory {
  private final FhirContext fhir;
  private String base;

  UnparsedBundleFactory(FhirContext fhir) {
    super(fhir);
    this.fhir = fhir;
  }

  /** One context for every server in the JVM: a context learns the model once, as it is used. */
  private static final FhirContext CONTEXT = new Context();

  /** The FHIR R4 context of the REST server: HAPI's, with this factory for its Bundles. */
  static FhirContext context() {
    return CONTEXT;
  }

  @Override
  public void addRootPropertiesToBundle(
      String id, BundleLinks links, Integer total, IPrimitiveType<Date> lastUpdated) {
    super.addRootPropertiesToBundle(id, links, total, lastUpdated);
    base = links.serverBase;
  }

  @Override
  public void addResourcesToBundle(
      List<IBaseResource> resources,
      BundleTypeEnum type,
      String serverBase,
      BundleInclusionRule inclusionRule,
      Set<Include> includes) {
    if (type != BundleTypeEnum.SEARCHSET
        || !(getResourceBundle() instanceof Bundle bundle)
        || !allUnparsed(resources)) {
      super.addResourcesToBundle(resources, type, serverBase, inclusionRule, includes);
      return;
    }
    for (IBaseResource next : resources) {
      Resource resource = (Resource) next;
      Bundle.BundleEntryComponent entry = bundle.addEntry().setResource(resource);
      IIdType id = resource.getIdElement();
      if (id.hasBaseUrl()) {
        entry.setFullUrl(id.toVersionless().getValue());
      } else if (base != null && !base.isBlank() && id.hasIdPart()) {
        String resourceType = fhir.getResourceType(resource);
        entry.setFullUrl(new IdType(base, resourceType, id.getIdPart(), null).getValue());
      }
      BundleEntrySearchModeEnum mode = ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(resource);
      if (mode != null) {
        entry.getSearch().getModeElement().setValueAsString(mode.getCode());
      }
      BigDecimal score = ResourceMetadataKeyEnum.ENTRY_SEARCH_SCORE.get(resource);
      if (score != null) {
        entry.getSearch().getScoreElement().setValue(score);
      }
    }
  }

  /**
   * Whether every resource is unparsed, without the request method a transaction or history entry
   * carries (HAPI's factory handles those).
   */
  private static boolean allUnparsed(List<IBaseResource> resources) {
    for (IBaseResource next : resources) {
      if (!(next instanceof Resource resource)
          || StoredJson.json(resource) == null
          || ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.get(resource) != null) {
        return false;
      }
    }
    return true;
  }

  /** HAPI's R4 context with {@link UnparsedBundleFactory} as its Bundle factory. */
  private static final class Context extends FhirContext {
    Context() {
      super(FhirVersionEnum.R4);
    }

    @Override
    public IVersionSpecificBundleFactory newBundleFactory() {
      return new UnparsedBundleFactory(this);
    }
  }
}
