package org.trialfhir.matching;

import java.util.ArrayList;
import java.util.List;

/**
 * One computable eligibility criterion.
 *
 * @param kind what it is about
 * @param exclusion true when a patient who has the property described is excluded (an exclusion
 *     criterion, or a negated inclusion such as "no history of hepatitis B")
 * @param sentence the verbatim source text: the list item it was derived from, or a description of
 *     the structured field
 * @param origin structured field, registry prediction or derived from text
 * @param concepts for a condition, medication, procedure or allergy: the concept ids of the
 *     terminology table, any of which counts; for a lab: the one laboratory concept id
 * @param history for a condition: resolved conditions count too ("history of …"); for a medication
 *     or procedure: any time in the past counts ("prior", "ever"), not only now
 * @param qualified for a condition, medication or procedure: the text qualifies it in a way codes
 *     cannot show ("uncontrolled", "severe", "major", "stable dose"), so having it alone does not
 *     decide the criterion
 * @param range for a lab, age, BMI or ECOG criterion: the values that have the property; for a
 *     medication or procedure: how long ago it may have been to count ("within 4 weeks": {@code <=4
 *     wk})
 * @param value for sex: the administrative gender code; for healthy volunteers: "true" or "false";
 *     for an allergy: {@value #STUDY_DRUG} when it is to the study's own intervention
 */
public record Criterion(
    CriterionKind kind,
    boolean exclusion,
    String sentence,
    Origin origin,
    List<String> concepts,
    boolean history,
    boolean qualified,
    Interval range,
    String value) {

  /** The value of an allergy criterion about the study's own intervention. */
  public static final String STUDY_DRUG = "study-drug";

  public Criterion {
    concepts = List.copyOf(concepts);
  }

  /** A text-derived criterion with no content beyond its kind (pregnancy, other). */
  static Criterion of(CriterionKind kind, boolean exclusion, String sentence) {
    return new Criterion(
        kind, exclusion, sentence, Origin.TEXT_DERIVED, List.of(), false, false, null, null);
  }

  /** The same criterion with the polarity reversed. */
  Criterion negated() {
    return new Criterion(
        kind, !exclusion, sentence, origin, concepts, history, qualified, range, value);
  }

  /**
   * A compact notation of everything but the sentence and origin, used by the parser tests and in
   * logs: {@code exclude condition hepatitis-b|hepatitis-c history}, {@code include lab cd4 <350
   * /uL}, {@code include age [18,65] a}, {@code include other}.
   */
  public String notation() {
    List<String> parts = new ArrayList<>();
    parts.add(exclusion ? "exclude" : "include");
    parts.add(kind.code());
    if (!concepts.isEmpty()) {
      parts.add(String.join("|", concepts));
    }
    if (range != null) {
      parts.add(range.toString());
    }
    if (value != null) {
      parts.add(value);
    }
    if (history) {
      parts.add("history");
    }
    if (qualified) {
      parts.add("qualified");
    }
    return String.join(" ", parts);
  }
}
