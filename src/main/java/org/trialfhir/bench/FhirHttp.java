package org.trialfhir.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Plain FHIR REST over HTTP/1.1 with Apache HttpClient's blocking client: one client whose pool
 * keeps a connection per worker, JSON asked for with {@code Accept: application/fhir+json}, no
 * compression, no redirects. (The JDK's {@code HttpClient} cost the bench about twice the CPU per
 * answer, CPU it takes from the server it measures when both run on one machine.)
 */
final class FhirHttp implements AutoCloseable {
  static final String FHIR_JSON = "application/fhir+json";
  private static final JsonFactory JSON = new JsonFactory();

  private final String base;
  private final CloseableHttpClient client;
  private final ThreadLocal<byte[]> buffer = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  /**
   * @param base the FHIR base URL (a trailing slash is dropped)
   * @param timeout the longest a request may take before it counts as an I/O failure
   * @param connections the most connections kept open at once (one per worker)
   */
  FhirHttp(String base, Duration timeout, int connections) {
    this.base = base.replaceAll("/+$", "");
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(Math.max(1, connections))
            .setMaxConnPerRoute(Math.max(1, connections))
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectTimeout(Timeout.ofSeconds(10))
                    .setResponseTimeout(Timeout.ofMilliseconds(timeout.toMillis()))
                    .setConnectionRequestTimeout(Timeout.ofMilliseconds(timeout.toMillis()))
                    .build())
            .disableRedirectHandling()
            .disableContentCompression()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .build();
  }

  String base() {
    return base;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }

  /**
   * An HTTP answer: its status and its body, the first {@code length} bytes of {@code data}. The
   * array is the calling thread's read buffer, reused by its next request: read the answer before
   * sending another (or keep {@link #body}, a copy).
   */
  record Response(int status, byte[] data, int length) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The body in an array of its own. */
    byte[] body() {
      return Arrays.copyOf(data, length);
    }

    /** The start of the body, for error messages (never logged with patient data). */
    String snippet() {
      String text = new String(data, 0, Math.min(length, 300), StandardCharsets.UTF_8);
      return text.replaceAll("\\s+", " ");
    }
  }

  /** {@code GET} of an absolute URL or one relative to the base. */
  Response get(String url) throws IOException {
    HttpGet request = new HttpGet(resolve(url));
    request.setHeader("Accept", FHIR_JSON);
    return send(request);
  }

  /** {@code POST} of a body to an absolute URL or one relative to the base. */
  Response post(String url, String contentType, String accept, byte[] body) throws IOException {
    HttpPost request = new HttpPost(resolve(url));
    request.setHeader("Accept", accept);
    request.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
    return send(request);
  }

  private Response send(ClassicHttpRequest request) throws IOException {
    return client.execute(
        request,
        response -> {
          HttpEntity entity = response.getEntity();
          if (entity == null) {
            return new Response(response.getCode(), new byte[0], 0);
          }
          try (InputStream in = entity.getContent()) {
            return read(response.getCode(), in);
          }
        });
  }

  /**
   * Reads a body whole into this thread's buffer, grown as needed and kept for its next answer: a
   * page of studies with many sites weighs megabytes, and a fresh array per answer (grown by
   * copying, as {@code EntityUtils} does when the length is not known in advance) costs the bench
   * CPU that it takes from the server it measures.
   */
  private Response read(int status, InputStream in) throws IOException {
    byte[] data = buffer.get();
    int length = 0;
    for (int n; (n = in.read(data, length, data.length - length)) != -1; ) {
      length += n;
      if (length == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
        buffer.set(data);
      }
    }
    return new Response(status, data, length);
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
      return read(body, body.length, true);
    }

    /**
     * Reads the summary up to what a search or read is checked on: a Bundle's resourceType, type
     * and link (FHIR writers put them before the entries, which are then not tokenized; a Bundle
     * that has its links after its entries is read further), another resource's resourceType and
     * id. The rest of the body is not read, and {@link #fields} names only the members read.
     *
     * @throws IOException when the body does not start as a JSON object
     */
    static Summary head(byte[] body) throws IOException {
      return read(body, body.length, false);
    }

    /** As {@link #head(byte[])}, for a body that is the first {@code length} bytes of the array. */
    static Summary head(byte[] body, int length) throws IOException {
      return read(body, length, false);
    }

    private static Summary read(byte[] body, int length, boolean whole) throws IOException {
      String resourceType = null;
      String id = null;
      String type = null;
      Integer total = null;
      String next = null;
      Set<String> fields = new HashSet<>();
      try (JsonParser parser = JSON.createParser(body, 0, length)) {
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
          boolean bundle = "Bundle".equals(resourceType);
          if (!whole
              && resourceType != null
              && (bundle ? type != null && fields.contains("link") : id != null)) {
            break;
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
