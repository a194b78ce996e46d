package org.trialfhir.matching;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Builds test patients as real HAPI R4 resources in a collection Bundle. */
final class TestPatients {
  private final Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
  private final Patient patient;
  private int next = 1;

  private TestPatients(String id, AdministrativeGender gender, LocalDate birthDate) {
    patient = new Patient();
    patient.setId(id);
    patient.setGender(gender);
    patient.setBirthDate(Date.from(birthDate.atStartOfDay().toInstant(ZoneOffset.UTC)));
    add(patient);
  }

  static TestPatients patient(String id, AdministrativeGender gender, LocalDate birthDate) {
    return new TestPatients(id, gender, birthDate);
  }

  private void add(Resource resource) {
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + resource.getIdElement().getIdPart())
        .setResource(resource);
  }

  /** An active, confirmed Condition coded in SNOMED CT (or only as text when code is null). */
  TestPatients condition(String snomed, String text) {
    Condition condition = new Condition();
    condition.setId(patient.getIdPart() + "-condition-" + next++);
    condition.setSubject(new Reference("Patient/" + patient.getIdPart()));
    condition.setClinicalStatus(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
    condition.setVerificationStatus(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null)));
    CodeableConcept code = new CodeableConcept().setText(text);
    if (snomed != null) {
      code.addCoding(new Coding(Terminology.SNOMED, snomed, text));
    }
    condition.setCode(code);
    add(condition);
    return this;
  }

  /** A final laboratory Observation coded in LOINC with a UCUM quantity. */
  TestPatients observation(String loinc, String value, String unit, LocalDate date) {
    Observation observation = new Observation();
    observation.setId(patient.getIdPart() + "-observation-" + next++);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.setSubject(new Reference("Patient/" + patient.getIdPart()));
    observation.setCode(new CodeableConcept(new Coding(Terminology.LOINC, loinc, null)));
    observation.setEffective(
        new DateTimeType(Date.from(date.atStartOfDay().toInstant(ZoneOffset.UTC))));
    observation.setValue(
        new Quantity()
            .setValue(new BigDecimal(value))
            .setUnit(unit)
            .setSystem("http://unitsofmeasure.org")
            .setCode(unit));
    add(observation);
    return this;
  }

  /**
   * Any other resource of the patient (a MedicationRequest, Procedure, Medication, …), given the id
   * {@code <patient>-<type>-<n>} unless it has one, as an entry whose fullUrl is {@code urn:uuid:}
   * and that id.
   */
  TestPatients with(Resource resource) {
    if (!resource.hasIdElement() || !resource.getIdElement().hasIdPart()) {
      resource.setId(
          patient.getIdPart()
              + "-"
              + resource.fhirType().toLowerCase(java.util.Locale.ROOT)
              + "-"
              + next++);
    }
    add(resource);
    return this;
  }

  Bundle bundle() {
    return bundle;
  }

  PatientData data() {
    return PatientData.from(bundle);
  }
}
