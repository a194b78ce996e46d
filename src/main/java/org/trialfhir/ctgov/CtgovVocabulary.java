package org.trialfhir.ctgov;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ClinicalTrials.gov enumerations we read and emit, one source of truth for the reader's
 * checks, the mapper's display texts and the published CodeSystems in {@code profiles/}.
 *
 * <p>Codes and displays follow the API v2 data dictionary (the enum values of the study schema).
 */
public enum CtgovVocabulary {
  OVERALL_STATUS(
      "ctgov-overall-status",
      "ClinicalTrials.gov overall recruitment status",
      "protocolSection.statusModule.overallStatus",
      c("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
      c("COMPLETED", "Completed"),
      c("ENROLLING_BY_INVITATION", "Enrolling by invitation"),
      c("NOT_YET_RECRUITING", "Not yet recruiting"),
      c("RECRUITING", "Recruiting"),
      c("SUSPENDED", "Suspended"),
      c("TERMINATED", "Terminated"),
      c("WITHDRAWN", "Withdrawn"),
      c("AVAILABLE", "Available (expanded access)"),
      c("NO_LONGER_AVAILABLE", "No longer available (expanded access)"),
      c("TEMPORARILY_NOT_AVAILABLE", "Temporarily not available (expanded access)"),
      c("APPROVED_FOR_MARKETING", "Approved for marketing (expanded access)"),
      c("WITHHELD", "Withheld"),
      c("UNKNOWN", "Unknown status")),
  SITE_STATUS(
      "ctgov-site-status",
      "ClinicalTrials.gov recruitment status of one site",
      "protocolSection.contactsLocationsModule.locations[].status",
      c("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
      c("COMPLETED", "Completed"),
      c("ENROLLING_BY_INVITATION", "Enrolling by invitation"),
      c("NOT_YET_RECRUITING", "Not yet recruiting"),
      c("RECRUITING", "Recruiting"),
      c("SUSPENDED", "Suspended"),
      c("TERMINATED", "Terminated"),
      c("WITHDRAWN", "Withdrawn"),
      c("AVAILABLE", "Available (expanded access)")),
  PHASE(
      "ctgov-phase",
      "ClinicalTrials.gov study phase",
      "protocolSection.designModule.phases[]",
      c("NA", "Not applicable"),
      c("EARLY_PHASE1", "Early Phase 1"),
      c("PHASE1", "Phase 1"),
      c("PHASE2", "Phase 2"),
      c("PHASE3", "Phase 3"),
      c("PHASE4", "Phase 4")),
  STUDY_TYPE(
      "ctgov-study-type",
      "ClinicalTrials.gov study type",
      "protocolSection.designModule.studyType",
      c("INTERVENTIONAL", "Interventional"),
      c("OBSERVATIONAL", "Observational"),
      c("EXPANDED_ACCESS", "Expanded access")),
  PRIMARY_PURPOSE(
      "ctgov-primary-purpose",
      "ClinicalTrials.gov primary purpose",
      "protocolSection.designModule.designInfo.primaryPurpose",
      c("TREATMENT", "Treatment"),
      c("PREVENTION", "Prevention"),
      c("DIAGNOSTIC", "Diagnostic"),
      c("ECT", "Educational/counseling/training"),
      c("SUPPORTIVE_CARE", "Supportive care"),
      c("SCREENING", "Screening"),
      c("HEALTH_SERVICES_RESEARCH", "Health services research"),
      c("BASIC_SCIENCE", "Basic science"),
      c("DEVICE_FEASIBILITY", "Device feasibility"),
      c("OTHER", "Other")),
  ALLOCATION(
      "ctgov-allocation",
      "ClinicalTrials.gov allocation",
      "protocolSection.designModule.designInfo.allocation",
      c("RANDOMIZED", "Randomized"),
      c("NON_RANDOMIZED", "Non-randomized"),
      c("NA", "Not applicable")),
  INTERVENTION_MODEL(
      "ctgov-intervention-model",
      "ClinicalTrials.gov interventional study model",
      "protocolSection.designModule.designInfo.interventionModel",
      c("SINGLE_GROUP", "Single group assignment"),
      c("PARALLEL", "Parallel assignment"),
      c("CROSSOVER", "Crossover assignment"),
      c("FACTORIAL", "Factorial assignment"),
      c("SEQUENTIAL", "Sequential assignment")),
  OBSERVATIONAL_MODEL(
      "ctgov-observational-model",
      "ClinicalTrials.gov observational study model",
      "protocolSection.designModule.designInfo.observationalModel",
      c("COHORT", "Cohort"),
      c("CASE_CONTROL", "Case-control"),
      c("CASE_ONLY", "Case-only"),
      c("CASE_CROSSOVER", "Case-crossover"),
      c("ECOLOGIC_OR_COMMUNITY", "Ecologic or community"),
      c("FAMILY_BASED", "Family-based"),
      c("DEFINED_POPULATION", "Defined population"),
      c("NATURAL_HISTORY", "Natural history"),
      c("OTHER", "Other")),
  TIME_PERSPECTIVE(
      "ctgov-time-perspective",
      "ClinicalTrials.gov observational time perspective",
      "protocolSection.designModule.designInfo.timePerspective",
      c("PROSPECTIVE", "Prospective"),
      c("RETROSPECTIVE", "Retrospective"),
      c("CROSS_SECTIONAL", "Cross-sectional"),
      c("OTHER", "Other")),
  MASKING(
      "ctgov-masking",
      "ClinicalTrials.gov masking",
      "protocolSection.designModule.designInfo.maskingInfo.masking",
      c("NONE", "None (open label)"),
      c("SINGLE", "Single"),
      c("DOUBLE", "Double"),
      c("TRIPLE", "Triple"),
      c("QUADRUPLE", "Quadruple")),
  WHO_MASKED(
      "ctgov-who-masked",
      "ClinicalTrials.gov masked party",
      "protocolSection.designModule.designInfo.maskingInfo.whoMasked[]",
      c("PARTICIPANT", "Participant"),
      c("CARE_PROVIDER", "Care provider"),
      c("INVESTIGATOR", "Investigator"),
      c("OUTCOMES_ASSESSOR", "Outcomes assessor")),
  ARM_GROUP_TYPE(
      "ctgov-arm-group-type",
      "ClinicalTrials.gov arm group type",
      "protocolSection.armsInterventionsModule.armGroups[].type",
      c("EXPERIMENTAL", "Experimental"),
      c("ACTIVE_COMPARATOR", "Active comparator"),
      c("PLACEBO_COMPARATOR", "Placebo comparator"),
      c("SHAM_COMPARATOR", "Sham comparator"),
      c("NO_INTERVENTION", "No intervention"),
      c("OTHER", "Other")),
  INTERVENTION_TYPE(
      "ctgov-intervention-type",
      "ClinicalTrials.gov intervention type",
      "protocolSection.armsInterventionsModule.interventions[].type",
      c("BEHAVIORAL", "Behavioral"),
      c("BIOLOGICAL", "Biological"),
      c("COMBINATION_PRODUCT", "Combination product"),
      c("DEVICE", "Device"),
      c("DIAGNOSTIC_TEST", "Diagnostic test"),
      c("DIETARY_SUPPLEMENT", "Dietary supplement"),
      c("DRUG", "Drug"),
      c("GENETIC", "Genetic"),
      c("PROCEDURE", "Procedure"),
      c("RADIATION", "Radiation"),
      c("OTHER", "Other")),
  AGENCY_CLASS(
      "ctgov-agency-class",
      "ClinicalTrials.gov sponsor or collaborator class",
      "protocolSection.sponsorCollaboratorsModule.leadSponsor.class",
      c("NIH", "NIH"),
      c("FED", "Other U.S. federal agency"),
      c("OTHER_GOV", "Other government"),
      c("INDIV", "Individual"),
      c("INDUSTRY", "Industry"),
      c("NETWORK", "Network"),
      c("AMBIG", "Ambiguous"),
      c("OTHER", "Other"),
      c("UNKNOWN", "Unknown")),
  OFFICIAL_ROLE(
      "ctgov-official-role",
      "ClinicalTrials.gov overall official role",
      "protocolSection.contactsLocationsModule.overallOfficials[].role",
      c("STUDY_CHAIR", "Study chair"),
      c("STUDY_DIRECTOR", "Study director"),
      c("PRINCIPAL_INVESTIGATOR", "Principal investigator"),
      c("SUB_INVESTIGATOR", "Sub-investigator")),
  CONTACT_ROLE(
      "ctgov-contact-role",
      "ClinicalTrials.gov contact role",
      "protocolSection.contactsLocationsModule.locations[].contacts[].role",
      c("STUDY_CHAIR", "Study chair"),
      c("STUDY_DIRECTOR", "Study director"),
      c("PRINCIPAL_INVESTIGATOR", "Principal investigator"),
      c("SUB_INVESTIGATOR", "Sub-investigator"),
      c("CONTACT", "Contact")),
  SEX(
      "ctgov-sex",
      "ClinicalTrials.gov eligible sex",
      "protocolSection.eligibilityModule.sex",
      c("FEMALE", "Female"),
      c("MALE", "Male"),
      c("ALL", "All")),
  STD_AGE(
      "ctgov-std-age",
      "ClinicalTrials.gov standard age group",
      "protocolSection.eligibilityModule.stdAges[]",
      c("CHILD", "Child (birth-17)"),
      c("ADULT", "Adult (18-64)"),
      c("OLDER_ADULT", "Older adult (65+)")),
  SAMPLING_METHOD(
      "ctgov-sampling-method",
      "ClinicalTrials.gov sampling method",
      "protocolSection.eligibilityModule.samplingMethod",
      c("PROBABILITY_SAMPLE", "Probability sample"),
      c("NON_PROBABILITY_SAMPLE", "Non-probability sample")),
  DATE_TYPE(
      "ctgov-date-type",
      "ClinicalTrials.gov date type",
      "protocolSection.statusModule.*DateStruct.type",
      c("ACTUAL", "Actual"),
      c("ESTIMATED", "Anticipated (estimated)")),
  ENROLLMENT_TYPE(
      "ctgov-enrollment-type",
      "ClinicalTrials.gov enrollment type",
      "protocolSection.designModule.enrollmentInfo.type",
      c("ACTUAL", "Actual"),
      c("ESTIMATED", "Anticipated (estimated)")),
  REFERENCE_TYPE(
      "ctgov-reference-type",
      "ClinicalTrials.gov reference type",
      "protocolSection.referencesModule.references[].type",
      c("BACKGROUND", "Background"),
      c("RESULT", "Result"),
      c("DERIVED", "Derived from the study")),
  SECONDARY_ID_TYPE(
      "ctgov-secondary-id-type",
      "ClinicalTrials.gov secondary id type",
      "protocolSection.identificationModule.secondaryIdInfos[].type",
      c("NIH", "U.S. NIH grant/contract"),
      c("FDA", "U.S. FDA grant/contract"),
      c("VA", "U.S. VA grant/contract"),
      c("CDC", "U.S. CDC grant/contract"),
      c("AHRQ", "U.S. AHRQ grant/contract"),
      c("SAMHSA", "U.S. SAMHSA grant/contract"),
      c("OTHER_GRANT", "Other grant/funding number"),
      c("EUDRACT_NUMBER", "EudraCT number"),
      c("CTIS", "EU CT number (CTIS)"),
      c("REGISTRY", "Registry identifier"),
      c("OTHER", "Other identifier")),
  RESPONSIBLE_PARTY_TYPE(
      "ctgov-responsible-party-type",
      "ClinicalTrials.gov responsible party type",
      "protocolSection.sponsorCollaboratorsModule.responsibleParty.type",
      c("SPONSOR", "Sponsor"),
      c("PRINCIPAL_INVESTIGATOR", "Principal investigator"),
      c("SPONSOR_INVESTIGATOR", "Sponsor-investigator")),
  IPD_SHARING(
      "ctgov-ipd-sharing",
      "ClinicalTrials.gov plan to share individual participant data",
      "protocolSection.ipdSharingStatementModule.ipdSharing",
      c("YES", "Yes"),
      c("NO", "No"),
      c("UNDECIDED", "Undecided")),
  IPD_INFO_TYPE(
      "ctgov-ipd-info-type",
      "ClinicalTrials.gov IPD sharing supporting information type",
      "protocolSection.ipdSharingStatementModule.infoTypes[]",
      c("STUDY_PROTOCOL", "Study protocol"),
      c("SAP", "Statistical analysis plan"),
      c("ICF", "Informed consent form"),
      c("CSR", "Clinical study report"),
      c("ANALYTIC_CODE", "Analytic code")),
  BIOSPEC_RETENTION(
      "ctgov-biospec-retention",
      "ClinicalTrials.gov biospecimen retention",
      "protocolSection.designModule.bioSpec.retention",
      c("NONE_RETAINED", "None retained"),
      c("SAMPLES_WITH_DNA", "Samples with DNA"),
      c("SAMPLES_WITHOUT_DNA", "Samples without DNA")),
  OUTCOME_TYPE(
      "ctgov-outcome-type",
      "ClinicalTrials.gov outcome measure type",
      "protocolSection.outcomesModule",
      c("PRIMARY", "Primary outcome"),
      c("SECONDARY", "Secondary outcome"),
      c("OTHER", "Other pre-specified outcome"));

  /** One code of an enumeration. */
  public record Code(String code, String display) {}

  private final String id;
  private final String title;
  private final String field;
  private final Map<String, Code> codes = new LinkedHashMap<>();

  CtgovVocabulary(String id, String title, String field, Code... codes) {
    this.id = id;
    this.title = title;
    this.field = field;
    for (Code code : codes) {
      this.codes.put(code.code(), code);
    }
  }

  private static Code c(String code, String display) {
    return new Code(code, display);
  }

  /** The CodeSystem id, also the last path segment of its canonical URL. */
  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  /** The record field (API v2 path) whose values this enumeration lists. */
  public String field() {
    return field;
  }

  public List<Code> codes() {
    return List.copyOf(codes.values());
  }

  public boolean contains(String code) {
    return code != null && codes.containsKey(code);
  }

  /** The display of a known code, or null. */
  public String display(String code) {
    Code known = code == null ? null : codes.get(code);
    return known == null ? null : known.display();
  }
}
