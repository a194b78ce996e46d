package org.trialfhir.matching;

import java.util.Arrays;

/** What a criterion is about. */
public enum CriterionKind {
  CONDITION("condition"),
  LAB("lab"),
  PREGNANCY("pregnancy"),
  BREASTFEEDING("breastfeeding"),
  ECOG("ecog"),
  AGE("age"),
  SEX("sex"),
  HEALTHY_VOLUNTEERS("healthy-volunteers"),
  BMI("bmi"),
  /** Taking or having taken a medication (an ingredient or a class). */
  MEDICATION("medication"),
  /** Having undergone a procedure (transplant, surgery, radiotherapy, dialysis). */
  PROCEDURE("procedure"),
  /** A known allergy or hypersensitivity to a medication, or to the study's own intervention. */
  ALLERGY("allergy"),
  /** Text the parser did not understand: always evaluated as unknown. */
  OTHER("other");

  private final String code;

  CriterionKind(String code) {
    this.code = code;
  }

  /** The code used in notation, in the eligibility Group and in results. */
  public String code() {
    return code;
  }

  public static CriterionKind fromCode(String code) {
    return Arrays.stream(values())
        .filter(k -> k.code.equals(code))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown criterion kind " + code));
  }
}
