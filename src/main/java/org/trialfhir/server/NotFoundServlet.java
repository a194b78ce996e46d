package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Every path outside {@code /fhir} and {@code /health}: {@code /} redirects browsers to the Swagger
 * UI, anything else is a 404 OperationOutcome.
 */
final class NotFoundServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private final transient FhirContext fhir;

  NotFoundServlet(FhirContext fhir) {
    this.fhir = fhir;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getRequestURI();
    if (("/".equals(path) || path.isEmpty()) && "GET".equals(request.getMethod())) {
      response.setStatus(HttpServletResponse.SC_FOUND);
      response.setHeader("Location", TrialServer.FHIR_PATH + "/swagger-ui/");
      return;
    }
    response.setStatus(HttpServletResponse.SC_NOT_FOUND);
    response.setContentType(Media.FHIR_JSON_UTF8);
    String body =
        fhir.newJsonParser()
            .encodeResourceToString(
                OperationOutcomeErrorHandler.outcome(HttpServletResponse.SC_NOT_FOUND));
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
