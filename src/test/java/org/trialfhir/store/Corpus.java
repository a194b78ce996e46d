package org.trialfhir.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.ctgov.RecordProblem;
import org.trialfhir.ctgov.Study;
import org.trialfhir.ctgov.StudyHandler;
import org.trialfhir.ctgov.StudyReader;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.mapping.TrialGraph;
import org.trialfhir.search.QueryParser;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.testing.SharedData;

/**
 * The real corpus ({@code ../shared/data/ctgov/v2}, 1,296 studies) mapped once per test JVM, and
 * indexes built from it.
 */
final class Corpus {
  /** The clock of every test store: the ap prefix is computed from it. */
  static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

  private static List<TrialGraph> graphs;

  private Corpus() {}

  /** Every study of the corpus, mapped, in file order. */
  static synchronized List<TrialGraph> graphs() {
    if (graphs == null) {
      List<Study> studies = Collections.synchronizedList(new ArrayList<>());
      new StudyReader()
          .read(
              List.of(SharedData.ctgov("v2")),
              new StudyHandler() {
                @Override
                public void study(String source, Study study, List<RecordProblem> warnings) {
                  studies.add(study);
                }

                @Override
                public void problem(RecordProblem error) {
                  throw new AssertionError("corpus record refused: " + error);
                }
              });
      graphs = studies.parallelStream().map(StudyMapper::map).toList();
    }
    return graphs;
  }

  /** Indexes the corpus into the folder and opens it (fixed clock, no background refresh). */
  static LuceneTrialStore index(Path dir) {
    try {
      Importer.importGraphs(dir, graphs());
      return LuceneTrialStore.open(dir, Clock.fixed(NOW, ZoneOffset.UTC), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LuceneTrialStore shared;
  private static Path sharedDir;

  /**
   * One index of the corpus for the whole test run (built on first use into a temporary folder,
   * closed and deleted when the JVM exits): the test classes that only read share it.
   */
  static synchronized LuceneTrialStore sharedStore() {
    if (shared == null) {
      try {
        Path dir = java.nio.file.Files.createTempDirectory("trialfhir-corpus-index");
        shared = index(dir);
        sharedDir = dir;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      shared.close();
                      try {
                        IndexDirectory.deleteTree(dir);
                      } catch (IOException e) {
                        // A temporary folder; the system cleans it.
                      }
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** The index folder of {@link #sharedStore()} (built on first use), to open readers on. */
  static synchronized Path sharedDir() {
    sharedStore();
    return sharedDir;
  }

  /**
   * Every resource of a type, one per id, sorted by id. Of the versions of a shared resource, the
   * one the index keeps ({@link TrialIndexWriter#rank}).
   */
  static synchronized List<Resource> resources(String type) {
    return RESOURCES.computeIfAbsent(type, Corpus::collect);
  }

  private static final Map<String, List<Resource>> RESOURCES = new LinkedHashMap<>();

  private static List<Resource> collect(String type) {
    var parser = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
    Map<String, Resource> byId = new LinkedHashMap<>();
    Map<String, Long> ranks = new LinkedHashMap<>();
    for (TrialGraph graph : graphs()) {
      for (Resource resource : graph.resources()) {
        if (resource.fhirType().equals(type)) {
          boolean shared = type.equals("Location") || type.equals("Organization");
          long rank = shared ? TrialIndexWriter.rank(parser.encodeResourceToString(resource)) : 0;
          Long previous = ranks.get(resource.getIdPart());
          if (previous == null || rank > previous) {
            ranks.put(resource.getIdPart(), rank);
            byId.put(resource.getIdPart(), resource);
          }
        }
      }
    }
    List<Resource> sorted = new ArrayList<>(byId.values());
    sorted.sort(Comparator.comparing(Resource::getIdPart));
    return sorted;
  }

  /** The Locations of every study, by id. */
  static Map<String, Location> locations() {
    Map<String, Location> byId = new LinkedHashMap<>();
    for (Resource r : resources("Location")) {
      byId.put(r.getIdPart(), (Location) r);
    }
    return byId;
  }

  /**
   * A search of the type with parameters written as name=value pairs (values as a URL would carry
   * them, decoded), parsed strictly.
   */
  static SearchQuery query(String type, String... pairs) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      params
          .computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>())
          .add(pair.substring(eq + 1));
    }
    Map<String, String[]> map = new LinkedHashMap<>();
    params.forEach((k, v) -> map.put(k, v.toArray(String[]::new)));
    return new QueryParser().parse(type, map, false);
  }
}
