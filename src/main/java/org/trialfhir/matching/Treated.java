package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Locale;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.matching.Matcher.Finding;

/**
 * Whether a patient has taken a medication, undergone a procedure or is allergic to one, for the
 * period a criterion asks about: now (an active MedicationRequest or MedicationStatement), within a
 * window (active, or started inside it; a use that started earlier counts as outside only when it
 * is known to have ended before), or ever. Absence is known only when the data holds medications
 * (procedures, allergies) at all and none it could not identify falls in the period; a medication
 * in a local dose form (topical, inhaled) leaves a criterion unknown rather than met.
 */
final class Treated {
  private static final String SURGERY = "surgery";

  private Treated() {}

  static Finding medication(PatientData patient, Criterion criterion, LocalDate today) {
    Date since = since(criterion, today);
    boolean current = !criterion.history() && criterion.range() == null;
    Resource maybe = null;
    for (PatientData.Exposure use : patient.exposures()) {
      boolean matches = criterion.concepts().stream().anyMatch(use.concepts()::contains);
      Scope scope = scope(use, current, since);
      if (scope == Scope.OUT) {
        continue;
      }
      if (!use.identified() && maybe == null) {
        maybe = use.resource();
        continue;
      }
      if (!matches) {
        continue;
      }
      if (scope == Scope.IN && !use.local()) {
        return criterion.qualified()
            ? Finding.unknown(
                use.resource(), "takes " + names(criterion) + "; the text qualifies it")
            : Finding.yes(use.resource(), "takes " + names(criterion) + period(criterion));
      }
      maybe = use.resource();
    }
    if (maybe != null) {
      return Finding.unknown(
          maybe, "a medication that may be " + names(criterion) + period(criterion));
    }
    if (!patient.hasMedicationData()) {
      return Finding.unknown(null, "no medications in the patient data");
    }
    return Finding.no(null, "no " + names(criterion) + period(criterion) + " in the medications");
  }

  static Finding procedure(PatientData patient, Criterion criterion, LocalDate today) {
    Date since = since(criterion, today);
    boolean surgery = criterion.concepts().contains(SURGERY);
    boolean anyInScope = false;
    Resource maybe = null;
    for (PatientData.Performed done : patient.performed()) {
      Date date = done.date();
      boolean inScope = since == null || (date != null && !date.before(since));
      boolean unsure = since != null && date == null;
      if (!inScope && !unsure) {
        continue;
      }
      anyInScope = true;
      boolean matches =
          criterion.concepts().stream().anyMatch(done.concepts()::contains)
              || (surgery && done.surgical());
      if (!done.identified() || (matches && unsure)) {
        maybe = maybe == null ? done.procedure() : maybe;
        continue;
      }
      if (matches) {
        boolean decides = !criterion.qualified() && (criterion.history() || since != null);
        return decides
            ? Finding.yes(done.procedure(), "had " + names(criterion) + period(criterion))
            : Finding.unknown(
                done.procedure(), "had " + names(criterion) + "; the text qualifies it");
      }
    }
    if (maybe != null) {
      return Finding.unknown(maybe, "a procedure that may be " + names(criterion));
    }
    if (patient.performed().isEmpty()) {
      return Finding.unknown(null, "no procedures in the patient data");
    }
    if (surgery && anyInScope) {
      return Finding.unknown(null, "procedures" + period(criterion) + " that may be surgery");
    }
    if (surgery && since == null) {
      return Finding.unknown(null, "surgery at any time cannot be ruled out");
    }
    return Finding.no(null, "no " + names(criterion) + period(criterion) + " in the procedures");
  }

  static Finding allergy(PatientData patient, Criterion criterion, EligibilityModel study) {
    if (Criterion.STUDY_DRUG.equals(criterion.value())) {
      for (PatientData.Allergy allergy : patient.activeAllergies()) {
        for (String intervention : study.interventions()) {
          if (names(allergy.text(), intervention)) {
            return Finding.yes(allergy.allergy(), "allergic to " + intervention);
          }
        }
      }
      return Finding.unknown(null, "no recorded allergy names the study's interventions");
    }
    for (PatientData.Allergy allergy : patient.activeAllergies()) {
      if (criterion.concepts().stream().anyMatch(allergy.concepts()::contains)) {
        return Finding.yes(allergy.allergy(), "allergic to " + names(criterion));
      }
    }
    if (patient.allergies().isEmpty()) {
      return Finding.unknown(null, "no allergies in the patient data");
    }
    return Finding.no(null, "no active allergy to " + names(criterion));
  }

  private enum Scope {
    IN,
    MAYBE,
    OUT
  }

  /** Whether a medication use falls in the period the criterion asks about. */
  private static Scope scope(PatientData.Exposure use, boolean current, Date since) {
    if (use.status().equals("active")) {
      return Scope.IN;
    }
    if (current) {
      return use.status().equals("ended") ? Scope.OUT : Scope.MAYBE;
    }
    if (since == null) {
      return Scope.IN;
    }
    if (use.start() != null && !use.start().before(since)) {
      return Scope.IN;
    }
    if (use.end() != null && use.end().before(since)) {
      return Scope.OUT;
    }
    return Scope.MAYBE;
  }

  /** The start of the window a criterion asks about, or null for none. */
  private static Date since(Criterion criterion, LocalDate today) {
    if (criterion.range() == null || criterion.range().high() == null) {
      return null;
    }
    long amount = criterion.range().high().longValue();
    LocalDate start =
        switch (criterion.range().unit()) {
          case "d" -> today.minusDays(amount);
          case "wk" -> today.minusWeeks(amount);
          case "mo" -> today.minusMonths(amount);
          default -> today.minusYears(amount);
        };
    return Date.from(start.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static String names(Criterion criterion) {
    return String.join(" or ", criterion.concepts());
  }

  private static String period(Criterion criterion) {
    if (criterion.range() != null) {
      return " within " + criterion.range().high().toPlainString() + " " + criterion.range().unit();
    }
    return criterion.history() ? " at any time" : " now";
  }

  /** Whether a text names an intervention, as whole words, ignoring case. */
  static boolean names(String text, String intervention) {
    if (text == null || intervention == null || intervention.isBlank()) {
      return false;
    }
    return Pattern.compile(
            "(?<![a-z0-9])" + Pattern.quote(intervention.toLowerCase(Locale.ROOT)) + "(?![a-z0-9])")
        .matcher(text.toLowerCase(Locale.ROOT))
        .find();
  }
}
