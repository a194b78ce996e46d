package org.trialfhir.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trialfhir bench search}: a weighted mix of FHIR searches and reads against any FHIR
 * server, with throughput, latency percentiles and errors per query type.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a query mix against any FHIR R4 server (plain REST, JSON) with c workers issuing"
          + " requests back to back, after an uncounted warm-up, until the duration or the request"
          + " limit; prints throughput and latency percentiles (nearest rank) per query type and"
          + " overall, and the errors: non-2xx answers, I/O failures and answers that are not the"
          + " expected FHIR resource. Exits 1 if any request failed.",
      "Placeholders in the mix are filled with values sampled from the target at start"
          + " (ResearchStudy and Location searches; see the README, Performance)."
    })
public final class BenchSearchCommand implements Callable<Integer> {
  @Mixin LoadOptions load;

  @Option(
      names = "--mix",
      paramLabel = "<file>",
      description =
          "Query mix: lines of '<name> <weight> <template> [pages=<n>]' (default: the bundled"
              + " default mix, bench/default-mix.txt).")
  Path mix;

  @Option(
      names = "--sample",
      defaultValue = "500",
      paramLabel = "<n>",
      description =
          "Studies (from each of two searches) and Locations read from the target at start to"
              + " fill the placeholders (default ${DEFAULT-VALUE}).")
  int sample;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    try (FhirHttp http = load.http()) {
      return call(http);
    }
  }

  private Integer call(FhirHttp http) throws IOException, InterruptedException {
    load.check(spec.commandLine());
    if (sample < 1) {
      throw new ParameterException(spec.commandLine(), "--sample must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    QueryMix queries;
    try {
      queries = mix == null ? QueryMix.defaultMix() : QueryMix.read(mix);
    } catch (IllegalArgumentException | IOException e) {
      err.println("bad --mix: " + e.getMessage());
      return 2;
    }
    ValuePools pools;
    try {
      pools = ValuePools.sample(http, sample);
    } catch (IOException e) {
      err.println("could not sample values from " + http.base() + ": " + e.getMessage());
      return 2;
    }
    List<String> missing = pools.missing(queries.placeholders());
    if (!missing.isEmpty()) {
      err.println(
          "the target gave no values for "
              + missing.stream().map(name -> "{" + name + "}").toList()
              + "; use a mix without them");
      return 2;
    }
    List<LoadRunner.Operation> operations = new ArrayList<>();
    for (QueryMix.QueryType type : queries.types()) {
      String detail = type.template() + (type.pages() > 1 ? " pages=" + type.pages() : "");
      operations.add(
          new LoadRunner.Operation(
              type.name(), type.weight(), detail, random -> query(http, type, pools, random)));
    }
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("mix", mix == null ? "default (bench/default-mix.txt)" : mix.toString());
    setup.put("value pools", pools.sizes());
    return load.runAndReport("search", operations, List.of(50.0, 90.0, 99.0), setup, out);
  }

  /** One query of the type: the request, or the paging walk, with every answer checked. */
  static LoadRunner.Outcome query(
      FhirHttp http, QueryMix.QueryType type, ValuePools pools, java.util.SplittableRandom random)
      throws InterruptedException {
    String url = type.expand(pools.draw(type.placeholders(), random));
    int requests = 0;
    for (int page = 1; page <= type.pages(); page++) {
      FhirHttp.Response response;
      requests++;
      try {
        response = http.get(url);
      } catch (IOException e) {
        return LoadRunner.Outcome.failed(requests, "I/O", e.toString());
      } catch (IllegalArgumentException e) {
        return LoadRunner.Outcome.failed(requests, "bad URL", url + ": " + e.getMessage());
      }
      if (!response.ok()) {
        return LoadRunner.Outcome.failed(
            requests, "HTTP " + response.status(), url + ": " + response.snippet());
      }
      FhirHttp.Summary summary;
      try {
        summary = FhirHttp.Summary.head(response.data(), response.length());
      } catch (IOException e) {
        return LoadRunner.Outcome.failed(
            requests, "unexpected answer", url + ": " + response.snippet());
      }
      String problem = unexpected(type, summary);
      if (problem != null) {
        return LoadRunner.Outcome.failed(requests, "unexpected answer", url + ": " + problem);
      }
      if (summary.next() == null) {
        break;
      }
      url = summary.next();
    }
    return LoadRunner.Outcome.ok(requests);
  }

  /** Why the answer is not what the query type expects, or null when it is. */
  static String unexpected(QueryMix.QueryType type, FhirHttp.Summary summary) {
    if (type.isRead()) {
      return type.resourceType().equals(summary.resourceType())
          ? null
          : "expected a " + type.resourceType() + ", got resourceType " + summary.resourceType();
    }
    if (!"Bundle".equals(summary.resourceType()) || !"searchset".equals(summary.bundleType())) {
      return "expected a searchset Bundle, got resourceType "
          + summary.resourceType()
          + " type "
          + summary.bundleType();
    }
    return null;
  }
}
