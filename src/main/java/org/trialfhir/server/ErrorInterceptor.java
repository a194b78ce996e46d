package org.trialfhir.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.UUID;
import org.eclipse.jetty.http.HttpException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.search.InvalidSearchException;

/**
 * Turns every exception into an OperationOutcome a client may see: a refused search or a malformed
 * request is a 400 naming the problem; anything unexpected is logged here with an incident id and
 * answered with a 500 that carries only that id (never a message, class name or stack trace).
 */
@Interceptor
final class ErrorInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorInterceptor.class);

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException translate(RequestDetails request, Throwable thrown) {
    Throwable cause = unwrap(thrown);
    if (cause instanceof InvalidSearchException invalid) {
      return Outcomes.badSearch(invalid);
    }
    if (cause instanceof DataFormatException) {
      return new InvalidRequestException("the request body is not valid FHIR: " + firstLine(cause));
    }
    if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
      return new InvalidRequestException("malformed request: " + firstLine(cause));
    }
    if (thrown instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
      return known;
    }
    String incident = UUID.randomUUID().toString();
    LOG.error(
        "incident {}: {} {} failed",
        incident,
        request == null ? "?" : request.getRequestType(),
        request == null ? "?" : request.getRequestPath(),
        thrown);
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.FATAL)
        .setCode(IssueType.EXCEPTION)
        .setDiagnostics("internal error; incident " + incident + " is in the server log");
    return new InternalErrorException("internal error; incident " + incident, outcome);
  }

  /** The exception a provider method threw, through HAPI's wrapping. */
  private static Throwable unwrap(Throwable thrown) {
    Throwable current = thrown;
    while (current instanceof InternalErrorException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage();
    if (message == null) {
      return "unreadable";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
