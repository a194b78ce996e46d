package org.trialfhir.mapping;

import java.util.List;

/**
 * Our own code systems for concepts that neither FHIR R4 nor ClinicalTrials.gov enumerates (kinds
 * of eligibility characteristic, kinds of study date, how a characteristic was derived).
 */
public enum LocalCode {
  ELIGIBILITY_CHARACTERISTIC(
      "eligibility-characteristic",
      "Kinds of eligibility characteristic on a TrialFHIR eligibility Group",
      c("age", "Age", "Age of the participant at enrollment (valueRange in UCUM time units)."),
      c("sex", "Sex", "Sex of the participants eligible (omitted when all sexes are eligible)."),
      c(
          "healthy-volunteers",
          "Accepts healthy volunteers",
          "Whether participants without the condition under study are accepted."),
      c(
          "std-age-group",
          "Standard age group",
          "The registry's standard age groups that overlap the age range (any of the codings)."),
      c("bmi", "Body mass index", "Body mass index range, in kg/m2."),
      c(
          "inclusion-criteria",
          "Inclusion criteria text",
          "The inclusion part of the criteria text, verbatim."),
      c(
          "exclusion-criteria",
          "Exclusion criteria text",
          "The exclusion part of the criteria text, verbatim (the characteristic has exclude=true)."),
      c(
          "criteria-text",
          "Criteria text",
          "Criteria text that is headed neither inclusion nor exclusion, verbatim."),
      c(
          "condition",
          "Condition",
          "Having a condition (valueCodeableConcept: its MeSH, SNOMED CT and ICD-10-CM codings)."),
      c(
          "lab",
          "Laboratory value",
          "A laboratory result in a range (code also carries the test's LOINC codings; value in"
              + " UCUM)."),
      c("pregnancy", "Pregnancy", "Being pregnant (valueBoolean true)."),
      c("breastfeeding", "Breastfeeding", "Breastfeeding (valueBoolean true)."),
      c("ecog", "ECOG performance status", "ECOG performance status score in a range."),
      c(
          "medication",
          "Medication",
          "Taking, or having taken, a medication (valueCodeableConcept: its RxNorm codings and"
              + " name; criterion-qualifier history for any time in the past, within for a"
              + " window, else now)."),
      c(
          "procedure",
          "Procedure",
          "Having undergone a procedure (valueCodeableConcept: its SNOMED CT codings and name;"
              + " criterion-qualifier within for a window)."),
      c(
          "allergy",
          "Allergy",
          "A known allergy or hypersensitivity to a medication (valueCodeableConcept: its RxNorm"
              + " codings), or to the study's own intervention (text only)."),
      c(
          "other",
          "Criterion not computable",
          "A criterion the parser did not understand; valueCodeableConcept.text holds the sentence,"
              + " and matching reports it as unknown.")),
  STUDY_DATE_KIND(
      "study-date-kind",
      "Kinds of study date recorded by ClinicalTrials.gov",
      c("primary-completion", "Primary completion", "Primary completion date."),
      c("study-first-submitted", "First submitted", "Date the study was first submitted."),
      c("study-first-posted", "First posted", "Date the study was first posted."),
      c("results-first-submitted", "Results first submitted", "Date results were first submitted."),
      c("results-first-posted", "Results first posted", "Date results were first posted."),
      c("last-update-submitted", "Last update submitted", "Date of the last submitted update."),
      c("last-update-posted", "Last update posted", "Date the last update was posted."),
      c("status-verified", "Status verified", "Date the record's status was last verified.")),
  CHARACTERISTIC_METHOD(
      "characteristic-method",
      "How an eligibility characteristic was obtained",
      c("structured", "Structured field", "From a structured field of the registry record."),
      c(
          "registry-prediction",
          "Registry model prediction",
          "Predicted by ClinicalTrials.gov's own model (derivedSection.miscInfoModule)."),
      c(
          "text-derived",
          "Derived from criteria text",
          "Machine-derived from the free-text criteria; the source sentence is kept.")),
  MATCH_VERDICT(
      "match-verdict",
      "A study's eligibility verdict for one patient (ResearchStudy/$match)",
      c("eligible", "Eligible", "Every criterion is met."),
      c(
          "possibly-eligible",
          "Possibly eligible",
          "No criterion is not met, and at least one is unknown."),
      c("not-eligible", "Not eligible", "At least one criterion is not met.")),
  CRITERION_OUTCOME(
      "criterion-outcome",
      "How one eligibility criterion turned out for one patient (ResearchStudy/$match)",
      c("met", "Met", "The patient's data satisfy the criterion."),
      c("not-met", "Not met", "The patient's data contradict the criterion."),
      c(
          "unknown",
          "Unknown",
          "The patient's data do not decide the criterion, or it is not computable."));

  /** One code with its display and definition. */
  public record Code(String code, String display, String definition) {}

  private final String id;
  private final String title;
  private final List<Code> codes;

  LocalCode(String id, String title, Code... codes) {
    this.id = id;
    this.title = title;
    this.codes = List.of(codes);
  }

  private static Code c(String code, String display, String definition) {
    return new Code(code, display, definition);
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  public String system() {
    return Canonical.codeSystem(id);
  }

  public List<Code> codes() {
    return codes;
  }

  public String display(String code) {
    return codes.stream()
        .filter(c -> c.code().equals(code))
        .map(Code::display)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(id + " has no code " + code));
  }
}
