package org.trialfhir.matching;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;

/**
 * Evaluates a patient's data against a study's criteria. Each criterion describes a property
 * (having a condition, a lab value in a range, being pregnant, an age in a range); the matcher
 * finds whether the patient has it (yes, no, or unknown, with the resource that showed it), and an
 * inclusion is met when the patient has the property, an exclusion when the patient does not.
 *
 * <p>Rules: only active conditions count unless the criterion says "history of"; a qualified
 * condition ("uncontrolled hypertension") is unknown when the patient has the condition and absent
 * otherwise; the absence of a condition is known only when the data holds at least one Condition;
 * labs use the most recent Observation with one of the concept's LOINC codes, converted with UCUM;
 * pregnancy and breastfeeding are known to be absent for a male patient and present with an active
 * Condition coded as such; {@code other} criteria are always unknown.
 */
public final class Matcher {
  private static final Map<String, ChronoUnit> AGE_UNITS =
      Map.of(
          "a", ChronoUnit.YEARS,
          "mo", ChronoUnit.MONTHS,
          "wk", ChronoUnit.WEEKS,
          "d", ChronoUnit.DAYS,
          "h", ChronoUnit.HOURS,
          "min", ChronoUnit.MINUTES);

  private final Terminology terminology;

  public Matcher(Terminology terminology) {
    this.terminology = terminology;
  }

  /** A matcher over the standard concept table. */
  public static Matcher standard() {
    return new Matcher(Terminology.standard());
  }

  /** Every criterion's outcome, the verdict and the score, as of {@code today}. */
  public MatchResult evaluate(PatientData patient, EligibilityModel model, LocalDate today) {
    List<CriterionResult> results = new ArrayList<>();
    for (Criterion criterion : model.criteria()) {
      results.add(evaluate(patient, criterion, today, model));
    }
    return new MatchResult(model.studyId(), verdict(results), score(results), results);
  }

  /** Not eligible if any criterion is not met, eligible if all are met, else possibly eligible. */
  static Verdict verdict(List<CriterionResult> results) {
    if (results.stream().anyMatch(r -> r.outcome() == Outcome.NOT_MET)) {
      return Verdict.NOT_ELIGIBLE;
    }
    return results.stream().allMatch(r -> r.outcome() == Outcome.MET)
        ? Verdict.ELIGIBLE
        : Verdict.POSSIBLY_ELIGIBLE;
  }

  static double score(List<CriterionResult> results) {
    long known = results.stream().filter(r -> r.outcome() != Outcome.UNKNOWN).count();
    double share = results.isEmpty() ? 0 : (double) known / results.size();
    return (verdict(results).rank() + share) / 3;
  }

  /** One criterion's outcome, knowing nothing of the study beyond the criterion. */
  public CriterionResult evaluate(PatientData patient, Criterion criterion, LocalDate today) {
    return evaluate(patient, criterion, today, new EligibilityModel("", List.of(criterion)));
  }

  /** One criterion's outcome in its study (whose conditions and interventions some need). */
  public CriterionResult evaluate(
      PatientData patient, Criterion criterion, LocalDate today, EligibilityModel study) {
    Finding finding =
        switch (criterion.kind()) {
          case CONDITION -> condition(patient, criterion);
          case LAB -> lab(patient, criterion);
          case BMI -> observed(patient, criterion, "bmi");
          case ECOG -> ecog(patient, criterion);
          case AGE -> age(patient, criterion, today);
          case SEX -> sex(patient, criterion);
          case HEALTHY_VOLUNTEERS -> healthyVolunteers(patient, criterion, study);
          case MEDICATION -> Treated.medication(patient, criterion, today);
          case PROCEDURE -> Treated.procedure(patient, criterion, today);
          case ALLERGY -> Treated.allergy(patient, criterion, study);
          case PREGNANCY -> maternal(patient, "pregnancy", "pregnant");
          case BREASTFEEDING -> maternal(patient, "breastfeeding", "breastfeeding");
          case OTHER -> Finding.unknown(null, "not computable: check the text");
        };
    Outcome outcome =
        switch (finding.has()) {
          case YES -> criterion.exclusion() ? Outcome.NOT_MET : Outcome.MET;
          case NO -> criterion.exclusion() ? Outcome.MET : Outcome.NOT_MET;
          case UNKNOWN -> Outcome.UNKNOWN;
        };
    return new CriterionResult(criterion, outcome, finding.evidence(), finding.reason());
  }

  enum Has {
    YES,
    NO,
    UNKNOWN
  }

  /** Whether the patient has the property a criterion describes, and what showed it. */
  record Finding(Has has, Resource evidence, String reason) {
    static Finding yes(Resource evidence, String reason) {
      return new Finding(Has.YES, evidence, reason);
    }

    static Finding no(Resource evidence, String reason) {
      return new Finding(Has.NO, evidence, reason);
    }

    static Finding unknown(Resource evidence, String reason) {
      return new Finding(Has.UNKNOWN, evidence, reason);
    }

    static Finding of(boolean has, Resource evidence, String reason) {
      return new Finding(has ? Has.YES : Has.NO, evidence, reason);
    }
  }

  /**
   * A study that accepts healthy volunteers takes anyone. One that does not takes patients with the
   * conditions it studies: the patient has the property when an active Condition denotes one of the
   * study's conditions (or a narrower one); otherwise it is unknown, never "no", since the data may
   * lack the condition or name it in a way the table does not know.
   */
  private static Finding healthyVolunteers(
      PatientData patient, Criterion criterion, EligibilityModel study) {
    if ("true".equals(criterion.value())) {
      return Finding.yes(null, "the study accepts healthy volunteers");
    }
    Optional<Condition> found = patient.condition(study.conditions(), false);
    return found.isPresent()
        ? Finding.yes(found.get(), "has one of the study's conditions")
        : Finding.unknown(null, "the study takes only patients with its conditions");
  }

  private Finding condition(PatientData patient, Criterion criterion) {
    Optional<Condition> found = patient.condition(criterion.concepts(), criterion.history());
    String names = String.join(" or ", criterion.concepts());
    if (found.isPresent()) {
      return criterion.qualified()
          ? Finding.unknown(
              found.get(), "has " + names + "; the qualifier in the text is not coded")
          : Finding.yes(found.get(), "has " + names);
    }
    if (!patient.hasConditions()) {
      return Finding.unknown(null, "no conditions in the patient data");
    }
    return Finding.no(
        null, "no " + (criterion.history() ? "" : "active ") + names + " in the conditions");
  }

  private Finding lab(PatientData patient, Criterion criterion) {
    return observed(patient, criterion, criterion.concepts().get(0));
  }

  /** A numeric property from the most recent Observation of a laboratory concept. */
  private Finding observed(PatientData patient, Criterion criterion, String conceptId) {
    Optional<Concept> concept = terminology.concept(conceptId);
    if (concept.isEmpty()) {
      return Finding.unknown(null, "no laboratory concept " + conceptId);
    }
    Optional<Observation> latest = patient.latestObservation(concept.get().loinc());
    if (latest.isEmpty() || !latest.get().hasValueQuantity()) {
      return Finding.unknown(null, "no " + concept.get().name() + " result");
    }
    Quantity quantity = latest.get().getValueQuantity();
    String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
    Optional<BigDecimal> value = Units.convert(quantity.getValue(), unit, criterion.range().unit());
    if (value.isEmpty()) {
      return Finding.unknown(
          latest.get(), "unit " + unit + " does not convert to " + criterion.range().unit());
    }
    boolean inside = criterion.range().contains(value.get());
    return Finding.of(
        inside,
        latest.get(),
        concept.get().name()
            + " "
            + value.get().stripTrailingZeros().toPlainString()
            + " "
            + criterion.range().unit()
            + (inside ? " is in " : " is outside ")
            + criterion.range());
  }

  private Finding ecog(PatientData patient, Criterion criterion) {
    Optional<Concept> concept = terminology.concept("ecog");
    Optional<Observation> latest = concept.flatMap(c -> patient.latestObservation(c.loinc()));
    if (latest.isEmpty()) {
      return Finding.unknown(null, "no ECOG performance status recorded");
    }
    Observation observation = latest.get();
    Integer score = null;
    if (observation.hasValueIntegerType()) {
      score = observation.getValueIntegerType().getValue();
    } else if (observation.hasValueQuantity()) {
      score = observation.getValueQuantity().getValue().intValue();
    } else if (observation.hasValueCodeableConcept()) {
      for (Coding coding : observation.getValueCodeableConcept().getCoding()) {
        if (coding.hasCode() && coding.getCode().matches("[0-5]")) {
          score = Integer.valueOf(coding.getCode());
        }
      }
    }
    if (score == null) {
      return Finding.unknown(observation, "ECOG result has no score");
    }
    boolean inside = criterion.range().contains(BigDecimal.valueOf(score));
    return Finding.of(
        inside,
        observation,
        "ECOG " + score + (inside ? " is in " : " is outside ") + criterion.range());
  }

  private Finding age(PatientData patient, Criterion criterion, LocalDate today) {
    Optional<LocalDate> birth = patient.birthDate();
    ChronoUnit unit = AGE_UNITS.get(criterion.range().unit());
    if (birth.isEmpty() || unit == null) {
      return Finding.unknown(patient.patient(), "no birth date or no age unit");
    }
    long age =
        unit.isDateBased()
            ? unit.between(birth.get(), today)
            : unit.between(birth.get().atStartOfDay(), today.atStartOfDay());
    boolean inside = criterion.range().contains(BigDecimal.valueOf(age));
    return Finding.of(
        inside,
        patient.patient(),
        "age "
            + age
            + " "
            + criterion.range().unit()
            + (inside ? " is in " : " is outside ")
            + criterion.range());
  }

  private static Finding sex(PatientData patient, Criterion criterion) {
    AdministrativeGender gender = patient.gender();
    if (gender == null
        || gender == AdministrativeGender.UNKNOWN
        || gender == AdministrativeGender.NULL) {
      return Finding.unknown(patient.patient(), "no administrative gender");
    }
    if (gender == AdministrativeGender.OTHER) {
      return Finding.unknown(patient.patient(), "administrative gender other");
    }
    boolean same = gender.toCode().equals(criterion.value());
    return Finding.of(same, patient.patient(), "gender " + gender.toCode());
  }

  /** Pregnancy or breastfeeding: an active coded Condition, or known absent for a male patient. */
  private Finding maternal(PatientData patient, String conceptId, String word) {
    Optional<Condition> found = patient.condition(Set.of(conceptId), false);
    if (found.isPresent()) {
      return Finding.yes(found.get(), word);
    }
    if (patient.gender() == AdministrativeGender.MALE) {
      return Finding.no(patient.patient(), "male patient");
    }
    return Finding.unknown(null, "not recorded whether " + word);
  }
}
