package org.trialfhir.mapping;

/** Canonical URLs: ours, and the external systems the mapping writes. */
public final class Canonical {
  /** Base of every conformance resource we publish in {@code profiles/}. */
  public static final String BASE = "http://trialfhir.org/fhir";

  /**
   * The identifier system of HL7 Terminology's NamingSystem {@code ClinicalTrials-Gov} (its
   * preferred uri uniqueId). Search also accepts the http and trailing-slash variants.
   */
  public static final String NCT_SYSTEM = "https://clinicaltrials.gov";

  /** MeSH, as HL7 Terminology's CodeSystem {@code MeSH} names it. */
  public static final String MESH = "https://www.nlm.nih.gov/mesh";

  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String ISO_3166 = "urn:iso:std:iso:3166";
  public static final String RESEARCH_STUDY_PHASE =
      "http://terminology.hl7.org/CodeSystem/research-study-phase";
  public static final String RESEARCH_STUDY_PRIMARY_PURPOSE =
      "http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type";
  public static final String RESEARCH_STUDY_OBJECTIVE_TYPE =
      "http://terminology.hl7.org/CodeSystem/research-study-objective-type";
  public static final String RESEARCH_STUDY_REASON_STOPPED =
      "http://terminology.hl7.org/CodeSystem/research-study-reason-stopped";
  public static final String PLAN_DEFINITION_TYPE =
      "http://terminology.hl7.org/CodeSystem/plan-definition-type";
  public static final String ADMINISTRATIVE_GENDER = "http://hl7.org/fhir/administrative-gender";

  /** The study's page on the registry, also written to {@code meta.source}. */
  public static String studyPage(String nctId) {
    return "https://clinicaltrials.gov/study/" + nctId;
  }

  public static String structureDefinition(String id) {
    return BASE + "/StructureDefinition/" + id;
  }

  public static String codeSystem(String id) {
    return BASE + "/CodeSystem/" + id;
  }

  public static String valueSet(String id) {
    return BASE + "/ValueSet/" + id;
  }

  public static String searchParameter(String id) {
    return BASE + "/SearchParameter/" + id;
  }

  private Canonical() {}
}
