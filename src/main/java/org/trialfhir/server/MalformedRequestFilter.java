package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Answers what HAPI would turn into a 500 or a bare servlet error before it reaches HAPI: a query
 * string that is not valid percent-encoded UTF-8 (400), and a method that HTTP servlets do not know
 * (405). Also drops an {@code If-Modified-Since} header that is not an HTTP date, which RFC 9110
 * (13.1.3) says to ignore and on which HAPI's read fails.
 */
final class MalformedRequestFilter implements Filter {
  static final String IF_MODIFIED_SINCE = "If-Modified-Since";
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private final FhirContext fhir;

  MalformedRequestFilter(FhirContext fhir) {
    this.fhir = fhir;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      chain.doFilter(request, response);
      return;
    }
    if (!METHODS.contains(http.getMethod())) {
      httpResponse.setHeader("Allow", "GET, HEAD, POST");
      reply(httpResponse, 405, IssueType.NOTSUPPORTED, http.getMethod() + " is not supported");
      return;
    }
    String query = http.getQueryString();
    if (query != null && !isValidQuery(query)) {
      reply(
          httpResponse,
          400,
          IssueType.INVALID,
          "the query string is not valid percent-encoded UTF-8");
      return;
    }
    String ifModifiedSince = http.getHeader(IF_MODIFIED_SINCE);
    if (ifModifiedSince != null && !isHttpDate(ifModifiedSince)) {
      chain.doFilter(new WithoutIfModifiedSince(http), response);
      return;
    }
    chain.doFilter(request, response);
  }

  private void reply(HttpServletResponse response, int status, IssueType type, String message)
      throws IOException {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    response.setStatus(status);
    response.setContentType(Media.FHIR_JSON_UTF8);
    response
        .getOutputStream()
        .write(
            fhir.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8));
  }

  /** Every {@code %XX} is two hex digits, and the decoded bytes of each part are UTF-8. */
  static boolean isValidQuery(String query) {
    for (String part : query.split("[&=]", -1)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c == '%') {
          if (i + 2 >= part.length()) {
            return false;
          }
          int hi = Character.digit(part.charAt(i + 1), 16);
          int lo = Character.digit(part.charAt(i + 2), 16);
          if (hi < 0 || lo < 0) {
            return false;
          }
          bytes.write(hi * 16 + lo);
          i += 2;
        } else {
          byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
          bytes.write(encoded, 0, encoded.length);
        }
      }
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes.toByteArray()));
      } catch (CharacterCodingException e) {
        return false;
      }
    }
    return true;
  }

  static boolean isHttpDate(String value) {
    try {
      DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.strip());
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static final class WithoutIfModifiedSince extends HttpServletRequestWrapper {
    WithoutIfModifiedSince(HttpServletRequest request) {
      super(request);
    }

    private static boolean hidden(String name) {
      return IF_MODIFIED_SINCE.equalsIgnoreCase(name);
    }

    @Override
    public String getHeader(String name) {
      return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public long getDateHeader(String name) {
      return hidden(name) ? -1 : super.getDateHeader(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = Collections.list(super.getHeaderNames());
      names.removeIf(WithoutIfModifiedSince::hidden);
      return Collections.enumeration(names);
    }
  }
}
