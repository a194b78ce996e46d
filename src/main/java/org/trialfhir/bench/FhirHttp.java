package org.trialfhir.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Plain FHIR REST over HTTP/1.1 with {@link HttpClient}: one client (and its connection pool)
 * shared by every worker, JSON asked for with {@code Accept: application/fhir+json}, no
 * compression.
 */
final class FhirHttp {
  static final String FHIR_JSON = "application/fhir+json";
  private static final JsonFactory JSON = new JsonFactory();

  private final String base;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * @param base the FHIR base URL (a trailing slash is dropped)
   * @param timeout the longest a request may take before it counts as an I/O failure
   */
  FhirHttp(String base, Duration timeout) {
    this.base = base.replaceAll("/+$", "");
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  String base() {
    return base;
  }

  /** An HTTP answer: status and body. */
  record Response(int status, byte[] body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The start of the body, for error messages (never logged with patient data). */
    String snippet() {
      String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      return text.replaceAll("\\s+", " ");
    }
  }

  /** {@code GET} of an absolute URL or one relative to the base. */
  Response get(String url) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(resolve(url)).timeout(timeout).header("Accept", FHIR_JSON).build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Response(response.statusCode(), response.body());
  }

  /** {@code POST} of a body to an absolute URL or one relative to the base. */
  Response post(String url, String contentType, String accept, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(resolve(url))
            .timeout(timeout)
            .header("Accept", accept)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Response(response.statusCode(), response.body());
  }

  private URI resolve(String url) {
    return URI.create(
        url.startsWith("http://") || url.startsWith("https://") ? url : base + "/" + url);
  }

  /**
   * The top level of a JSON answer, read with a streaming parser (nested content is skipped, so a
   * large Bundle costs little): FHIR's {@code resourceType}, {@code id}, a Bundle's {@code type},
   * {@code total} and {@code next} link, and the names of all top-level fields.
   */
  record Summary(
      String resourceType,
      String id,
      String bundleType,
      Integer total,
      String next,
      Set<String> fields) {

    /**
     * Reads the summary.
     *
     * @throws IOException when the body is not a JSON object
     */
    static Summary of(byte[] body) throws IOException {
      String resourceType = null;
      String id = null;
      String type = null;
      Integer total = null;
      String next = null;
      Set<String> fields = new HashSet<>();
      try (JsonParser parser = JSON.createParser(body)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("not a JSON object");
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          fields.add(field);
          JsonToken value = parser.nextToken();
          switch (field) {
            case "resourceType" -> resourceType = string(parser, value);
            case "id" -> id = string(parser, value);
            case "type" -> type = string(parser, value);
            case "total" ->
                total = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
            case "link" -> next = value == JsonToken.START_ARRAY ? nextLink(parser) : null;
            default -> parser.skipChildren();
          }
          if (value.isStructStart() && parser.currentToken().isStructStart()) {
            parser.skipChildren(); // a field of an unexpected shape
          }
        }
      }
      return new Summary(resourceType, id, type, total, next, fields);
    }

    private static String string(JsonParser parser, JsonToken value) throws IOException {
      return value == JsonToken.VALUE_STRING ? parser.getText() : null;
    }

    private static String nextLink(JsonParser parser) throws IOException {
      String next = null;
      for (JsonToken token = parser.nextToken();
          token != null && token != JsonToken.END_ARRAY;
          token = parser.nextToken()) {
        if (token != JsonToken.START_OBJECT) {
          parser.skipChildren();
          continue;
        }
        String relation = null;
        String url = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          String text = parser.nextToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
          parser.skipChildren();
          if (field.equals("relation")) {
            relation = text;
          } else if (field.equals("url")) {
            url = text;
          }
        }
        if ("next".equals(relation)) {
          next = url;
        }
      }
      return next;
    }
  }
}
