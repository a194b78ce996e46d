package org.trialfhir.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options {@code bench search} and {@code bench match} share (target, bounds, outputs), and the
 * run-and-report step they share.
 */
final class LoadOptions {
  @Option(
      names = "--target",
      required = true,
      paramLabel = "<url>",
      description = "The FHIR base URL of the server under test, e.g. http://127.0.0.1:8080/fhir.")
  String target;

  @Option(
      names = "--duration",
      defaultValue = "60",
      paramLabel = "<s>",
      description = "Seconds measured after the warm-up (default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      paramLabel = "<c>",
      description =
          "Worker threads, each issuing requests back to back (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--max-requests",
      defaultValue = "1000000",
      paramLabel = "<n>",
      description =
          "Stop after this many measured operations even if time remains (default ${DEFAULT-VALUE}).")
  long maxRequests;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      paramLabel = "<s>",
      description = "Seconds of uncounted warm-up load first (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the workers' random choices (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--timeout",
      defaultValue = "30",
      paramLabel = "<s>",
      description = "A request taking longer is an I/O error (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--out",
      paramLabel = "<results.json>",
      description = "Also write the results as JSON.")
  Path out;

  @Option(
      names = "--plot",
      paramLabel = "<file.png>",
      description = "Also write a PNG of the latency percentiles per type (log scale).")
  Path plot;

  /** Checks the bounds; throws a usage error naming the option. */
  void check(CommandLine command) {
    if (!target.matches("https?://\\S+")) {
      throw new CommandLine.ParameterException(command, "--target must be an http(s) URL");
    }
    if (durationSeconds < 1) {
      throw new CommandLine.ParameterException(command, "--duration must be at least 1");
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new CommandLine.ParameterException(command, "--concurrency must be 1 to 1024");
    }
    if (maxRequests < 1) {
      throw new CommandLine.ParameterException(command, "--max-requests must be at least 1");
    }
    if (warmupSeconds < 0) {
      throw new CommandLine.ParameterException(command, "--warmup must not be negative");
    }
    if (timeoutSeconds < 1) {
      throw new CommandLine.ParameterException(command, "--timeout must be at least 1");
    }
  }

  FhirHttp http() {
    return new FhirHttp(target, Duration.ofSeconds(timeoutSeconds), concurrency);
  }

  /**
   * Runs the load, prints the table and writes the JSON and the plot when asked.
   *
   * @return the exit code: 0, or 1 when any request failed
   */
  int runAndReport(
      String command,
      List<LoadRunner.Operation> operations,
      List<Double> percentiles,
      Map<String, Object> setup,
      PrintWriter out)
      throws IOException, InterruptedException {
    LoadRunner.Limits limits =
        new LoadRunner.Limits(
            concurrency,
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(durationSeconds),
            maxRequests,
            seed);
    out.printf(
        "bench %s: %d s warm-up, then %d s or %,d operations with %d workers against %s%n",
        command, warmupSeconds, durationSeconds, maxRequests, concurrency, target);
    out.flush();
    LoadRunner.Run run = new LoadRunner(operations, limits).run();
    BenchReport report =
        BenchReport.of(command, target.replaceAll("/+$", ""), limits, run, percentiles, setup);
    report.print(out);
    if (this.out != null) {
      report.writeJson(this.out);
      out.println("results: " + this.out);
    }
    if (plot != null) {
      LatencyPlot.write(report, plot);
      out.println("plot: " + plot);
    }
    out.flush();
    return report.errors() == 0 ? 0 : 1;
  }
}
