package org.trialfhir.store;

import static org.trialfhir.store.Corpus.query;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;

/**
 * Searches of one kind against an index, in-process, one thread: what a search costs in the store
 * alone (no HTTP, no JSON writing), to compare two indexes of the same studies, e.g. one imported
 * with {@code --merge-segments} and one without. Not a test: run it by hand after {@code mvn
 * test-compile} with the test classpath, the store's caches that would hide the searches turned
 * off,
 *
 * <pre>
 * java -Xmx2g -Dtrialfhir.store.page-cache-docs=0 -Dtrialfhir.store.included-cache-bytes=0 \
 *   -cp target/classes:target/test-classes:$(cat cp.txt) org.trialfhir.store.StoreBench \
 *   &lt;index folder&gt; near|include|condition [rounds]
 * </pre>
 *
 * The queries (fixed seed): {@code near}: 50 km around up to 100 Locations of the index, recruiting
 * sites, nearest first; {@code include} and {@code condition}: the first coding of the conditions
 * of the first active studies, with {@code status=active} (and {@code
 * _include=ResearchStudy:site}). Each round runs every query once and prints the median, p90, max
 * and mean time and the bytes allocated a query; the first rounds warm the JIT up.
 */
public final class StoreBench {
  private StoreBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: StoreBench <index folder> near|include|condition [rounds]");
      System.exit(2);
    }
    String kind = args[1];
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    try (LuceneTrialStore store = LuceneTrialStore.open(Path.of(args[0]))) {
      List<SearchQuery> queries = kind.equals("near") ? near(store) : conditions(store, kind);
      System.out.printf(Locale.ROOT, "%d %s queries%n", queries.size(), kind);
      // The bytes this thread allocates (HotSpot's bean): what a search leaves to the collector.
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        double[] ms = new double[queries.size()];
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ms.length; i++) {
          long start = System.nanoTime();
          store.search(queries.get(i), true);
          ms[i] = (System.nanoTime() - start) / 1e6;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        Arrays.sort(ms);
        System.out.printf(
            Locale.ROOT,
            "round %d: median %.2f ms, p90 %.2f, max %.2f, mean %.2f; %.0f KB allocated a query%n",
            round,
            ms[ms.length / 2],
            ms[ms.length * 9 / 10],
            ms[ms.length - 1],
            Arrays.stream(ms).average().orElse(Double.NaN),
            allocated / 1024.0 / ms.length);
      }
    }
  }

  private static List<SearchQuery> near(LuceneTrialStore store) {
    List<Location> locations = new ArrayList<>();
    for (SearchQuery q :
        List.of(
            query("Location", "_count=500", "near=40|-100|3000|km"),
            query("Location", "_count=500"))) {
      store.search(q).matches().forEach(m -> locations.add((Location) m.resource()));
    }
    Collections.shuffle(locations, new Random(42));
    List<SearchQuery> queries = new ArrayList<>();
    for (Location l : locations.subList(0, Math.min(100, locations.size()))) {
      if (l.hasPosition()) {
        String point = l.getPosition().getLatitude() + "|" + l.getPosition().getLongitude();
        queries.add(
            query(
                "ResearchStudy",
                "near=" + point + "|50|km",
                "site-status=RECRUITING",
                "_sort=near",
                "_count=20"));
      }
    }
    return queries;
  }

  private static List<SearchQuery> conditions(LuceneTrialStore store, String kind) {
    List<SearchQuery> queries = new ArrayList<>();
    SearchResult active = store.search(query("ResearchStudy", "status=active", "_count=300"));
    for (SearchResult.Match match : active.matches()) {
      for (CodeableConcept condition : ((ResearchStudy) match.resource()).getCondition()) {
        if (condition.hasCoding() && queries.size() < 100) {
          Coding coding = condition.getCodingFirstRep();
          String value = "condition=" + coding.getSystem() + "|" + coding.getCode();
          queries.add(
              kind.equals("include")
                  ? query(
                      "ResearchStudy",
                      value,
                      "status=active",
                      "_include=ResearchStudy:site",
                      "_count=20")
                  : query("ResearchStudy", value, "status=active", "_count=20"));
        }
      }
    }
    return queries;
  }
}
