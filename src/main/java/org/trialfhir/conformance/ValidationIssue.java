package org.trialfhir.conformance;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message of the validator.
 *
 * @param severity how bad it is
 * @param location the FHIRPath of the element concerned, as HAPI reports it (for a Bundle entry
 *     {@code Bundle.entry[3].resource…})
 * @param message the validator's text
 */
public record ValidationIssue(Severity severity, String location, String message) {
  private static final Pattern ENTRY = Pattern.compile("^Bundle\\.entry\\[(\\d+)]");

  /** Severities, most severe first (the FHIR issue severities). */
  public enum Severity {
    FATAL,
    ERROR,
    WARNING,
    INFORMATION;

    /** Lower-case, as FHIR writes it. */
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** True for errors and fatal errors. */
  public boolean isError() {
    return severity == Severity.FATAL || severity == Severity.ERROR;
  }

  /** The index of the Bundle entry the issue is about, if the location names one. */
  public OptionalInt entryIndex() {
    Matcher m = location == null ? null : ENTRY.matcher(location);
    return m != null && m.find()
        ? OptionalInt.of(Integer.parseInt(m.group(1)))
        : OptionalInt.empty();
  }
}
