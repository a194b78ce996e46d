package org.trialfhir.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Conditional GETs: every successful read, search, page and {@code metadata} answer carries a weak
 * {@code ETag} derived from the store version (which changes with every import) and the exact
 * request (URL, {@code Accept}, {@code Prefer}), so it changes whenever the answer may. A request
 * whose {@code If-None-Match} names that tag is answered 304 without a body. (Reads also get {@code
 * Last-Modified} from {@code meta.lastUpdated}, and HAPI answers {@code If-Modified-Since} on them;
 * {@link InvalidDateHeaderFilter} keeps a malformed date from reaching it.)
 */
@Interceptor
final class ConditionalRequestInterceptor {
  private static final Set<RestOperationTypeEnum> CACHEABLE =
      Set.of(
          RestOperationTypeEnum.READ,
          RestOperationTypeEnum.SEARCH_TYPE,
          RestOperationTypeEnum.GET_PAGE,
          RestOperationTypeEnum.METADATA);

  private final Supplier<String> storeVersion;
  private final String softwareVersion;

  ConditionalRequestInterceptor(Supplier<String> storeVersion, String softwareVersion) {
    this.storeVersion = storeVersion;
    this.softwareVersion = softwareVersion;
  }

  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = -50)
  public boolean conditional(
      RequestDetails request,
      IBaseResource resource,
      ResponseDetails details,
      HttpServletRequest servletRequest,
      HttpServletResponse servletResponse) {
    RequestTypeEnum method = request.getRequestType();
    if (method != RequestTypeEnum.GET && method != RequestTypeEnum.HEAD
        || details.getResponseCode() != 200
        || !CACHEABLE.contains(request.getRestOperationType())) {
      return true;
    }
    String etag = etag(request, servletRequest);
    servletResponse.setHeader(Constants.HEADER_ETAG, etag);
    // The answer depends on these request headers too (Jetty adds Origin and Accept-Encoding).
    servletResponse.addHeader("Vary", "Accept, Prefer");
    String ifNoneMatch = servletRequest.getHeader(Constants.HEADER_IF_NONE_MATCH);
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      servletResponse.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return false;
    }
    return true;
  }

  private String etag(RequestDetails request, HttpServletRequest servletRequest) {
    String identity =
        String.join(
            "\n",
            softwareVersion,
            storeVersion.get(),
            request.getCompleteUrl(),
            String.valueOf(servletRequest.getHeader(Constants.HEADER_ACCEPT)),
            String.valueOf(servletRequest.getHeader(Constants.HEADER_PREFER)));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** Weak comparison (RFC 9110 13.1.2): {@code *}, or any listed tag equal after {@code W/}. */
  static boolean matches(String ifNoneMatch, String etag) {
    String opaque = opaque(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*") || opaque(tag).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    String value = tag.startsWith("W/") ? tag.substring(2) : tag;
    // Jetty's GzipHandler marks the tag of a compressed answer with "--gzip".
    if (value.endsWith("--gzip\"")) {
      value = value.substring(0, value.length() - "--gzip\"".length()) + "\"";
    }
    return value;
  }
}
