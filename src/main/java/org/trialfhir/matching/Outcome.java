package org.trialfhir.matching;

/** How one criterion turned out for one patient. */
public enum Outcome {
  MET("met"),
  NOT_MET("not-met"),
  UNKNOWN("unknown");

  private final String code;

  Outcome(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Outcome fromCode(String code) {
    for (Outcome outcome : values()) {
      if (outcome.code.equals(code)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException("unknown outcome " + code);
  }
}
