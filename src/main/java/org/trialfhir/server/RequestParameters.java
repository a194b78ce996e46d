package org.trialfhir.server;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parts of a request that the server itself interprets. */
final class RequestParameters {
  /**
   * Parameters that only choose how HAPI encodes the response; checked by {@link
   * RequestValidationInterceptor}, never given to the search engine. ({@code _summary} and {@code
   * _elements} do go to the engine, which validates them as part of the query.)
   */
  static final Set<String> ENCODING_PARAMETERS =
      Set.of(Constants.PARAM_FORMAT, Constants.PARAM_PRETTY);

  private RequestParameters() {}

  /** True when a {@code Prefer} header of the request says {@code handling=lenient}. */
  static boolean lenient(RequestDetails request) {
    List<String> prefer = request.getHeaders(Constants.HEADER_PREFER);
    if (prefer == null) {
      return false;
    }
    for (String header : prefer) {
      for (String preference : header.split("[,;]")) {
        String[] pair = preference.strip().split("=", 2);
        if (pair.length == 2
            && pair[0].strip().equalsIgnoreCase("handling")
            && unquote(pair[1].strip()).equalsIgnoreCase("lenient")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The request's parameters as the search engine sees them: in request order, without the encoding
   * parameters.
   */
  static Map<String, String[]> searchParameters(RequestDetails request) {
    Map<String, String[]> out = new LinkedHashMap<>();
    request
        .getParameters()
        .forEach(
            (name, values) -> {
              if (!ENCODING_PARAMETERS.contains(name)) {
                out.put(name, values.clone());
              }
            });
    return out;
  }

  /** The same parameters with each value list as a List. */
  static Map<String, List<String>> asLists(Map<String, String[]> parameters) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    parameters.forEach((name, values) -> out.put(name, Arrays.asList(values)));
    return out;
  }

  /** The single value of a parameter, or null when absent. */
  static String single(RequestDetails request, String name) {
    String[] values = request.getParameters().get(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
