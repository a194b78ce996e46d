package org.trialfhir.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.cli.TrialFhir;
import org.trialfhir.server.EngineBackend;
import org.trialfhir.server.TrialServer;

/**
 * {@code bench search} and {@code bench match} end to end against the server as {@code serve} runs
 * it over the bundled examples, on a free loopback port, with tiny bounds. Nothing here asserts a
 * time: only that every type ran, nothing failed and the outputs are well formed.
 */
class BenchIT {
  private static EngineBackend backend;
  private static TrialServer server;
  private static String base;

  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    backend = EngineBackend.examples();
    server = new TrialServer(backend, TrialServer.Settings.local(0));
    server.start();
    base = server.fhirBaseUrl();
  }

  @AfterAll
  static void stop() {
    server.stop();
    backend.close();
  }

  private record Run(int exit, String out, String err) {}

  private static Run bench(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var command = TrialFhir.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("bench"));
    all.addAll(List.of(args));
    int exit = command.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * A run with tiny bounds: two workers (unless given), no warm-up, bounded by the request count in
   * practice; the long duration only keeps a loaded machine from cutting the run short before every
   * type has had its turn.
   */
  private static Run bounded(String command, int maxRequests, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--target",
                base,
                "--duration",
                "60",
                "--warmup",
                "0",
                "--max-requests",
                String.valueOf(maxRequests)));
    if (!List.of(more).contains("--concurrency")) {
      args.addAll(List.of("--concurrency", "2"));
    }
    args.addAll(List.of(more));
    return bench(args.toArray(String[]::new));
  }

  private static void assertPng(Path plot) throws Exception {
    BufferedImage image = ImageIO.read(plot.toFile());
    assertThat(image).as("a PNG ImageIO can read").isNotNull();
    assertThat(image.getWidth()).isPositive();
    assertThat(image.getHeight()).isPositive();
  }

  @Test
  void searchRunsEveryQueryTypeOfTheDefaultMixWithoutErrors() throws Exception {
    Path json = temp.resolve("search.json");
    Path plot = temp.resolve("search.png");
    Run run =
        bounded(
            "search", 200, "--sample", "50", "--out", json.toString(), "--plot", plot.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("errors: none", "p50 ms", "p90 ms", "p99 ms", "max ms");

    JsonNode results = new ObjectMapper().readTree(json.toFile());
    assertThat(results.path("errors").asLong()).isZero();
    assertThat(results.path("concurrency").asInt()).isEqualTo(2);
    List<String> names = new ArrayList<>();
    for (JsonNode type : results.path("types")) {
      names.add(type.path("name").asText());
      assertThat(type.path("samples").asLong()).as(type.path("name").asText()).isPositive();
      assertThat(type.path("errorCount").asLong()).isZero();
      assertThat(type.path("latencyMs").path("p99").asDouble())
          .isGreaterThanOrEqualTo(type.path("latencyMs").path("p50").asDouble());
    }
    assertThat(names)
        .containsExactlyElementsOf(
            QueryMix.defaultMix().types().stream().map(QueryMix.QueryType::name).toList());
    assertThat(results.path("overall").path("samples").asLong()).isEqualTo(200);
    assertPng(plot);
  }

  @Test
  void aPagingWalkFollowsNextLinks() throws Exception {
    // Seven example studies in pages of 2: every walk of three pages makes three requests.
    Path mix =
        Files.writeString(temp.resolve("mix.txt"), "walk 1 ResearchStudy?_count=2 pages=3\n");
    Path json = temp.resolve("walk.json");
    Run run = bounded("search", 10, "--mix", mix.toString(), "--out", json.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    JsonNode walk = new ObjectMapper().readTree(json.toFile()).path("types").get(0);
    assertThat(walk.path("samples").asLong()).isEqualTo(10);
    assertThat(walk.path("httpRequests").asLong()).isEqualTo(30);
  }

  @Test
  void failuresAreCountedAndTheExitCodeIsOne() throws Exception {
    Path mix =
        Files.writeString(
            temp.resolve("bad.txt"), "unknown-parameter 1 ResearchStudy?no-such-parameter=1\n");
    Run run = bounded("search", 4, "--mix", mix.toString(), "--concurrency", "1");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("errors: 4", "HTTP 400=4");
  }

  @Test
  void aBadMixOrAnUnreachableTargetIsAClearError() throws Exception {
    Path mix = Files.writeString(temp.resolve("broken.txt"), "read 1 ResearchStudy?x={nope}\n");
    Run bad = bench("search", "--target", base, "--mix", mix.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("line 1", "{nope}");
    Run away = bench("search", "--target", "http://127.0.0.1:1/fhir", "--duration", "1");
    assertThat(away.exit()).isEqualTo(2);
    assertThat(away.err()).contains("could not sample values from http://127.0.0.1:1/fhir");
  }

  @Test
  void matchTimesBothServicesWithoutErrors() throws Exception {
    Path json = temp.resolve("match.json");
    Path plot = temp.resolve("match.png");
    Run run = bounded("match", 20, "--out", json.toString(), "--plot", plot.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("20 Conditions, 200 Observations", "p95 ms", "errors: none");
    JsonNode results = new ObjectMapper().readTree(json.toFile());
    assertThat(results.path("types"))
        .extracting(type -> type.path("name").asText())
        .containsExactly("match", "cds-patient-view");
    for (JsonNode type : results.path("types")) {
      assertThat(type.path("samples").asLong()).as(type.path("name").asText()).isPositive();
      assertThat(type.path("errorCount").asLong()).isZero();
      assertThat(type.path("latencyMs").has("p95")).isTrue();
    }
    assertPng(plot);
  }
}
