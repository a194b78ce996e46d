package org.trialfhir.store;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.search.SearchValues;

/**
 * Computes the index values of each search parameter from the HAPI model objects, in plain Java.
 * This deliberately does not evaluate the parameters' FHIRPath expressions: the oracle test does,
 * so the two implementations check each other. Each method mirrors one parameter's published
 * expression (see {@link org.trialfhir.search.SearchParameters}).
 */
final class IndexValues {
  private static final String STUDY_TYPE_SYSTEM =
      Canonical.codeSystem(CtgovVocabulary.STUDY_TYPE.id());
  private static final String GENDER = Canonical.ADMINISTRATIVE_GENDER;

  private IndexValues() {}

  /**
   * The fields of one resource of a study's graph ({@code eligibility} and {@code locations}: the
   * study's, for a ResearchStudy; unused otherwise).
   */
  static IndexFields fields(Resource resource, Group eligibility, Map<String, Location> locations) {
    IndexFields f = new IndexFields(resource.fhirType(), resource.getIdPart());
    f.token("_id", null, resource.getIdPart());
    if (resource.hasMeta() && resource.getMeta().hasLastUpdated()) {
      date(f, "_lastUpdated", resource.getMeta().getLastUpdatedElement());
      f.sortLong("_lastUpdated", resource.getMeta().getLastUpdated().getTime());
    }
    if (resource instanceof ResearchStudy rs) {
      researchStudy(f, rs, eligibility, locations);
    } else if (resource instanceof Location l) {
      location(f, l);
    } else if (resource instanceof Organization o) {
      organization(f, o);
    } else if (resource instanceof Practitioner p) {
      practitioner(f, p);
    } else if (resource instanceof Group g) {
      group(f, g);
    } else if (resource instanceof PlanDefinition p) {
      planDefinition(f, p);
    } else {
      throw new IllegalArgumentException("not indexed: " + resource.fhirType());
    }
    return f;
  }

  private static void researchStudy(
      IndexFields f, ResearchStudy rs, Group eligibility, Map<String, Location> locations) {
    rs.getCategory().forEach(c -> concept(f, "category", c));
    if (rs.hasPeriod()) {
      period(f, "date", rs.getPeriod());
    }
    rs.getFocus().forEach(c -> concept(f, "focus", c));
    for (Identifier identifier : rs.getIdentifier()) {
      f.token(
          "identifier",
          SearchValues.identifierSystem(identifier.getSystem()),
          identifier.getValue());
    }
    rs.getKeyword().forEach(c -> concept(f, "keyword", c));
    rs.getLocation().forEach(c -> concept(f, "location", c));
    rs.getPartOf().forEach(r -> reference(f, "partof", r));
    // has…() first: HAPI's getters create empty elements, and indexing must not change the
    // resource.
    if (rs.hasPrincipalInvestigator()) {
      reference(f, "principalinvestigator", rs.getPrincipalInvestigator());
    }
    rs.getProtocol().forEach(r -> reference(f, "protocol", r));
    rs.getSite().forEach(r -> reference(f, "site", r));
    if (rs.hasSponsor()) {
      reference(f, "sponsor", rs.getSponsor());
    }
    if (rs.hasStatus()) {
      code(f, "status", rs.getStatusElement());
    }
    f.string("title", rs.getTitle());
    f.sortString("title", rs.getTitle());

    for (CodeableConcept condition : rs.getCondition()) {
      concept(f, "condition", condition);
      for (Coding coding : condition.getCoding()) {
        f.token("condition.below", coding.getSystem(), coding.getCode());
      }
    }
    for (Extension ancestor : rs.getExtensionsByUrl(TrialExtension.CONDITION_ANCESTOR.url())) {
      if (ancestor.getValue() instanceof Coding coding) {
        f.token("condition.below", coding.getSystem(), coding.getCode());
      }
    }
    if (rs.hasPhase()) {
      concept(f, "phase", rs.getPhase());
    }
    for (CodeableConcept category : rs.getCategory()) {
      for (Coding coding : category.getCoding()) {
        if (STUDY_TYPE_SYSTEM.equals(coding.getSystem())) {
          coding(f, "study-type", coding);
        }
      }
    }
    for (Extension status : rs.getExtensionsByUrl(TrialExtension.OVERALL_STATUS.url())) {
      if (status.getValue() instanceof Coding coding) {
        coding(f, "ctgov-status", coding);
      }
    }
    rs.getFocus().forEach(c -> concept(f, "intervention", c));
    eligibility(f, eligibility);
    sites(f, rs, locations);
    content(f, rs);
    if (rs.hasPeriod() && rs.getPeriod().hasStart()) {
      f.sortLong("date", range(rs.getPeriod().getStartElement())[0]);
    }
  }

  /** eligible-age, eligible-sex and healthy-volunteers, from the eligibility Group. */
  private static void eligibility(IndexFields f, Group group) {
    boolean sexRestricted = false;
    if (group != null) {
      for (Group.GroupCharacteristicComponent c : group.getCharacteristic()) {
        String kind = characteristicKind(c);
        if (kind == null) {
          continue;
        }
        switch (kind) {
          case "age" -> {
            if (c.getValue() instanceof Range range) {
              age(f, range);
            }
          }
          case "sex" -> {
            sexRestricted = true;
            f.present("eligible-sex");
            if (c.getValue() instanceof CodeableConcept concept) {
              for (Coding coding : concept.getCoding()) {
                if (GENDER.equals(coding.getSystem())) {
                  f.token("eligible-sex", GENDER, coding.getCode());
                }
              }
            }
          }
          case "healthy-volunteers" -> {
            if (c.getValue() instanceof BooleanType flag && flag.hasValue()) {
              f.token("healthy-volunteers", null, flag.getValue().toString());
            }
          }
          default -> {}
        }
      }
    }
    if (!sexRestricted) {
      // No restriction recorded: open to all sexes, so the study matches both values.
      f.token("eligible-sex", GENDER, "male");
      f.token("eligible-sex", GENDER, "female");
      // For :missing the value is the restriction itself, which is absent here.
      f.absent("eligible-sex");
    }
  }

  private static String characteristicKind(Group.GroupCharacteristicComponent c) {
    if (!c.hasCode()) {
      return null;
    }
    for (Coding coding : c.getCode().getCoding()) {
      if (LocalCode.ELIGIBILITY_CHARACTERISTIC.system().equals(coding.getSystem())) {
        return coding.getCode();
      }
    }
    return null;
  }

  private static void age(IndexFields f, Range range) {
    Double low =
        range.hasLow() ? minutes(range.getLow()) : Double.valueOf(Double.NEGATIVE_INFINITY);
    Double high =
        range.hasHigh() ? minutes(range.getHigh()) : Double.valueOf(Double.POSITIVE_INFINITY);
    if (low != null && high != null) {
      f.quantity("eligible-age", low, high);
    }
  }

  /** A UCUM time quantity in minutes, or null when its unit is not a time unit we know. */
  static Double minutes(Quantity quantity) {
    BigDecimal factor = SearchValues.MINUTES_PER_UNIT.get(quantity.getCode());
    if (factor == null || !quantity.hasValue() || !Canonical.UCUM.equals(quantity.getSystem())) {
      return null;
    }
    return quantity.getValue().multiply(factor).doubleValue();
  }

  /**
   * near and site-status: each site's Location id and status, packed, and for each site with a
   * status the term joining the two (the same status as packed: the code of the site's last
   * site-status coding); near is present when one of the study's Locations has a position.
   */
  private static void sites(IndexFields f, ResearchStudy rs, Map<String, Location> locations) {
    List<Sites.Site> sites = new ArrayList<>();
    for (Reference site : rs.getSite()) {
      String id = site.getReferenceElement().getIdPart();
      Location location = locations.get(id);
      if (location != null && location.hasPosition()) {
        f.present("near");
      }
      String status = null;
      for (Extension extension : site.getExtensionsByUrl(TrialExtension.SITE_STATUS.url())) {
        if (extension.getValue() instanceof Coding coding) {
          coding(f, "site-status", coding);
          if (coding.hasCode()) {
            status = coding.getCode();
          }
        }
      }
      if (id != null) {
        sites.add(new Sites.Site(id, status));
        f.siteStatusAt(id, status);
      }
    }
    f.sites(sites);
  }

  /** _content: the texts the registry's _content expression names. */
  private static void content(IndexFields f, ResearchStudy rs) {
    f.content(rs.getTitle());
    extensionText(f, rs, TrialExtension.OFFICIAL_TITLE);
    extensionText(f, rs, TrialExtension.ACRONYM);
    f.content(rs.getDescription());
    extensionText(f, rs, TrialExtension.DETAILED_DESCRIPTION);
    for (List<CodeableConcept> concepts : List.of(rs.getCondition(), rs.getKeyword())) {
      for (CodeableConcept concept : concepts) {
        f.content(concept.getText());
        if (concepts == rs.getCondition()) {
          concept.getCoding().forEach(c -> f.content(c.getDisplay()));
        }
      }
    }
    for (CodeableConcept focus : rs.getFocus()) {
      f.content(focus.getText());
      focus.getCoding().forEach(c -> f.content(c.getDisplay()));
    }
    for (ResearchStudy.ResearchStudyArmComponent arm : rs.getArm()) {
      f.content(arm.getName());
      f.content(arm.getDescription());
    }
    rs.getObjective().forEach(o -> f.content(o.getName()));
  }

  private static void extensionText(IndexFields f, ResearchStudy rs, TrialExtension extension) {
    for (Extension e : rs.getExtensionsByUrl(extension.url())) {
      if (e.getValue() != null && e.getValue().isPrimitive()) {
        f.content(e.getValue().primitiveValue());
      }
    }
  }

  private static void location(IndexFields f, Location l) {
    f.string("name", l.getName());
    l.getAlias().forEach(a -> f.string("name", a.getValue()));
    f.sortString("name", l.getName());
    if (l.hasAddress()) {
      Address a = l.getAddress();
      f.string("address", a.getText());
      a.getLine().forEach(line -> f.string("address", line.getValue()));
      for (String part :
          new String[] {
            a.getCity(), a.getDistrict(), a.getState(), a.getPostalCode(), a.getCountry()
          }) {
        f.string("address", part);
      }
      f.string("address-city", a.getCity());
      f.string("address-state", a.getState());
      f.string("address-postalcode", a.getPostalCode());
      f.string("address-country", a.getCountry());
    }
    if (l.hasPosition() && l.getPosition().hasLatitude() && l.getPosition().hasLongitude()) {
      f.position(
          "near",
          l.getPosition().getLatitude().doubleValue(),
          l.getPosition().getLongitude().doubleValue());
    }
    f.sites(List.of(new Sites.Site(l.getIdPart(), null)));
  }

  private static void organization(IndexFields f, Organization o) {
    f.string("name", o.getName());
    o.getAlias().forEach(a -> f.string("name", a.getValue()));
    f.sortString("name", o.getName());
    o.getType().forEach(c -> concept(f, "type", c));
  }

  private static void practitioner(IndexFields f, Practitioner p) {
    for (HumanName name : p.getName()) {
      f.string("name", name.getText());
      if (name.hasText()) {
        // The registry gives officials' names as one text ("Jane Q. Doe, MD"): each word is a part.
        for (String word : name.getText().split("[\\s,;]+")) {
          f.stringPart("name", word);
        }
      }
      f.string("name", name.getFamily());
      for (List<StringType> parts : List.of(name.getGiven(), name.getPrefix(), name.getSuffix())) {
        parts.forEach(part -> f.string("name", part.getValue()));
      }
    }
    if (p.hasName()) {
      HumanName first = p.getNameFirstRep();
      f.sortString("name", first.hasText() ? first.getText() : first.getNameAsSingleString());
    }
  }

  private static void group(IndexFields f, Group g) {
    if (g.hasActual()) {
      f.token("actual", null, Boolean.toString(g.getActual()));
    }
    if (g.hasType()) {
      code(f, "type", g.getTypeElement());
    }
    for (Group.GroupCharacteristicComponent c : g.getCharacteristic()) {
      if (c.hasCode()) {
        concept(f, "characteristic", c.getCode());
      }
      if (c.hasExclude()) {
        f.token("exclude", null, Boolean.toString(c.getExclude()));
      }
    }
  }

  private static void planDefinition(IndexFields f, PlanDefinition p) {
    if (p.hasStatus()) {
      code(f, "status", p.getStatusElement());
    }
    f.string("title", p.getTitle());
    f.sortString("title", p.getTitle());
    if (p.hasType()) {
      concept(f, "type", p.getType());
    }
  }

  private static void concept(IndexFields f, String param, CodeableConcept concept) {
    for (Coding coding : concept.getCoding()) {
      coding(f, param, coding);
    }
    f.tokenText(param, concept.getText());
  }

  private static void coding(IndexFields f, String param, Coding coding) {
    f.token(param, coding.getSystem(), coding.getCode());
    f.tokenText(param, coding.getDisplay());
  }

  private static void code(IndexFields f, String param, Enumeration<?> code) {
    if (code.hasValue()) {
      f.token(param, code.getSystem(), code.getCode());
    }
  }

  private static void reference(IndexFields f, String param, Reference reference) {
    if (reference != null && reference.hasReference()) {
      var id = reference.getReferenceElement();
      if (id.hasResourceType() && id.hasIdPart()) {
        f.reference(param, id.getResourceType() + "/" + id.getIdPart());
      }
    }
  }

  private static void date(IndexFields f, String param, BaseDateTimeType date) {
    long[] range = range(date);
    f.date(param, range[0], range[1]);
  }

  /** A Period as one range: an open start is the distant past, an open end ongoing. */
  private static void period(IndexFields f, String param, Period period) {
    if (!period.hasStart() && !period.hasEnd()) {
      return;
    }
    long low = period.hasStart() ? range(period.getStartElement())[0] : Long.MIN_VALUE;
    long high = period.hasEnd() ? range(period.getEndElement())[1] : Long.MAX_VALUE;
    f.date(param, low, high);
  }

  /** The range a date's precision implies, in epoch ms, inclusive (read as a search value). */
  static long[] range(BaseDateTimeType date) {
    SearchValues.DateValue value = SearchValues.date("date", date.getValueAsString());
    return new long[] {value.low(), value.high()};
  }
}
