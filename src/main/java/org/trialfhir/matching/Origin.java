package org.trialfhir.matching;

/**
 * Where a criterion comes from; the codes are those of our {@code characteristic-method} code
 * system.
 */
public enum Origin {
  /** A structured field of the registry record (age range, sex, healthy volunteers). */
  STRUCTURED("structured"),
  /** The registry's own model prediction (BMI limits). */
  REGISTRY_PREDICTION("registry-prediction"),
  /** Machine-derived from the criteria text; the criterion keeps its source sentence. */
  TEXT_DERIVED("text-derived");

  private final String code;

  Origin(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
