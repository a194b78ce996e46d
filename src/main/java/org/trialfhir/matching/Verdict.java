package org.trialfhir.matching;

/** A study's verdict for one patient, best first. */
public enum Verdict {
  /** Every criterion is met. */
  ELIGIBLE("eligible", 2),
  /** No criterion is not met, and at least one is unknown. */
  POSSIBLY_ELIGIBLE("possibly-eligible", 1),
  /** At least one criterion is not met. */
  NOT_ELIGIBLE("not-eligible", 0);

  private final String code;
  private final int rank;

  Verdict(String code, int rank) {
    this.code = code;
    this.rank = rank;
  }

  public String code() {
    return code;
  }

  /** Higher is better: 2 eligible, 1 possibly eligible, 0 not eligible. */
  public int rank() {
    return rank;
  }

  public static Verdict fromCode(String code) {
    for (Verdict verdict : values()) {
      if (verdict.code.equals(code)) {
        return verdict;
      }
    }
    throw new IllegalArgumentException("unknown verdict " + code);
  }
}
