package org.trialfhir.json;

/**
 * Thrown inside the encoder when a resource uses something it does not write itself (contained
 * resources, references HAPI would rewrite, extensions HAPI reports as invalid, …): the caller
 * discards the partial output and lets HAPI's parser encode that resource. Carries no stack trace,
 * so falling back stays cheap.
 */
final class Unsupported extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final Unsupported INSTANCE = new Unsupported();

  private Unsupported() {
    super("not supported by FhirJsonEncoder; encode with HAPI", null, false, false);
  }
}
