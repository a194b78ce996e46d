package org.trialfhir.ctgov;

/**
 * Something wrong with one input record: where it was found, which study and field it concerns.
 *
 * @param source the file, with the ZIP member, array index or line number where relevant, e.g.
 *     {@code studies.zip!NCT01.json} or {@code page.json[3]}
 * @param nctId the NCT id when known, else null
 * @param field the API v2 field path concerned, e.g. {@code
 *     protocolSection.statusModule.startDateStruct.date}, or null when the record as a whole is bad
 * @param message what is wrong, for a person
 * @param severity ERROR skips the record; WARNING keeps it
 */
public record RecordProblem(
    String source, String nctId, String field, String message, Severity severity) {

  public enum Severity {
    ERROR,
    WARNING
  }

  public static RecordProblem error(String source, String nctId, String field, String message) {
    return new RecordProblem(source, nctId, field, message, Severity.ERROR);
  }

  public static RecordProblem warning(String source, String nctId, String field, String message) {
    return new RecordProblem(source, nctId, field, message, Severity.WARNING);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** One line for a person: {@code ERROR studies.zip!x.json NCT01: field: message}. */
  @Override
  public String toString() {
    StringBuilder line = new StringBuilder(severity.name()).append(' ').append(source);
    if (nctId != null) {
      line.append(' ').append(nctId);
    }
    line.append(": ");
    if (field != null) {
      line.append(field).append(": ");
    }
    return line.append(message).toString();
  }
}
