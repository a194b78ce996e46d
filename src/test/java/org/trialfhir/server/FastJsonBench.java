package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Bundle;
import org.trialfhir.json.FhirJsonEncoder;

/**
 * What the fast JSON path saves, in CPU time (the machine is shared; wall time is not a measure
 * here). Not a test: run it by hand after {@code mvn test-compile} with the test classpath,
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) org.trialfhir.server.FastJsonBench [rounds]
 * </pre>
 *
 * over the corpus the ITs use ({@link CorpusServer}: every record of {@code
 * ../shared/data/ctgov/v2}).
 *
 * <ol>
 *   <li>Encoding one 20-entry searchset page ({@code ResearchStudy?status=active}) on this thread:
 *       HAPI's parser (as the server configures it) against {@link FhirJsonEncoder}.
 *   <li>Whole requests over HTTP: the CPU of the server's threads per request, with the fast path
 *       and without it, on two servers over the same index, measured in alternate rounds.
 * </ol>
 *
 * Medians over rounds are printed, with the ratio against HAPI's path of the same run.
 */
public final class FastJsonBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static final String[] QUERIES = {
    "ResearchStudy?status=active&_count=20",
    "ResearchStudy?condition:text=cancer&status=active&_count=20",
    "ResearchStudy?status=active&_count=20&_include=ResearchStudy:site",
    "ResearchStudy?near=40.7128%7C-74.0060%7C500%7Ckm&site-status=RECRUITING&_sort=near&_count=20",
    "ResearchStudy?phase=phase-3&_count=20&_pretty=true",
  };

  private FastJsonBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    CorpusServer corpus = CorpusServer.get();
    encoding(corpus, rounds);
    try (EngineBackend backend = EngineBackend.open(corpus.index)) {
      TrialServer fast = new TrialServer(backend, TrialServer.Settings.local(0).withFastJson(true));
      TrialServer hapi =
          new TrialServer(backend, TrialServer.Settings.local(0).withFastJson(false));
      fast.start();
      hapi.start();
      try {
        String read =
            "ResearchStudy/"
                + corpus
                    .search(QUERIES[0])
                    .getEntryFirstRep()
                    .getResource()
                    .getIdElement()
                    .getIdPart();
        List<String> all = new ArrayList<>(List.of(QUERIES));
        all.add(read);
        for (String query : all) {
          requests(query, fast.port(), hapi.port(), rounds);
        }
        FastJsonResponses stats = fast.fastJson();
        System.out.printf(
            Locale.ROOT,
            "fast path: %,d answers, %,d resources written as stored, %,d left to HAPI%n",
            stats.fastCount(),
            stats.unparsedCount(),
            stats.declinedCount());
      } finally {
        fast.stop();
        hapi.stop();
      }
    }
    System.exit(0);
  }

  /** CPU per encoding of one searchset page, this thread, HAPI against FhirJsonEncoder. */
  private static void encoding(CorpusServer corpus, int rounds) {
    Bundle page = corpus.search(QUERIES[0]);
    FhirContext fhir = CorpusServer.FHIR;
    String base = corpus.base;
    FhirJsonEncoder encoder = new FhirJsonEncoder(fhir).withServerBaseUrl(base);
    int n = 200;
    double[] hapi = new double[rounds];
    double[] ours = new double[rounds];
    int bytes = 0;
    for (int warm = 0; warm < 2; warm++) {
      for (int i = 0; i < n; i++) {
        fhir.newJsonParser().setServerBaseUrl(base).encodeResourceToString(page);
        encoder.encodeUtf8(page);
      }
    }
    for (int r = 0; r < rounds; r++) {
      long start = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        bytes = fhir.newJsonParser().setServerBaseUrl(base).encodeResourceToString(page).length();
      }
      hapi[r] = (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / n;
      start = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        encoder.encodeUtf8(page);
      }
      ours[r] = (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / n;
    }
    System.out.printf(
        Locale.ROOT,
        "encode a %d-entry page (%,d chars): HAPI %.0f µs, FhirJsonEncoder %.0f µs of CPU (%.1fx less)%n",
        page.getEntry().size(),
        bytes,
        median(hapi),
        median(ours),
        median(hapi) / median(ours));
  }

  /** Server CPU per request for one query, fast path against HAPI's, in alternate rounds. */
  private static void requests(String query, int fastPort, int hapiPort, int rounds)
      throws Exception {
    int n = 50;
    double[] fast = new double[rounds];
    double[] hapi = new double[rounds];
    // Warm-up: JIT and the store's caches (parsed resources, pages, included JSON).
    serverCpu(fastPort, query, n);
    serverCpu(hapiPort, query, n);
    for (int r = 0; r < rounds; r++) {
      fast[r] = serverCpu(fastPort, query, n);
      hapi[r] = serverCpu(hapiPort, query, n);
    }
    System.out.printf(
        Locale.ROOT,
        "%-95s HAPI %6.0f µs  fast %6.0f µs  (%.2fx less)%n",
        query,
        median(hapi),
        median(fast),
        median(hapi) / median(fast));
  }

  /** Mean CPU (µs) of the Jetty threads ({@code http*}) per request, over n requests. */
  private static double serverCpu(int port, String query, int n) throws Exception {
    long before = httpThreadsCpu();
    for (int i = 0; i < n; i++) {
      RawHttp.Response response = RawHttp.send(port, "GET", "/fhir/" + query);
      if (response.status() != 200) {
        throw new IllegalStateException(query + ": " + response.status());
      }
    }
    return (httpThreadsCpu() - before) / 1e3 / n;
  }

  private static long httpThreadsCpu() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("http")) {
        long cpu = THREADS.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
