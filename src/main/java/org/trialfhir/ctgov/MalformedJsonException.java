package org.trialfhir.ctgov;

import java.io.IOException;

/**
 * A syntax error inside a record: JSON cannot be resynchronised after it, so the rest of the input
 * is lost. Carries the problem to report, which names the record that was being read.
 */
final class MalformedJsonException extends IOException {
  private final transient RecordProblem problem;

  MalformedJsonException(RecordProblem problem, Throwable cause) {
    super(problem.message(), cause);
    this.problem = problem;
  }

  RecordProblem problem() {
    return problem;
  }
}
