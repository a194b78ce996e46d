package org.trialfhir.server;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.trialfhir.search.InvalidSearchException;

/** OperationOutcomes the server answers with. */
final class Outcomes {
  private Outcomes() {}

  /**
   * A 400 for a request parameter that cannot be applied as asked.
   *
   * @param parameter the parameter as written in the request (named in the outcome)
   */
  static InvalidRequestException badParameter(String parameter, String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue(issue(IssueSeverity.ERROR, IssueType.INVALID, message, parameter));
    return new InvalidRequestException(message, outcome);
  }

  /** The 400 for a search the engine refused. */
  static InvalidRequestException badSearch(InvalidSearchException e) {
    return badParameter(e.parameter(), e.getMessage());
  }

  /** The warning entry of a lenient search: one issue per ignored parameter, modifier or value. */
  static OperationOutcome ignored(List<String> ignored) {
    OperationOutcome outcome = new OperationOutcome();
    for (String line : ignored) {
      outcome.addIssue(issue(IssueSeverity.WARNING, IssueType.NOTSUPPORTED, line, null));
    }
    return outcome;
  }

  /** The warning of a page whose {@code _revinclude} found more resources than a page carries. */
  static OperationOutcome includesLeftOut(int returned, int leftOut) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue(
        issue(
            IssueSeverity.WARNING,
            IssueType.TOOCOSTLY,
            String.format(
                Locale.ROOT,
                "_revinclude: %,d included resources are returned with this page and %,d more"
                    + " were left out (a page carries a bounded number of them); to receive them"
                    + " all, search their type by the reference instead (e.g."
                    + " ResearchStudy?site=Location/<id>), which pages",
                returned,
                leftOut),
            null));
    return outcome;
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(
      IssueSeverity severity, IssueType type, String message, String parameter) {
    OperationOutcome.OperationOutcomeIssueComponent issue =
        new OperationOutcome.OperationOutcomeIssueComponent()
            .setSeverity(severity)
            .setCode(type)
            .setDiagnostics(message);
    issue.getDetails().setText(message);
    if (parameter != null && !parameter.isEmpty()) {
      // R4 OperationOutcome.issue.expression: "http." + the parameter, as the spec does for
      // HTTP-level inputs.
      issue.addExpression("http." + parameter);
    }
    return issue;
  }
}
