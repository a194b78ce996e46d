package org.trialfhir.testing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** The patient resources tests build by hand, the way EHRs send them (Synthea's shapes). */
public final class ClinicalResources {
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String LOINC = "http://loinc.org";

  private ClinicalResources() {}

  /** An active, confirmed Condition coded in SNOMED CT (or only as text when the code is null). */
  public static Condition activeCondition(String id, String patientId, String snomed, String text) {
    Condition condition = new Condition();
    condition.setId(id);
    condition.setSubject(new Reference("Patient/" + patientId));
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
      code.addCoding(new Coding(SNOMED, snomed, text));
    }
    condition.setCode(code);
    return condition;
  }

  /** A final laboratory Observation coded in LOINC with a UCUM quantity, taken on a date. */
  public static Observation labResult(
      String id, String patientId, String loinc, String value, String unit, LocalDate date) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.setSubject(new Reference("Patient/" + patientId));
    observation.addCategory(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null)));
    observation.setCode(new CodeableConcept(new Coding(LOINC, loinc, null)));
    observation.setEffective(
        new DateTimeType(Date.from(date.atStartOfDay().toInstant(ZoneOffset.UTC))));
    observation.setValue(
        new Quantity()
            .setValue(new BigDecimal(value))
            .setUnit(unit)
            .setSystem("http://unitsofmeasure.org")
            .setCode(unit));
    return observation;
  }
}
