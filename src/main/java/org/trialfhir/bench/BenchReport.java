package org.trialfhir.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one load run, per operation type and overall: throughput, latency percentiles
 * (nearest rank, {@link LatencyStats}) and errors; printed as a table, written as JSON, plotted.
 */
record BenchReport(
    String command,
    String target,
    Instant startedAt,
    LoadRunner.Limits limits,
    double elapsedSeconds,
    boolean stoppedByCount,
    long warmupErrors,
    List<Double> percentiles,
    List<Row> rows,
    Row overall,
    Map<String, Object> setup) {

  /** One operation type's (or all types') measured results. */
  record Row(
      String name,
      String detail,
      int weight,
      long httpRequests,
      Map<String, Long> errors,
      List<String> examples,
      LatencyStats latency) {

    long samples() {
      return latency.count();
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static BenchReport of(
      String command,
      String target,
      LoadRunner.Limits limits,
      LoadRunner.Run run,
      List<Double> percentiles,
      Map<String, Object> setup) {
    List<Row> rows = new ArrayList<>();
    LatencyStats.Recorder all = new LatencyStats.Recorder();
    Map<String, Long> allErrors = new LinkedHashMap<>();
    List<String> allExamples = new ArrayList<>();
    long allRequests = 0;
    int allWeight = 0;
    for (LoadRunner.TypeRecord record : run.types()) {
      LoadRunner.Operation operation = record.operation();
      rows.add(
          new Row(
              operation.name(),
              operation.detail(),
              operation.weight(),
              record.httpRequests(),
              record.errors(),
              record.examples(),
              record.latencies().stats()));
      all.addAll(record.latencies());
      record.errors().forEach((kind, count) -> allErrors.merge(kind, count, Long::sum));
      record.examples().forEach(example -> allExamples.add(operation.name() + ": " + example));
      allRequests += record.httpRequests();
      allWeight += operation.weight();
    }
    Row overall = new Row("all", "", allWeight, allRequests, allErrors, allExamples, all.stats());
    return new BenchReport(
        command,
        target,
        run.startedAt(),
        limits,
        run.elapsedSeconds(),
        run.stoppedByCount(),
        run.warmupErrors(),
        List.copyOf(percentiles),
        rows,
        overall,
        setup);
  }

  /** Measured errors plus warm-up errors: the command exits 1 when this is not 0. */
  long errors() {
    return overall.errorCount() + warmupErrors;
  }

  double rate(Row row) {
    return elapsedSeconds > 0 ? row.samples() / elapsedSeconds : 0;
  }

  /** The heading: what ran, against what, when. */
  String heading() {
    return String.format(
        Locale.ROOT,
        "bench %s: %s, concurrency %d, %s UTC",
        command,
        target,
        limits.concurrency(),
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(startedAt.atOffset(ZoneOffset.UTC)));
  }

  static String label(double percentile) {
    return percentile == Math.rint(percentile)
        ? "p" + (long) percentile
        : "p" + String.valueOf(percentile).replace('.', '_');
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** The readable table. */
  void print(PrintWriter out) {
    out.println(heading());
    out.printf(
        Locale.ROOT,
        "measured %.1f s after %d s of warm-up (stopped by %s), seed %d%n",
        elapsedSeconds,
        limits.warmup().toSeconds(),
        stoppedByCount ? "--max-requests " + limits.maxRequests() : "--duration",
        limits.seed());
    setup.forEach((key, value) -> out.printf(Locale.ROOT, "%s: %s%n", key, value));
    int width = Math.max(10, rows.stream().mapToInt(row -> row.name().length()).max().orElse(0));
    StringBuilder header =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-" + width + "s %6s %9s %9s %7s %9s",
                "type",
                "weight",
                "samples",
                "requests",
                "errors",
                "per s"));
    for (double percentile : percentiles) {
      header.append(String.format(Locale.ROOT, " %9s", label(percentile) + " ms"));
    }
    header.append(String.format(Locale.ROOT, " %9s", "max ms"));
    out.println(header);
    List<Row> all = new ArrayList<>(rows);
    all.add(overall);
    for (Row row : all) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-" + width + "s %6d %9d %9d %7d %9.1f",
                  row.name(),
                  row.weight(),
                  row.samples(),
                  row.httpRequests(),
                  row.errorCount(),
                  rate(row)));
      for (double percentile : percentiles) {
        line.append(
            String.format(Locale.ROOT, " %9.2f", millis(row.latency().percentile(percentile))));
      }
      line.append(String.format(Locale.ROOT, " %9.2f", millis(row.latency().max())));
      out.println(line);
    }
    if (errors() == 0) {
      out.println("errors: none");
    } else {
      out.printf(Locale.ROOT, "errors: %d (%d during warm-up)%n", errors(), warmupErrors);
      for (Row row : rows) {
        if (row.errorCount() > 0) {
          out.printf(Locale.ROOT, "  %s: %s%n", row.name(), row.errors());
          row.examples().forEach(example -> out.printf(Locale.ROOT, "    e.g. %s%n", example));
        }
      }
    }
    out.flush();
  }

  /** The same as JSON (latencies in milliseconds). */
  void writeJson(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("command", "bench " + command);
    root.put("target", target);
    root.put("startedAt", startedAt.toString());
    root.put("concurrency", limits.concurrency());
    root.put("warmupSeconds", limits.warmup().toSeconds());
    root.put("durationSeconds", limits.duration().toSeconds());
    root.put("maxRequests", limits.maxRequests());
    root.put("seed", limits.seed());
    root.put("elapsedSeconds", elapsedSeconds);
    root.put("stoppedBy", stoppedByCount ? "max-requests" : "duration");
    root.put("percentileDefinition", "nearest rank: the sample at rank ceil(p/100 * n)");
    root.put("errors", errors());
    root.put("warmupErrors", warmupErrors);
    ObjectNode setupNode = root.putObject("setup");
    setup.forEach((key, value) -> setupNode.set(key, json.valueToTree(value)));
    ArrayNode types = root.putArray("types");
    rows.forEach(row -> types.add(json(json, row)));
    root.set("overall", json(json, overall));
    Files.createDirectories(file.toAbsolutePath().getParent());
    json.writeValue(file.toFile(), root);
  }

  private ObjectNode json(ObjectMapper json, Row row) {
    ObjectNode node = json.createObjectNode();
    node.put("name", row.name());
    if (!row.detail().isEmpty()) {
      node.put("request", row.detail());
    }
    node.put("weight", row.weight());
    node.put("samples", row.samples());
    node.put("httpRequests", row.httpRequests());
    node.put("perSecond", rate(row));
    ObjectNode latency = node.putObject("latencyMs");
    for (double percentile : percentiles) {
      latency.put(label(percentile), millis(row.latency().percentile(percentile)));
    }
    latency.put("max", millis(row.latency().max()));
    latency.put("mean", row.latency().mean() / 1e6);
    node.put("errorCount", row.errorCount());
    ObjectNode errors = node.putObject("errors");
    row.errors().forEach(errors::put);
    ArrayNode examples = node.putArray("errorExamples");
    row.examples().forEach(examples::add);
    return node;
  }
}
