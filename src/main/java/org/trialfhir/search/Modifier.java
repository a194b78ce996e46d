package org.trialfhir.search;

import java.util.Locale;

/** Search modifiers (FHIR R4 search, 3.1.1.5.5). NONE is a parameter without modifier. */
public enum Modifier {
  NONE,
  MISSING,
  NOT,
  EXACT,
  CONTAINS,
  TEXT,
  BELOW,
  ABOVE,
  IN,
  NOT_IN,
  OF_TYPE,
  IDENTIFIER,
  TYPE;

  /** The modifier as written after the colon ("not-in", "of-type"), or "" for NONE. */
  public String code() {
    return this == NONE ? "" : name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The modifier written after a colon, or null if it is not one FHIR R4 defines. */
  public static Modifier fromCode(String code) {
    for (Modifier modifier : values()) {
      if (modifier != NONE && modifier.code().equals(code)) {
        return modifier;
      }
    }
    return null;
  }
}
