package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.testing.ClinicalResources;

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
    add(
        ClinicalResources.activeCondition(
            patient.getIdPart() + "-condition-" + next++, patient.getIdPart(), snomed, text));
    return this;
  }

  /** A final laboratory Observation coded in LOINC with a UCUM quantity. */
  TestPatients observation(String loinc, String value, String unit, LocalDate date) {
    add(
        ClinicalResources.labResult(
            patient.getIdPart() + "-observation-" + next++,
            patient.getIdPart(),
            loinc,
            value,
            unit,
            date));
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
