package org.trialfhir.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FhirHttp} reads each answer whole into its thread's reused buffer: a body of megabytes
 * sent without a length (chunked, as our server and HAPI send search pages), then shorter ones on
 * the same connection and thread, each exactly as sent, on loopback.
 */
class FhirHttpReadTest {
  private static final byte[] LARGE = new byte[3 * 1024 * 1024 + 17];
  private static HttpServer server;

  @BeforeAll
  static void start() throws IOException {
    new Random(7).nextBytes(LARGE);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/fhir/large",
        exchange -> {
          exchange.sendResponseHeaders(200, 0); // 0: chunked, no length
          try (OutputStream out = exchange.getResponseBody()) {
            for (int at = 0; at < LARGE.length; at += 10_000) {
              out.write(LARGE, at, Math.min(10_000, LARGE.length - at));
            }
          }
        });
    server.createContext(
        "/fhir/small",
        exchange -> {
          byte[] body = "{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(404, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/fhir/empty",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void answersAreReadWholeAndExactlyWhateverCameBefore() throws IOException {
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    try (FhirHttp http = new FhirHttp(base, Duration.ofSeconds(30), 1)) {
      for (int round = 0; round < 2; round++) {
        FhirHttp.Response large = http.get("large");
        assertThat(large.status()).isEqualTo(200);
        assertThat(large.length()).isEqualTo(LARGE.length);
        assertThat(Arrays.equals(large.data(), 0, large.length(), LARGE, 0, LARGE.length)).isTrue();
        assertThat(large.body()).isEqualTo(LARGE);

        FhirHttp.Response small = http.get("small");
        assertThat(small.status()).isEqualTo(404);
        assertThat(small.ok()).isFalse();
        assertThat(new String(small.body(), StandardCharsets.UTF_8))
            .isEqualTo("{\"resourceType\":\"Bundle\"}");
        assertThat(small.snippet()).isEqualTo("{\"resourceType\":\"Bundle\"}");
        assertThat(FhirHttp.Summary.head(small.data(), small.length()).resourceType())
            .isEqualTo("Bundle");

        FhirHttp.Response empty = http.get("empty");
        assertThat(empty.status()).isEqualTo(204);
        assertThat(empty.length()).isZero();
        assertThat(empty.body()).isEmpty();
      }
    }
  }
}
