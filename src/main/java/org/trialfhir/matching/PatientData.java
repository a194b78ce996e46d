package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * One patient's FHIR data as the matcher needs it: the Patient, their Conditions (each with the
 * concepts of the terminology table it denotes, broader concepts included), Observations,
 * MedicationRequests, Procedures and AllergyIntolerances.
 */
public final class PatientData {
  private static final Set<String> ACTIVE = Set.of("active", "recurrence", "relapse");
  private static final Set<String> NOT_TRUE = Set.of("refuted", "entered-in-error");

  private final Patient patient;
  private final Map<Condition, Set<String>> conditions;
  private final List<Observation> observations;
  private final List<MedicationRequest> medications;
  private final List<Procedure> procedures;
  private final List<AllergyIntolerance> allergies;

  private PatientData(Patient patient, List<Resource> resources, Terminology terminology) {
    this.patient = patient;
    this.conditions =
        ofType(resources, Condition.class).stream()
            .filter(c -> !NOT_TRUE.contains(code(c.getVerificationStatus())))
            .collect(
                Collectors.toMap(
                    Function.identity(),
                    c -> concepts(c.getCode(), terminology),
                    (a, b) -> a,
                    java.util.LinkedHashMap::new));
    this.observations = ofType(resources, Observation.class);
    this.medications = ofType(resources, MedicationRequest.class);
    this.procedures = ofType(resources, Procedure.class);
    this.allergies = ofType(resources, AllergyIntolerance.class);
  }

  /** The patient's data from a Bundle with exactly one Patient, over the standard table. */
  public static PatientData from(Bundle bundle) {
    return from(bundle, Terminology.standard());
  }

  /**
   * The patient's data from a Bundle (a {@code $match} input, a CDS Hooks prefetch or a record
   * export) with exactly one Patient.
   *
   * @throws IllegalArgumentException if the Bundle holds no Patient or more than one
   */
  public static PatientData from(Bundle bundle, Terminology terminology) {
    List<Resource> resources = new ArrayList<>();
    bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> r != null)
        .forEach(resources::add);
    return of(resources, terminology);
  }

  /** The patient's data from loose resources with exactly one Patient among them. */
  public static PatientData of(Collection<? extends Resource> resources, Terminology terminology) {
    List<Resource> all = List.copyOf(resources);
    List<Patient> patients = ofType(all, Patient.class);
    if (patients.size() != 1) {
      throw new IllegalArgumentException(
          "patient data needs exactly one Patient, found " + patients.size());
    }
    return new PatientData(patients.get(0), all, terminology);
  }

  private static <T extends Resource> List<T> ofType(List<Resource> resources, Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Set<String> concepts(CodeableConcept code, Terminology terminology) {
    Set<String> ids = new LinkedHashSet<>();
    for (Coding coding : code.getCoding()) {
      for (Concept concept : terminology.conceptsOf(coding)) {
        ids.addAll(terminology.withBroader(concept.id()));
      }
    }
    if (ids.isEmpty()) {
      List<String> texts = new ArrayList<>();
      texts.add(code.getText());
      code.getCoding().forEach(c -> texts.add(c.getDisplay()));
      for (String text : texts) {
        terminology
            .conceptNamed(text)
            .ifPresent(concept -> ids.addAll(terminology.withBroader(concept.id())));
      }
    }
    return ids;
  }

  private static String code(CodeableConcept concept) {
    return concept.getCoding().stream().map(Coding::getCode).findFirst().orElse("");
  }

  public Patient patient() {
    return patient;
  }

  public String id() {
    return patient.getIdElement().getIdPart();
  }

  public Optional<LocalDate> birthDate() {
    Date birth = patient.getBirthDate();
    return birth == null
        ? Optional.empty()
        : Optional.of(
            patient
                .getBirthDateElement()
                .getValueAsCalendar()
                .toZonedDateTime()
                .withZoneSameLocal(ZoneOffset.UTC)
                .toLocalDate());
  }

  public AdministrativeGender gender() {
    return patient.getGender();
  }

  /** Whether the data holds any Condition at all (else absence of a condition says nothing). */
  public boolean hasConditions() {
    return !conditions.isEmpty();
  }

  /**
   * The most recent Condition denoting one of the concepts (or a narrower one); only active ones
   * unless {@code includeResolved}.
   */
  public Optional<Condition> condition(Collection<String> conceptIds, boolean includeResolved) {
    return conditions.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(conceptIds::contains))
        .map(Map.Entry::getKey)
        .filter(c -> includeResolved || isActive(c))
        .max(Comparator.comparing(PatientData::recorded));
  }

  static boolean isActive(Condition condition) {
    if (!condition.hasClinicalStatus()) {
      return !condition.hasAbatement();
    }
    return ACTIVE.contains(code(condition.getClinicalStatus()));
  }

  private static Date recorded(Condition condition) {
    if (condition.hasOnsetDateTimeType()) {
      return condition.getOnsetDateTimeType().getValue();
    }
    return condition.hasRecordedDate() ? condition.getRecordedDate() : new Date(0);
  }

  /** The most recent final (or amended, corrected) Observation with one of the LOINC codes. */
  public Optional<Observation> latestObservation(Collection<String> loincCodes) {
    return observations.stream()
        .filter(
            o ->
                o.getStatus() == null
                    || o.getStatus().toCode().matches("final|amended|corrected|preliminary"))
        .filter(
            o ->
                o.getCode().getCoding().stream()
                    .anyMatch(
                        c ->
                            Terminology.LOINC.equals(c.getSystem())
                                && loincCodes.contains(c.getCode())))
        .max(Comparator.comparing(PatientData::effective));
  }

  private static Date effective(Observation observation) {
    if (observation.hasEffectiveDateTimeType()) {
      return observation.getEffectiveDateTimeType().getValue();
    }
    if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasStart()) {
      return observation.getEffectivePeriod().getStart();
    }
    return observation.hasIssued() ? observation.getIssued() : new Date(0);
  }

  public List<Observation> observations() {
    return observations;
  }

  public List<MedicationRequest> medications() {
    return medications;
  }

  public List<Procedure> procedures() {
    return procedures;
  }

  public List<AllergyIntolerance> allergies() {
    return allergies;
  }
}
