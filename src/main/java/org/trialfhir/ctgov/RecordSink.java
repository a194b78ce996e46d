package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.List;

/**
 * The end of every reading path: binds a copied record to a {@link Study}, checks it, and either
 * delivers it or reports why it was skipped.
 */
final class RecordSink {
  private final StudyHandler handler;
  private final ObjectReader studies;
  private final StreamReadConstraints constraints;
  private final StudyChecker checker = new StudyChecker();
  private final long maxRecordBytes;

  RecordSink(
      StudyHandler handler,
      ObjectReader studies,
      StreamReadConstraints constraints,
      long maxRecordBytes) {
    this.handler = handler;
    this.studies = studies;
    this.constraints = constraints;
    this.maxRecordBytes = maxRecordBytes;
  }

  long maxRecordBytes() {
    return maxRecordBytes;
  }

  /** Binds, checks and delivers one record, or reports it. */
  void submit(String source, BoundedCopy.CopiedRecord record) {
    if (record.oversize()) {
      error(
          source,
          record.nctId(),
          null,
          "record is larger than the limit of " + maxRecordBytes + " bytes; skipped");
      return;
    }
    Study study;
    try (JsonParser tokens = record.tokens().asParser(constraints)) {
      study = studies.readValue(tokens);
    } catch (JsonMappingException e) {
      error(source, record.nctId(), JsonErrors.fieldPath(e), JsonErrors.mapping(e));
      return;
    } catch (IOException e) {
      error(source, record.nctId(), null, "unreadable record: " + e.getMessage());
      return;
    }
    List<RecordProblem> problems = checker.check(source, study);
    List<RecordProblem> errors = problems.stream().filter(RecordProblem::isError).toList();
    if (errors.isEmpty()) {
      handler.study(source, study, problems);
    } else {
      errors.forEach(handler::problem);
    }
  }

  /** Reports a record, member or file that is skipped. */
  void error(String source, String nctId, String field, String message) {
    handler.problem(RecordProblem.error(source, nctId, field, message));
  }

  /** Reports a file or member that could not be read, for a reason other than its content. */
  void cannotRead(String source, IOException e) {
    error(source, null, null, "cannot read: " + e);
  }

  /** Reports a problem that was built elsewhere. */
  void report(RecordProblem problem) {
    handler.problem(problem);
  }
}
