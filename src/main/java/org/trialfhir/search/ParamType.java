package org.trialfhir.search;

/** FHIR search parameter types we support (R4 names, lower case in SearchParameter.type). */
public enum ParamType {
  TOKEN,
  STRING,
  REFERENCE,
  DATE,
  NUMBER,
  QUANTITY,
  URI,
  SPECIAL;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
