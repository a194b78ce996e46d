package org.trialfhir.mapping;

import java.util.List;
import org.trialfhir.ctgov.CtgovVocabulary;

/**
 * Every extension the mapping writes: its id, where it may appear, and its value (or, for a complex
 * extension, its parts). {@code profiles/} is generated from these definitions, so the mapper and
 * the published StructureDefinitions cannot drift apart.
 *
 * <p>We use our own extensions rather than the R5 cross-version ones: the offline validator here
 * cannot resolve {@code http://hl7.org/fhir/5.0/StructureDefinition/extension-*} without the R5
 * package, and several registry fields (site status, per-site contacts) have no R5 home either.
 */
public enum TrialExtension {
  OVERALL_STATUS(
      "overall-status",
      "ClinicalTrials.gov overall status",
      "The study's exact overallStatus code, of which ResearchStudy.status is the R4 crosswalk.",
      List.of("ResearchStudy"),
      Value.coding(CtgovVocabulary.OVERALL_STATUS.id())),
  LAST_KNOWN_STATUS(
      "last-known-status",
      "ClinicalTrials.gov last known status",
      "For a study whose status is UNKNOWN: the last status the sponsor reported (never used for"
          + " ResearchStudy.status).",
      List.of("ResearchStudy"),
      Value.coding(CtgovVocabulary.OVERALL_STATUS.id())),
  OFFICIAL_TITLE(
      "official-title",
      "Official title",
      "The study's official (scientific) title; ResearchStudy.title holds the brief title.",
      List.of("ResearchStudy"),
      Value.of("string")),
  ACRONYM(
      "acronym", "Acronym", "The study's acronym.", List.of("ResearchStudy"), Value.of("string")),
  DETAILED_DESCRIPTION(
      "detailed-description",
      "Detailed description",
      "The record's detailed description; ResearchStudy.description holds the brief summary.",
      List.of("ResearchStudy"),
      Value.of("markdown")),
  COLLABORATOR(
      "collaborator",
      "Collaborator",
      "An organisation collaborating on the study (the lead sponsor is ResearchStudy.sponsor).",
      List.of("ResearchStudy"),
      Value.reference("Organization")),
  STUDY_OFFICIAL(
      "study-official",
      "Study official",
      "An overall official of the study and the role the registry gives them.",
      List.of("ResearchStudy"),
      null,
      Part.required("practitioner", Value.reference("Practitioner")),
      Part.optional("role", Value.coding(CtgovVocabulary.OFFICIAL_ROLE.id()))),
  RESPONSIBLE_PARTY(
      "responsible-party",
      "Responsible party",
      "Who is responsible for the registration: the sponsor or an investigator.",
      List.of("ResearchStudy"),
      null,
      Part.required("type", Value.coding(CtgovVocabulary.RESPONSIBLE_PARTY_TYPE.id())),
      Part.optional("investigator", Value.reference("Practitioner")),
      Part.optional("title", Value.of("string"))),
  DATE_TYPE(
      "date-type",
      "Date type",
      "Whether a registry date is actual or anticipated (estimated).",
      List.of("Period.start", "Period.end", "dateTime"),
      Value.coding(CtgovVocabulary.DATE_TYPE.id())),
  STUDY_DATE(
      "study-date",
      "Study date",
      "A milestone date of the study other than its start and completion (ResearchStudy.period).",
      List.of("ResearchStudy"),
      null,
      Part.required("kind", Value.coding(LocalCode.STUDY_DATE_KIND.id())),
      Part.required("date", Value.of("dateTime")),
      Part.optional("type", Value.coding(CtgovVocabulary.DATE_TYPE.id()))),
  HAS_RESULTS(
      "has-results",
      "Has results",
      "Whether results are posted on ClinicalTrials.gov (a relatedArtifact links to them).",
      List.of("ResearchStudy"),
      Value.of("boolean")),
  EXPANDED_ACCESS(
      "expanded-access",
      "Expanded access",
      "Whether the investigational product is also available through expanded access, and the"
          + " NCT id of that record.",
      List.of("ResearchStudy"),
      null,
      Part.required("available", Value.of("boolean")),
      Part.optional("nctId", Value.of("string")),
      Part.optional("status", Value.coding(CtgovVocabulary.OVERALL_STATUS.id()))),
  BIOSPECIMEN(
      "biospecimen",
      "Biospecimen retention",
      "For an observational study: whether biospecimens are retained, and which.",
      List.of("ResearchStudy"),
      null,
      Part.optional("retention", Value.coding(CtgovVocabulary.BIOSPEC_RETENTION.id())),
      Part.optional("description", Value.of("markdown"))),
  TARGET_DURATION(
      "target-duration",
      "Target follow-up duration",
      "For a patient registry: how long each participant is followed.",
      List.of("ResearchStudy"),
      Value.of("Duration")),
  CONDITION_ANCESTOR(
      "condition-ancestor",
      "Condition MeSH ancestor",
      "A broader MeSH term of the study's conditions, as the registry derived it"
          + " (conditionBrowseModule.ancestors), so that a search for a broader term finds the"
          + " study (condition:below).",
      List.of("ResearchStudy"),
      Value.coding(null)),
  DESIGN_NOTE(
      "design-note",
      "Design note",
      "Free-text details of the design: the intervention model description or the masking"
          + " description.",
      List.of("ResearchStudy.category"),
      Value.of("string")),
  OVERSIGHT(
      "oversight",
      "Oversight",
      "Oversight facts of the record: data monitoring committee and FDA regulation.",
      List.of("ResearchStudy"),
      null,
      Part.optional("hasDmc", Value.of("boolean")),
      Part.optional("fdaRegulatedDrug", Value.of("boolean")),
      Part.optional("fdaRegulatedDevice", Value.of("boolean")),
      Part.optional("unapprovedDevice", Value.of("boolean")),
      Part.optional("usExport", Value.of("boolean"))),
  IPD_SHARING(
      "ipd-sharing",
      "Individual participant data sharing",
      "The plan to share individual participant data.",
      List.of("ResearchStudy"),
      null,
      Part.required("plan", Value.coding(CtgovVocabulary.IPD_SHARING.id())),
      Part.optional("description", Value.of("markdown")),
      Part.repeating("infoType", Value.coding(CtgovVocabulary.IPD_INFO_TYPE.id())),
      Part.optional("timeFrame", Value.of("string")),
      Part.optional("accessCriteria", Value.of("string")),
      Part.optional("url", Value.of("url"))),
  INTERVENTION_TYPE(
      "intervention-type",
      "Intervention type",
      "The registry's type of an intervention under study.",
      List.of("ResearchStudy.focus", "PlanDefinition.action"),
      Value.coding(CtgovVocabulary.INTERVENTION_TYPE.id())),
  INTERVENTION_OTHER_NAME(
      "intervention-other-name",
      "Intervention other name",
      "Another name of the intervention (brand name, code, synonym).",
      List.of("PlanDefinition.action", "ResearchStudy.focus"),
      Value.of("string")),
  ARM_PLAN(
      "arm-plan",
      "Arm plan",
      "The PlanDefinition holding this arm's interventions.",
      List.of("ResearchStudy.arm"),
      Value.reference("PlanDefinition")),
  OUTCOME_DESCRIPTION(
      "outcome-description",
      "Outcome description",
      "The description of an outcome measure.",
      List.of("ResearchStudy.objective"),
      Value.of("markdown")),
  OUTCOME_TIME_FRAME(
      "outcome-time-frame",
      "Outcome time frame",
      "When an outcome measure is assessed.",
      List.of("ResearchStudy.objective"),
      Value.of("string")),
  SITE_STATUS(
      "site-recruitment-status",
      "Site recruitment status",
      "The recruitment status of this study at this site (study-specific, so it lives on the"
          + " ResearchStudy.site reference rather than on the shared Location).",
      List.of("ResearchStudy.site"),
      Value.coding(CtgovVocabulary.SITE_STATUS.id())),
  SITE_CONTACT(
      "site-contact",
      "Site contact",
      "A contact or investigator for this study at this site.",
      List.of("ResearchStudy.site"),
      null,
      Part.optional("role", Value.coding(CtgovVocabulary.CONTACT_ROLE.id())),
      Part.required("contact", Value.of("ContactDetail"))),
  ELIGIBILITY_CRITERIA(
      "eligibility-criteria",
      "Eligibility criteria",
      "The eligibility criteria text exactly as registered (the Group's characteristics split it"
          + " into inclusion and exclusion parts).",
      List.of("Group"),
      Value.of("markdown")),
  STUDY_POPULATION(
      "study-population",
      "Study population",
      "For an observational study: the description of the study population.",
      List.of("Group"),
      Value.of("markdown")),
  SAMPLING_METHOD(
      "sampling-method",
      "Sampling method",
      "For an observational study: how participants are sampled.",
      List.of("Group"),
      Value.coding(CtgovVocabulary.SAMPLING_METHOD.id())),
  GENDER_BASED(
      "gender-based",
      "Gender-based eligibility",
      "Whether eligibility is based on gender identity, with its description.",
      List.of("Group"),
      null,
      Part.required("genderBased", Value.of("boolean")),
      Part.optional("description", Value.of("string"))),
  ENROLLMENT_TYPE(
      "enrollment-type",
      "Enrollment type",
      "Whether Group.quantity is the actual or the anticipated enrollment.",
      List.of("Group.quantity"),
      Value.coding(CtgovVocabulary.ENROLLMENT_TYPE.id())),
  CHARACTERISTIC_SOURCE(
      "characteristic-source",
      "Characteristic source",
      "How an eligibility characteristic was obtained; machine-derived ones keep their source"
          + " sentence.",
      List.of("Group.characteristic"),
      null,
      Part.required("method", Value.coding(LocalCode.CHARACTERISTIC_METHOD.id())),
      Part.optional("sentence", Value.of("string"))),
  CRITERION_QUALIFIER(
      "criterion-qualifier",
      "Criterion qualifier",
      "How a machine-derived condition, medication, procedure or allergy criterion is to be read:"
          + " resolved conditions or past treatment count too (history), or the text qualifies it"
          + " in a way codes cannot show (qualified, e.g. uncontrolled, severe or major), or any"
          + " one of several concepts counts (anyOf), or only a treatment within this long before"
          + " counts (within, a UCUM duration).",
      List.of("Group.characteristic"),
      null,
      Part.optional("history", Value.of("boolean")),
      Part.optional("qualified", Value.of("boolean")),
      Part.optional("anyOf", Value.of("boolean")),
      Part.optional("within", Value.of("Quantity"))),
  AFFILIATION(
      "affiliation",
      "Affiliation",
      "The organisation a study official or investigator is affiliated with.",
      List.of("Practitioner"),
      Value.reference("Organization")),
  MATCH_VERDICT(
      "match-verdict",
      "Match verdict",
      "ResearchStudy/$match: the study's eligibility verdict for the patient (Bundle.entry.search"
          + " also carries the score).",
      List.of("Bundle.entry.search"),
      Value.coding(LocalCode.MATCH_VERDICT.id())),
  MATCH_CRITERION(
      "match-criterion",
      "Match criterion",
      "ResearchStudy/$match: one eligibility criterion of the study, its outcome for the patient,"
          + " the verbatim sentence it comes from and the patient resource that decided it; one per"
          + " criterion, in the order of the study's eligibility Group.",
      List.of("Bundle.entry.search"),
      null,
      Part.required("outcome", Value.coding(LocalCode.CRITERION_OUTCOME.id())),
      Part.required("kind", Value.coding(LocalCode.ELIGIBILITY_CHARACTERISTIC.id())),
      Part.required("exclude", Value.of("boolean")),
      Part.required("method", Value.coding(LocalCode.CHARACTERISTIC_METHOD.id())),
      Part.required("sentence", Value.of("string")),
      Part.optional("evidence", Value.reference("Resource")),
      Part.optional("reason", Value.of("string")));

  /** The value of a simple extension or of one part of a complex one. */
  public record Value(String type, String valueSet, String targetType) {
    static Value of(String type) {
      return new Value(type, null, null);
    }

    static Value coding(String codeSystemId) {
      return new Value("Coding", codeSystemId, null);
    }

    static Value reference(String targetType) {
      return new Value("Reference", null, targetType);
    }
  }

  /** One part of a complex extension. */
  public record Part(String name, Value value, int min, boolean repeats) {
    static Part required(String name, Value value) {
      return new Part(name, value, 1, false);
    }

    static Part optional(String name, Value value) {
      return new Part(name, value, 0, false);
    }

    static Part repeating(String name, Value value) {
      return new Part(name, value, 0, true);
    }
  }

  private final String id;
  private final String title;
  private final String description;
  private final List<String> contexts;
  private final Value value;
  private final List<Part> parts;

  TrialExtension(
      String id,
      String title,
      String description,
      List<String> contexts,
      Value value,
      Part... parts) {
    this.id = id;
    this.title = title;
    this.description = description;
    this.contexts = contexts;
    this.value = value;
    this.parts = List.of(parts);
  }

  public String id() {
    return id;
  }

  public String url() {
    return Canonical.structureDefinition(id);
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  /** Element paths (or type names) where the extension may appear. */
  public List<String> contexts() {
    return contexts;
  }

  /** The value of a simple extension; null for a complex one. */
  public Value value() {
    return value;
  }

  /** The parts of a complex extension; empty for a simple one. */
  public List<Part> parts() {
    return parts;
  }

  public boolean isComplex() {
    return value == null;
  }
}
