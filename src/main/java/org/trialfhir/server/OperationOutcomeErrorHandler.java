package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Answers the errors that Jetty raises before a request reaches the FHIR servlet (a malformed URI,
 * headers over the size limit, an unknown path) with an OperationOutcome instead of an HTML page,
 * whatever the method, and never with a stack trace.
 */
final class OperationOutcomeErrorHandler extends ErrorHandler {
  private final FhirContext fhir;

  OperationOutcomeErrorHandler(FhirContext fhir) {
    this.fhir = fhir;
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    String body = fhir.newJsonParser().encodeResourceToString(outcome(code));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Media.FHIR_JSON_UTF8);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  /** The outcome for an HTTP error status: the status's own reason, never the exception's text. */
  static OperationOutcome outcome(int code) {
    OperationOutcome outcome = new OperationOutcome();
    IssueType type =
        switch (code) {
          case 404 -> IssueType.NOTFOUND;
          case 405, 501 -> IssueType.NOTSUPPORTED;
          case 408, 504 -> IssueType.TIMEOUT;
          case 413, 414, 431 -> IssueType.TOOCOSTLY;
          case 429, 503 -> IssueType.TRANSIENT;
          default -> code >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    String reason = HttpStatus.getMessage(code);
    outcome
        .addIssue()
        .setSeverity(code >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
        .setCode(type)
        .setDiagnostics("HTTP " + code + " " + (reason == null ? "" : reason));
    return outcome;
  }
}
