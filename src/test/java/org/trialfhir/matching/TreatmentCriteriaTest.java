package org.trialfhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.MedicationStatement.MedicationStatementStatus;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.LocalCode;

/**
 * The medication, procedure, allergy and healthy-volunteer rules of the README's "Evaluation rules"
 * on hand-built patients: each criterion is a hand-written sentence parsed from a study's
 * eligibility Group (with its ResearchStudy's conditions and interventions), evaluated by the
 * standard matcher, and each case expects one exact outcome and, where one decides, the resource.
 */
class TreatmentCriteriaTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
  private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  private static final String METFORMIN_500 = "860975";
  private static final String PENICILLIN_V = "7984";
  private static final String KIDNEY_TRANSPLANT = "70536003";
  private static final String TYPE_2_DIABETES = "44054006";

  // ---------------------------------------------------------------- medications, "now"

  @Nested
  class CurrentCorticosteroids {
    private final EligibilityModel model =
        exclusion("Currently receiving systemic corticosteroids");

    @Test
    void parsesAsAnExclusionOfCorticosteroidsNow() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude medication corticosteroids");
    }

    @Test
    void activePrednisonePrescriptionExcludes() {
      MedicationRequest prednisone =
          request(MedicationRequestStatus.ACTIVE, "prednisone 20 MG Oral Tablet", 30);
      TestPatients patient = adult("now1").with(metformin()).with(prednisone);

      assertOnly(model, patient, Outcome.NOT_MET, prednisone);
      assertThat(evaluate(model, patient).verdict()).isEqualTo(Verdict.NOT_ELIGIBLE);
    }

    @Test
    void prescriptionStoppedSixMonthsAgoIsNotCurrent() {
      MedicationRequest stopped =
          request(MedicationRequestStatus.STOPPED, "prednisone 20 MG Oral Tablet", 270);
      stopped
          .getDispenseRequest()
          .setValidityPeriod(new Period().setStart(date(270)).setEnd(date(182)));

      assertOnly(model, adult("now2").with(stopped), Outcome.MET, null);
    }

    @Test
    void otherMedicationsOnlyMeetTheExclusion() {
      assertOnly(model, adult("now3").with(metformin()), Outcome.MET, null);
    }

    @Test
    void noMedicationDataAtAllLeavesItUnknown() {
      assertOnly(model, adult("now4"), Outcome.UNKNOWN, null);
    }

    @Test
    void topicalFormOfAMatchingDrugIsUnknownNotExcluded() {
      MedicationRequest cream =
          request(MedicationRequestStatus.ACTIVE, "hydrocortisone 10 MG/ML Topical Cream", 10);

      assertOnly(model, adult("now5").with(cream), Outcome.UNKNOWN, cream);
    }

    @Test
    void inhaledFormOfAMatchingDrugIsUnknownNotExcluded() {
      MedicationRequest inhaler =
          request(
              MedicationRequestStatus.ACTIVE,
              "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler",
              10);

      assertOnly(model, adult("now6").with(inhaler), Outcome.UNKNOWN, inhaler);
    }

    @Test
    void unresolvableMedicationReferenceBlocksAbsence() {
      MedicationRequest unresolved = request(MedicationRequestStatus.ACTIVE, null, 10);
      unresolved.setMedication(new Reference("Medication/not-in-the-data"));

      assertOnly(
          model, adult("now7").with(metformin()).with(unresolved), Outcome.UNKNOWN, unresolved);
    }

    @Test
    void medicationReferenceToABundledMedicationIsResolved() {
      Medication medication = new Medication().setCode(new CodeableConcept().setText("prednisone"));
      medication.setId("med-prednisone");
      MedicationRequest request = request(MedicationRequestStatus.ACTIVE, null, 10);
      request.setMedication(new Reference("urn:uuid:med-prednisone"));

      assertOnly(model, adult("now8").with(medication).with(request), Outcome.NOT_MET, request);
    }

    @Test
    void medicationReferenceToAContainedMedicationIsResolved() {
      Medication medication =
          new Medication().setCode(new CodeableConcept().setText("prednisone 20 MG Oral Tablet"));
      medication.setId("pred");
      MedicationRequest request = request(MedicationRequestStatus.ACTIVE, null, 10);
      request.addContained(medication);
      request.setMedication(new Reference("#pred"));
      TestPatients patient = adult("now10").with(request);

      assertOnly(model, patient, Outcome.NOT_MET, request);
      // as read from JSON, where the contained Medication is reached through the reference
      Bundle parsed =
          FhirContext.forR4Cached()
              .newJsonParser()
              .parseResource(
                  Bundle.class,
                  FhirContext.forR4Cached()
                      .newJsonParser()
                      .encodeResourceToString(patient.bundle()));
      CriterionResult result =
          Matcher.standard().evaluate(PatientData.from(parsed), model, TODAY).results().get(0);
      assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.NOT_MET);
      assertThat(result.evidence()).isSameAs(parsed.getEntry().get(1).getResource());
    }

    @Test
    void medicationStatementInUseExcludes() {
      MedicationStatement statement =
          statement(MedicationStatementStatus.ACTIVE, "Prednisone 5 MG Oral Tablet", 60, null);

      assertOnly(model, adult("now9").with(statement), Outcome.NOT_MET, statement);
    }
  }

  // ---------------------------------------------------------------- medications, a window

  @Nested
  class CorticosteroidsWithinFourWeeks {
    private final EligibilityModel model =
        exclusion("Systemic corticosteroids within 4 weeks before screening");

    @Test
    void parsesWithAFourWeekWindow() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude medication corticosteroids <=4 wk");
    }

    @Test
    void courseStartedAndEndedInsideTheWindowExcludes() {
      MedicationStatement course =
          statement(MedicationStatementStatus.COMPLETED, "prednisone 10 MG Oral Tablet", 21, 14);

      assertOnly(model, adult("win1").with(course), Outcome.NOT_MET, course);
    }

    @Test
    void courseThatEndedEightWeeksAgoMeetsTheExclusion() {
      MedicationStatement course =
          statement(MedicationStatementStatus.COMPLETED, "prednisone 10 MG Oral Tablet", 84, 56);

      assertOnly(model, adult("win2").with(course), Outcome.MET, null);
    }

    @Test
    void courseStartedBeforeTheWindowAndEndedInsideItIsUnknown() {
      // The README: a use started before the window counts as outside only when known to have
      // ended before it, else unknown (the rule does not call an overlap a use in the window).
      MedicationStatement course =
          statement(MedicationStatementStatus.COMPLETED, "prednisone 10 MG Oral Tablet", 70, 14);

      assertOnly(model, adult("win3").with(course), Outcome.UNKNOWN, course);
    }

    @Test
    void stoppedPrescriptionWithNoEndDateIsUnknown() {
      MedicationRequest stopped =
          request(MedicationRequestStatus.STOPPED, "prednisone 20 MG Oral Tablet", 365);

      assertOnly(model, adult("win4").with(stopped), Outcome.UNKNOWN, stopped);
    }

    @Test
    void prescriptionAuthoredInsideTheWindowExcludesEvenWhenStopped() {
      MedicationRequest stopped =
          request(MedicationRequestStatus.STOPPED, "prednisone 20 MG Oral Tablet", 10);

      assertOnly(model, adult("win5").with(stopped), Outcome.NOT_MET, stopped);
    }
  }

  // ---------------------------------------------------------------- procedures

  @Nested
  class PriorOrganTransplant {
    private final EligibilityModel model = exclusion("Prior organ transplant");

    @Test
    void parsesAsAnyTimeOrganTransplantation() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude procedure organ-transplantation history");
    }

    @Test
    void kidneyTransplantExcludes() {
      Procedure transplant =
          procedure(KIDNEY_TRANSPLANT, "Transplantation of kidney (procedure)", 3 * 365);

      assertOnly(model, adult("tx1").with(transplant), Outcome.NOT_MET, transplant);
    }

    @Test
    void otherProceduresOnlyMeetTheExclusion() {
      assertOnly(model, adult("tx2").with(procedure(null, "Appendectomy", 400)), Outcome.MET, null);
    }

    @Test
    void noProcedureDataLeavesItUnknown() {
      assertOnly(model, adult("tx3"), Outcome.UNKNOWN, null);
    }

    @Test
    void notDoneTransplantIsIgnored() {
      Procedure planned = procedure(KIDNEY_TRANSPLANT, "Transplantation of kidney", 30);
      planned.setStatus(Procedure.ProcedureStatus.NOTDONE);
      TestPatients patient = adult("tx4").with(planned).with(procedure(null, "Appendectomy", 400));

      assertOnly(model, patient, Outcome.MET, null);
    }
  }

  @Nested
  class MajorSurgeryWithinFourWeeks {
    private final EligibilityModel model = exclusion("Major surgery within 4 weeks");

    @Test
    void parsesAsQualifiedSurgeryInAWindow() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude procedure surgery <=4 wk qualified");
    }

    @Test
    void anySurgeryInTheWindowIsUnknownSinceMajorCannotBeTold() {
      Procedure surgery = procedure(null, "Laparoscopic appendectomy", 14);

      assertOnly(model, adult("ms1").with(surgery), Outcome.UNKNOWN, surgery);
    }

    @Test
    void surgeryOnlyBeforeTheWindowMeetsTheExclusion() {
      assertOnly(model, adult("ms2").with(procedure(null, "Appendectomy", 120)), Outcome.MET, null);
    }
  }

  @Nested
  class SurgeryWithinFourWeeks {
    private final EligibilityModel model = exclusion("Surgery within 4 weeks");

    @Test
    void parsesAsSurgeryInAWindow() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude procedure surgery <=4 wk");
    }

    @Test
    void surgeryInTheWindowExcludes() {
      Procedure surgery = procedure(null, "Laparoscopic appendectomy", 14);

      assertOnly(model, adult("s1").with(surgery), Outcome.NOT_MET, surgery);
    }

    @Test
    void aProcedureInTheWindowThatNamesNoSurgeryLeavesAbsenceUnknown() {
      Procedure other = procedure(null, "Medication reconciliation (procedure)", 7);

      assertOnly(model, adult("s2").with(other), Outcome.UNKNOWN, null);
    }

    @Test
    void noProcedureInTheWindowMeetsTheExclusion() {
      Procedure old = procedure(null, "Medication reconciliation (procedure)", 90);

      assertOnly(model, adult("s3").with(old), Outcome.MET, null);
    }

    @Test
    void performedPeriodCountsByItsEnd() {
      Procedure surgery = procedure(null, "Coronary artery bypass graft", 0);
      surgery.setPerformed(new Period().setStart(date(60)).setEnd(date(20)));

      assertOnly(model, adult("s4").with(surgery), Outcome.NOT_MET, surgery);
    }
  }

  // ---------------------------------------------------------------- allergies

  @Nested
  class PenicillinHypersensitivity {
    private final EligibilityModel model = exclusion("Known hypersensitivity to penicillin");

    @Test
    void parsesAsAnAllergyToPenicillin() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude allergy penicillin");
    }

    @Test
    void activePenicillinAllergyExcludes() {
      AllergyIntolerance allergy = allergy("active", PENICILLIN_V, "Penicillin V");

      assertOnly(model, adult("al1").with(allergy), Outcome.NOT_MET, allergy);
    }

    @Test
    void resolvedPenicillinAllergyDoesNotExclude() {
      TestPatients patient = adult("al2").with(allergy("resolved", PENICILLIN_V, "Penicillin V"));

      assertOnly(model, patient, Outcome.MET, null);
    }

    @Test
    void inactivePenicillinAllergyDoesNotExclude() {
      TestPatients patient = adult("al3").with(allergy("inactive", null, "Allergy to penicillin"));

      assertOnly(model, patient, Outcome.MET, null);
    }

    @Test
    void noAllergyDataLeavesItUnknown() {
      assertOnly(model, adult("al4"), Outcome.UNKNOWN, null);
    }
  }

  @Nested
  class StudyDrugHypersensitivity {
    private final EligibilityModel model =
        model(
            group(null, "Known hypersensitivity to the study drug"),
            study(List.of(), List.of("Semaglutide")));

    @Test
    void parsesAsAnAllergyToTheStudyDrug() {
      assertThat(model.textDerived())
          .extracting(Criterion::notation)
          .containsExactly("exclude allergy study-drug");
      assertThat(model.interventions()).containsExactly("Semaglutide");
    }

    @Test
    void activeAllergyNamingTheInterventionExcludes() {
      AllergyIntolerance allergy = allergy("active", null, "Allergy to semaglutide");

      assertOnly(model, adult("sd1").with(allergy), Outcome.NOT_MET, allergy);
    }

    @Test
    void allergiesToOtherDrugsLeaveItUnknown() {
      TestPatients patient = adult("sd2").with(allergy("active", PENICILLIN_V, "Penicillin V"));

      assertOnly(model, patient, Outcome.UNKNOWN, null);
    }

    @Test
    void resolvedAllergyNamingTheInterventionLeavesItUnknown() {
      TestPatients patient = adult("sd3").with(allergy("resolved", null, "Allergy to semaglutide"));

      assertOnly(model, patient, Outcome.UNKNOWN, null);
    }

    @Test
    void withoutTheStudyItIsUnknownEvenWithTheAllergy() {
      EligibilityModel groupOnly =
          EligibilityModel.from(group(null, "Known hypersensitivity to the study drug"));
      TestPatients patient = adult("sd4").with(allergy("active", null, "Allergy to semaglutide"));

      assertOnly(groupOnly, patient, Outcome.UNKNOWN, null);
    }
  }

  // ---------------------------------------------------------------- healthy volunteers

  @Nested
  class NoHealthyVolunteers {
    private final EligibilityModel model =
        model(group(false, null), study(List.of("D003924"), List.of()));

    @Test
    void patientWithTheStudysConditionMeetsIt() {
      TestPatients patient = adult("hv1").condition(TYPE_2_DIABETES, "Diabetes mellitus type 2");

      CriterionResult result = only(model, patient);
      assertThat(result.outcome()).isEqualTo(Outcome.MET);
      assertThat(result.evidence().getIdElement().getIdPart()).isEqualTo("hv1-condition-1");
    }

    @Test
    void narrowerConditionThanTheStudysMeetsIt() {
      EligibilityModel diabetes = model(group(false, null), study(List.of("D003920"), List.of()));
      TestPatients patient = adult("hv2").condition(TYPE_2_DIABETES, "Diabetes mellitus type 2");

      assertThat(only(diabetes, patient).outcome()).isEqualTo(Outcome.MET);
    }

    @Test
    void onlyUnrelatedFindingsLeaveItUnknown() {
      TestPatients patient =
          adult("hv3")
              .condition("314529007", "Medication review due (situation)")
              .condition("59621000", "Essential hypertension (disorder)");

      assertOnly(model, patient, Outcome.UNKNOWN, null);
    }

    @Test
    void noConditionsLeaveItUnknownNotNotMet() {
      assertOnly(model, adult("hv4"), Outcome.UNKNOWN, null);
    }

    @Test
    void resolvedStudyConditionLeavesItUnknown() {
      Condition resolved = new Condition();
      resolved.setClinicalStatus(
          new CodeableConcept(
              new Coding(
                  "http://terminology.hl7.org/CodeSystem/condition-clinical", "resolved", null)));
      resolved.setCode(
          new CodeableConcept(new Coding(Terminology.SNOMED, TYPE_2_DIABETES, "Diabetes")));

      assertOnly(model, adult("hv5").with(resolved), Outcome.UNKNOWN, null);
    }

    @Test
    void withoutTheStudyItIsUnknown() {
      TestPatients patient = adult("hv6").condition(TYPE_2_DIABETES, "Diabetes mellitus type 2");

      assertOnly(EligibilityModel.from(group(false, null)), patient, Outcome.UNKNOWN, null);
    }

    @Test
    void studyAcceptingHealthyVolunteersTakesAnyone() {
      assertOnly(
          model(group(true, null), study(List.of("D003924"), List.of())),
          adult("hv7"),
          Outcome.MET,
          null);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static TestPatients adult(String id) {
    return TestPatients.patient(id, AdministrativeGender.FEMALE, LocalDate.of(1975, 6, 1));
  }

  private static Date date(int daysAgo) {
    return Date.from(TODAY.minusDays(daysAgo).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** A MedicationRequest authored {@code daysAgo}; {@code text} null for none (set it later). */
  private static MedicationRequest request(
      MedicationRequestStatus status, String text, int daysAgo) {
    MedicationRequest request = new MedicationRequest();
    request.setStatus(status);
    request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    request.setAuthoredOn(date(daysAgo));
    if (text != null) {
      request.setMedication(new CodeableConcept().setText(text));
    }
    return request;
  }

  private static MedicationRequest metformin() {
    MedicationRequest request = request(MedicationRequestStatus.ACTIVE, null, 200);
    request.setMedication(
        new CodeableConcept(
            new Coding(
                RXNORM,
                METFORMIN_500,
                "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")));
    return request;
  }

  /** A MedicationStatement over a period, {@code endDaysAgo} null for an open one. */
  private static MedicationStatement statement(
      MedicationStatementStatus status, String text, int startDaysAgo, Integer endDaysAgo) {
    MedicationStatement statement = new MedicationStatement();
    statement.setStatus(status);
    statement.setMedication(new CodeableConcept().setText(text));
    Period period = new Period().setStart(date(startDaysAgo));
    if (endDaysAgo != null) {
      period.setEnd(date(endDaysAgo));
    }
    statement.setEffective(period);
    return statement;
  }

  /** A completed Procedure performed {@code daysAgo}, coded in SNOMED CT when given a code. */
  private static Procedure procedure(String snomed, String text, int daysAgo) {
    Procedure procedure = new Procedure();
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    CodeableConcept code = new CodeableConcept().setText(text);
    if (snomed != null) {
      code.addCoding(new Coding(Terminology.SNOMED, snomed, text));
    }
    procedure.setCode(code);
    procedure.setPerformed(new DateTimeType(date(daysAgo)));
    return procedure;
  }

  /** A confirmed AllergyIntolerance with a clinical status, coded in RxNorm when given a code. */
  private static AllergyIntolerance allergy(String clinicalStatus, String rxnorm, String text) {
    AllergyIntolerance allergy = new AllergyIntolerance();
    allergy.setClinicalStatus(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                clinicalStatus,
                null)));
    allergy.setVerificationStatus(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                "confirmed",
                null)));
    allergy.setType(AllergyIntolerance.AllergyIntoleranceType.ALLERGY);
    CodeableConcept code = new CodeableConcept().setText(text);
    if (rxnorm != null) {
      code.addCoding(new Coding(RXNORM, rxnorm, text));
    }
    allergy.setCode(code);
    return allergy;
  }

  /** An eligibility Group as the mapping writes it: healthy volunteers and exclusion text. */
  private static Group group(Boolean healthyVolunteers, String exclusionText) {
    Group group = new Group();
    group.setId("NCT00000001-eligibility");
    if (healthyVolunteers != null) {
      characteristic(group, "healthy-volunteers").setValue(new BooleanType(healthyVolunteers));
    }
    if (exclusionText != null) {
      characteristic(group, "exclusion-criteria")
          .setValue(new CodeableConcept().setText(exclusionText))
          .setExclude(true);
    }
    return group;
  }

  private static Group.GroupCharacteristicComponent characteristic(Group group, String code) {
    return group
        .addCharacteristic()
        .setCode(
            new CodeableConcept(
                new Coding(LocalCode.ELIGIBILITY_CHARACTERISTIC.system(), code, null)));
  }

  /** A ResearchStudy with conditions coded in MeSH and interventions named as its focus. */
  private static ResearchStudy study(List<String> meshConditions, List<String> interventions) {
    ResearchStudy study = new ResearchStudy();
    study.setId("NCT00000001");
    meshConditions.forEach(
        mesh ->
            study.addCondition(
                new CodeableConcept(new Coding("urn:oid:2.16.840.1.113883.6.177", mesh, null))));
    interventions.forEach(name -> study.addFocus(new CodeableConcept().setText(name)));
    return study;
  }

  private static EligibilityModel model(Group group, ResearchStudy study) {
    return EligibilityModel.from(group, study);
  }

  /** A study with one exclusion sentence, whose ResearchStudy names no conditions. */
  private static EligibilityModel exclusion(String sentence) {
    return model(group(null, sentence), study(List.of(), List.of()));
  }

  private static MatchResult evaluate(EligibilityModel model, TestPatients patient) {
    return Matcher.standard().evaluate(patient.data(), model, TODAY);
  }

  /** The result of the model's one criterion. */
  private static CriterionResult only(EligibilityModel model, TestPatients patient) {
    List<CriterionResult> results = evaluate(model, patient).results();
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  /** The one criterion's outcome, and the resource that decided it (none when null). */
  private static void assertOnly(
      EligibilityModel model, TestPatients patient, Outcome outcome, Resource evidence) {
    CriterionResult result = only(model, patient);
    assertThat(result.outcome()).as(result.reason()).isEqualTo(outcome);
    if (evidence == null) {
      assertThat(result.evidence()).as(result.reason()).isNull();
    } else {
      assertThat(result.evidence()).as(result.reason()).isSameAs(evidence);
    }
  }
}
