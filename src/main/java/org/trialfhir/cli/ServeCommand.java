package org.trialfhir.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.server.EngineBackend;
import org.trialfhir.server.SearchBackend;
import org.trialfhir.server.TrialServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trialfhir serve}: the FHIR REST API over an index (or the bundled examples). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the FHIR R4 API at http://<host>:<port>/fhir (HTML view for browsers, Swagger UI at"
          + " /fhir/swagger-ui/, health at /health) until stopped with Ctrl-C or SIGTERM, which lets"
          + " requests in flight finish first.",
      "Without --index it indexes the example studies the jar carries into a temporary folder and"
          + " serves those.",
      "An import into the served index folder is picked up within seconds, without a restart."
    })
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(
      names = "--index",
      paramLabel = "<dir>",
      description =
          "An index folder written by `trialfhir import` (default: the bundled examples).")
  Path index;

  @Option(
      names = "--port",
      paramLabel = "<port>",
      defaultValue = "8080",
      description = "TCP port (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "<address>",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every"
              + " interface, e.g. in a container or behind a proxy).")
  String host;

  @Option(
      names = "--base-url",
      paramLabel = "<url>",
      description =
          "The FHIR base URL clients use, when it differs from the address served (behind a"
              + " reverse proxy), e.g. https://trials.example.org/fhir; used in every link.")
  String baseUrl;

  @Option(
      names = "--stop-timeout",
      paramLabel = "<seconds>",
      defaultValue = "10",
      description = "How long stopping waits for requests in flight (default: ${DEFAULT-VALUE}).")
  int stopTimeoutSeconds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535) {
      err.println("--port must be 0 to 65535");
      return 2;
    }
    if (baseUrl != null && !baseUrl.matches("https?://[^\\s]+")) {
      err.println("--base-url must be an absolute http(s) URL");
      return 2;
    }
    long started = System.nanoTime();
    SearchBackend backend;
    try {
      backend = index == null ? EngineBackend.examples() : EngineBackend.open(index);
    } catch (IOException e) {
      err.println("cannot serve: " + e.getMessage());
      return 1;
    }
    TrialServer server =
        new TrialServer(
            backend,
            new TrialServer.Settings(
                host,
                port,
                baseUrl == null ? null : baseUrl.replaceAll("/+$", ""),
                Duration.ofSeconds(stopTimeoutSeconds)));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdown =
        new Thread(
            () -> {
              LOG.info("stopping: finishing requests in flight");
              server.stop();
              backend.close();
              stopped.countDown();
            },
            "trialfhir-shutdown");
    try {
      server.start();
    } catch (Exception e) {
      backend.close();
      err.println("could not start the server on " + host + ":" + port + ": " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(shutdown);
    LOG.info(
        "serving {} at {} (started in {} ms)",
        index == null ? "the bundled examples" : index,
        server.fhirBaseUrl(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    stopped.await();
    return 0;
  }
}
