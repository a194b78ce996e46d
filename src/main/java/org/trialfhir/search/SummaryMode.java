package org.trialfhir.search;

import java.util.Locale;

/** {@code _summary} (FHIR R4 search, 3.1.1.5.9). */
public enum SummaryMode {
  TRUE,
  FALSE,
  TEXT,
  DATA,
  COUNT;

  /** The value as written in a URL. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode written in a URL, or null for a value FHIR does not define. */
  public static SummaryMode fromCode(String code) {
    for (SummaryMode mode : values()) {
      if (mode.code().equals(code)) {
        return mode;
      }
    }
    return null;
  }
}
