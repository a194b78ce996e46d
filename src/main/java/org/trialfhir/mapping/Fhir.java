package org.trialfhir.mapping;

import ca.uhn.fhir.context.FhirContext;

/**
 * The one FhirContext of the program, configured for what we emit: our resources reference each
 * other by id and never contain anything, so the encoder's pass that looks for reference targets to
 * contain is switched off (it cost about a tenth of the encoding time).
 */
public final class Fhir {
  private static final FhirContext CONTEXT = create();

  private Fhir() {}

  public static FhirContext context() {
    return CONTEXT;
  }

  private static FhirContext create() {
    FhirContext context = FhirContext.forR4();
    context.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    return context;
  }
}
