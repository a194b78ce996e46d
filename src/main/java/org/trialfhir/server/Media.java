package org.trialfhir.server;

/** Media types the server writes outside HAPI's own encoding. */
final class Media {
  static final String FHIR_JSON_UTF8 = "application/fhir+json;charset=utf-8";
  static final String JSON_UTF8 = "application/json;charset=utf-8";

  private Media() {}
}
