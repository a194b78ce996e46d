package org.trialfhir.conformance;

/** One validator for the whole test run: building one costs about 10 s of CPU. */
public final class SharedValidator {
  private SharedValidator() {}

  private static final class Holder {
    static final TrialValidator INSTANCE = new TrialValidator();
  }

  /** The validator with the published profiles (profiles/ on the test classpath). */
  public static TrialValidator get() {
    return Holder.INSTANCE;
  }
}
