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
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One patient's FHIR data as the matcher needs it: the Patient, their Conditions (each with the
 * concepts of the terminology table it denotes, broader concepts included), Observations,
 * medication uses (MedicationRequests and MedicationStatements, a referenced Medication resolved
 * within the data), Procedures and AllergyIntolerances, each with the medication and procedure
 * concepts it denotes by code (RxNorm, SNOMED CT) or names in its text.
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
  private final List<Exposure> exposures = new ArrayList<>();
  private final List<Performed> performed = new ArrayList<>();
  private final List<Allergy> activeAllergies = new ArrayList<>();
  private final boolean hasMedicationData;

  /** Dose forms that do not act on the whole body (a topical steroid is not systemic). */
  private static final Pattern LOCAL_FORM =
      Pattern.compile(
          "(?i)\\b(?:topical|cream|ointment|lotion|gel|inhal\\w*|inhaler|nasal|ophthalmic|otic"
              + "|eye drops?|ear drops?|shampoo|mouthwash|dry powder)\\b");

  /** Procedure texts that name an action around a procedure, not the procedure itself. */
  private static final Pattern ABOUT_PROCEDURE =
      Pattern.compile(
          "(?i)^(?:referral|consultation|evaluation|assessment|screening|education|discussion"
              + "|notification|pre-?\\w*|planning|review|counseling|care planning)\\b");

  /** Procedure texts that name a surgical action. */
  private static final Pattern SURGICAL =
      Pattern.compile(
          "(?i)(?:ectomy|otomy|ostomy|plasty|pexy|surg\\w*|operati\\w*|bypass|resection|excision"
              + "|replacement|repair|graft\\w*|amputation|transplant\\w*|cesarean|section\\b"
              + "|ligation|reduction)");

  /**
   * One medication use: a MedicationRequest or MedicationStatement, or a Procedure that gives a
   * medication (chemotherapy).
   *
   * @param resource the resource
   * @param concepts the medication (and procedure) concepts it denotes, broader ones included
   * @param identified whether it names its medication at all (a code or a text)
   * @param local whether its dose form acts locally (topical, inhaled)
   * @param status {@code active}, {@code ended} or {@code other} (on hold, unknown)
   * @param start when it was authored or started, or null
   * @param end when it ended, or null
   */
  public record Exposure(
      Resource resource,
      Set<String> concepts,
      boolean identified,
      boolean local,
      String status,
      Date start,
      Date end) {}

  /**
   * One procedure performed.
   *
   * @param procedure the Procedure
   * @param concepts the procedure (and medication) concepts it denotes, broader ones included
   * @param identified whether it names its procedure at all
   * @param surgical whether its text names surgery or a surgical action
   * @param date when it was performed (the end of its period), or null
   */
  public record Performed(
      Procedure procedure, Set<String> concepts, boolean identified, boolean surgical, Date date) {}

  /** One active allergy, with the medication concepts and the text it names. */
  public record Allergy(AllergyIntolerance allergy, Set<String> concepts, String text) {}

  private PatientData(
      Patient patient,
      List<Resource> resources,
      Map<String, Medication> medicationsByReference,
      Terminology terminology) {
    this.patient = patient;
    this.conditions =
        ofType(resources, Condition.class).stream()
            .filter(c -> !NOT_TRUE.contains(code(c.getVerificationStatus())))
            .collect(
                Collectors.toMap(
                    Function.identity(),
                    c -> conditionConcepts(c.getCode(), terminology),
                    (a, b) -> a,
                    java.util.LinkedHashMap::new));
    this.observations = ofType(resources, Observation.class);
    this.medications = ofType(resources, MedicationRequest.class);
    this.procedures = ofType(resources, Procedure.class);
    this.allergies = ofType(resources, AllergyIntolerance.class);
    List<MedicationRequest> requests = medications;
    List<MedicationStatement> statements = ofType(resources, MedicationStatement.class);
    this.hasMedicationData = !requests.isEmpty() || !statements.isEmpty();
    for (MedicationRequest request : requests) {
      String status = request.hasStatus() ? request.getStatus().toCode() : "unknown";
      if (status.matches("entered-in-error|cancelled|draft")) {
        continue;
      }
      CodeableConcept code =
          medication(
              request.hasMedicationCodeableConcept()
                  ? request.getMedicationCodeableConcept()
                  : null,
              request.hasMedicationReference() ? request.getMedicationReference() : null,
              request,
              medicationsByReference);
      exposures.add(
          exposure(
              request,
              code,
              useStatus(status),
              request.hasAuthoredOn() ? request.getAuthoredOn() : null,
              null,
              terminology));
    }
    for (MedicationStatement statement : statements) {
      String status = statement.hasStatus() ? statement.getStatus().toCode() : "unknown";
      if (status.matches("entered-in-error|not-taken|intended")) {
        continue;
      }
      CodeableConcept code =
          medication(
              statement.hasMedicationCodeableConcept()
                  ? statement.getMedicationCodeableConcept()
                  : null,
              statement.hasMedicationReference() ? statement.getMedicationReference() : null,
              statement,
              medicationsByReference);
      Date start = null;
      Date end = null;
      if (statement.hasEffectiveDateTimeType()) {
        start = statement.getEffectiveDateTimeType().getValue();
      } else if (statement.hasEffectivePeriod()) {
        start = statement.getEffectivePeriod().getStart();
        end = statement.getEffectivePeriod().getEnd();
      }
      exposures.add(exposure(statement, code, useStatus(status), start, end, terminology));
    }
    for (Procedure procedure : procedures) {
      String status = procedure.hasStatus() ? procedure.getStatus().toCode() : "unknown";
      if (status.matches("not-done|entered-in-error|preparation")) {
        continue;
      }
      CodeableConcept code = procedure.getCode();
      String text = text(code);
      Set<String> concepts = codedTreatments(code, terminology);
      if (!ABOUT_PROCEDURE.matcher(text).find()) {
        concepts.addAll(terminology.treatmentsNamed(text));
      }
      Date date = null;
      if (procedure.hasPerformedDateTimeType()) {
        date = procedure.getPerformedDateTimeType().getValue();
      } else if (procedure.hasPerformedPeriod()) {
        date =
            procedure.getPerformedPeriod().hasEnd()
                ? procedure.getPerformedPeriod().getEnd()
                : procedure.getPerformedPeriod().getStart();
      }
      boolean surgical =
          concepts.contains("surgery")
              || (!ABOUT_PROCEDURE.matcher(text).find() && SURGICAL.matcher(text).find());
      performed.add(new Performed(procedure, concepts, !code.isEmpty(), surgical, date));
      if (concepts.stream()
          .map(terminology::concept)
          .flatMap(Optional::stream)
          .anyMatch(c -> c.kind() == Concept.Kind.MEDICATION)) {
        exposures.add(new Exposure(procedure, concepts, true, false, "ended", date, date));
      }
    }
    for (AllergyIntolerance allergy : allergies) {
      boolean active =
          allergy.hasClinicalStatus()
              ? "active".equals(code(allergy.getClinicalStatus()))
              : !NOT_TRUE.contains(code(allergy.getVerificationStatus()));
      if (active && !NOT_TRUE.contains(code(allergy.getVerificationStatus()))) {
        Set<String> concepts = codedTreatments(allergy.getCode(), terminology);
        concepts.addAll(terminology.treatmentsNamed(text(allergy.getCode())));
        activeAllergies.add(new Allergy(allergy, concepts, text(allergy.getCode())));
      }
    }
  }

  /** A medication's status as the matcher reads it: active, ended or other. */
  private static String useStatus(String status) {
    if (status.equals("active")) {
      return "active";
    }
    return status.matches("completed|stopped") ? "ended" : "other";
  }

  private static CodeableConcept medication(
      CodeableConcept code,
      Reference reference,
      DomainResource owner,
      Map<String, Medication> byReference) {
    if (code != null) {
      return code;
    }
    Medication medication = resolve(reference, owner, byReference);
    return medication != null && medication.hasCode()
        ? medication.getCode()
        : new CodeableConcept();
  }

  /**
   * The Medication a reference points to: one contained in its owner ({@code #id}), else one in the
   * same data by fullUrl or {@code Medication/id}; null when neither holds it.
   */
  private static Medication resolve(
      Reference reference, DomainResource owner, Map<String, Medication> byReference) {
    if (reference == null) {
      return null;
    }
    if (reference.getResource() instanceof Medication medication) {
      return medication;
    }
    String target = reference.getReference();
    if (target == null) {
      return null;
    }
    if (target.startsWith("#")) {
      for (Resource contained : owner.getContained()) {
        if (contained instanceof Medication medication
            && target.substring(1).equals(medication.getIdElement().getIdPart().replace("#", ""))) {
          return medication;
        }
      }
    }
    return byReference.get(target);
  }

  private static Exposure exposure(
      Resource resource,
      CodeableConcept code,
      String status,
      Date start,
      Date end,
      Terminology terminology) {
    String text = text(code);
    Set<String> concepts = codedTreatments(code, terminology);
    concepts.addAll(terminology.treatmentsNamed(text));
    return new Exposure(
        resource, concepts, !code.isEmpty(), LOCAL_FORM.matcher(text).find(), status, start, end);
  }

  /** The text and every display of a code, joined. */
  private static String text(CodeableConcept code) {
    List<String> parts = new ArrayList<>();
    if (code.hasText()) {
      parts.add(code.getText());
    }
    code.getCoding().stream().filter(Coding::hasDisplay).forEach(c -> parts.add(c.getDisplay()));
    return String.join(" ; ", parts);
  }

  /** The medication and procedure concepts a code denotes by its codings, with broader ones. */
  private static Set<String> codedTreatments(CodeableConcept code, Terminology terminology) {
    Set<String> ids = new LinkedHashSet<>();
    for (Coding coding : code.getCoding()) {
      for (Concept concept : terminology.conceptsOf(coding)) {
        if (concept.kind() == Concept.Kind.MEDICATION || concept.kind() == Concept.Kind.PROCEDURE) {
          ids.addAll(terminology.withBroader(concept.id()));
        }
      }
    }
    return ids;
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
    Map<String, Medication> medications = new java.util.HashMap<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() != null) {
        resources.add(entry.getResource());
        if (entry.getResource() instanceof Medication medication && entry.hasFullUrl()) {
          medications.put(entry.getFullUrl(), medication);
        }
      }
    }
    return of(resources, medications, terminology);
  }

  /** The patient's data from loose resources with exactly one Patient among them. */
  public static PatientData of(Collection<? extends Resource> resources, Terminology terminology) {
    return of(resources, Map.of(), terminology);
  }

  private static PatientData of(
      Collection<? extends Resource> resources,
      Map<String, Medication> byFullUrl,
      Terminology terminology) {
    List<Resource> all = List.copyOf(resources);
    Map<String, Medication> medications = new java.util.HashMap<>(byFullUrl);
    for (Medication medication : ofType(all, Medication.class)) {
      if (medication.hasIdElement() && medication.getIdElement().hasIdPart()) {
        medications.put("Medication/" + medication.getIdElement().getIdPart(), medication);
        medications.put("#" + medication.getIdElement().getIdPart(), medication);
      }
    }
    List<Patient> patients = ofType(all, Patient.class);
    if (patients.size() != 1) {
      throw new IllegalArgumentException(
          "patient data needs exactly one Patient, found " + patients.size());
    }
    return new PatientData(patients.get(0), all, medications, terminology);
  }

  private static <T extends Resource> List<T> ofType(List<Resource> resources, Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Set<String> conditionConcepts(CodeableConcept code, Terminology terminology) {
    Set<String> ids = new LinkedHashSet<>();
    for (Coding coding : code.getCoding()) {
      for (Concept concept : terminology.conceptsOf(coding)) {
        if (!concept.condition()) {
          continue;
        }
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
    // Asked for every laboratory criterion of every candidate study: answered once per code set.
    return latest.computeIfAbsent(Set.copyOf(loincCodes), this::findLatestObservation);
  }

  private final java.util.Map<Set<String>, Optional<Observation>> latest =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final Set<String> RESULT_STATUSES =
      Set.of("final", "amended", "corrected", "preliminary");

  private Optional<Observation> findLatestObservation(Set<String> loincCodes) {
    return observations.stream()
        .filter(o -> o.getStatus() == null || RESULT_STATUSES.contains(o.getStatus().toCode()))
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

  /** Every medication use that was not an error, cancelled or a draft. */
  public List<Exposure> exposures() {
    return exposures;
  }

  /** Whether the data holds any MedicationRequest or MedicationStatement at all. */
  public boolean hasMedicationData() {
    return hasMedicationData;
  }

  /** Every procedure performed (not "not-done", not an error). */
  public List<Performed> performed() {
    return performed;
  }

  /** The active allergies and intolerances. */
  public List<Allergy> activeAllergies() {
    return activeAllergies;
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
