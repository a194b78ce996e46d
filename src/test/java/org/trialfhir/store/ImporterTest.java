package org.trialfhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.cli.TrialFhir;
import org.trialfhir.ctgov.RecordProblem;
import org.trialfhir.search.QueryParser;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.testing.SharedData;
import picocli.CommandLine;

/** Index generations: atomic switch, failed and interrupted imports, bad and duplicate records. */
class ImporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  /** A folder with the first n corpus records (copied as they are). */
  private Path records(String name, int from, int n) throws IOException {
    Path folder = Files.createDirectories(temp.resolve(name));
    List<Path> files = SharedData.files("v2");
    for (Path file : files.subList(from, from + n)) {
      Files.copy(file, folder.resolve(file.getFileName()));
    }
    return folder;
  }

  private static String nctId(Path file) throws IOException {
    return JSON.readTree(file.toFile())
        .path("protocolSection")
        .path("identificationModule")
        .path("nctId")
        .asText();
  }

  private static List<String> generationFolders(Path index) throws IOException {
    try (Stream<Path> children = Files.list(index)) {
      return children
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("gen-"))
          .sorted()
          .toList();
    }
  }

  private static int count(LuceneTrialStore store, String type) {
    return store.count(type);
  }

  @Test
  void importWritesAGenerationAndANewImportSwitchesAtomically() throws Exception {
    Path index = temp.resolve("index");
    Importer.Summary first =
        new Importer(2, new Importer.Listener() {}).importInto(index, List.of(records("a", 0, 5)));
    assertThat(first.read()).isEqualTo(5);
    assertThat(first.imported()).isEqualTo(5);
    assertThat(first.failed()).isZero();
    assertThat(first.studies()).isEqualTo(5);
    assertThat(generationFolders(index)).containsExactly(first.generation());
    assertThat(Files.readString(index.resolve("CURRENT")).strip()).isEqualTo(first.generation());

    try (LuceneTrialStore store = LuceneTrialStore.open(index, Clock.systemUTC(), null)) {
      assertThat(store.version()).isEqualTo(first.generation());
      assertThat(count(store, "ResearchStudy")).isEqualTo(5);
      String oldStudy = nctId(SharedData.files("v2").get(0));
      assertThat(store.read("ResearchStudy", oldStudy)).isPresent();

      Importer.Summary second = new Importer().importInto(index, List.of(records("b", 5, 3)));
      assertThat(second.generation()).isNotEqualTo(first.generation());
      // Until it looks again, the store serves the old generation, whose files it keeps open.
      assertThat(store.version()).isEqualTo(first.generation());
      assertThat(store.read("ResearchStudy", oldStudy)).isPresent();
      assertThat(generationFolders(index)).containsExactly(second.generation());

      assertThat(store.refresh()).isTrue();
      assertThat(store.version()).isEqualTo(second.generation());
      assertThat(count(store, "ResearchStudy")).isEqualTo(3);
      assertThat(store.read("ResearchStudy", oldStudy)).isEmpty();
      assertThat(store.refresh()).isFalse();
    }
  }

  @Test
  void segmentsAreSortedByIdSoDefaultOrderSearchesStopAfterTheirPage() throws Exception {
    Path index = temp.resolve("index");
    Importer.Summary summary =
        new Importer(2, new Importer.Listener() {}).importInto(index, List.of(records("a", 0, 8)));
    Path generation = index.resolve(summary.generation());
    try (org.apache.lucene.index.DirectoryReader reader =
        org.apache.lucene.index.DirectoryReader.open(
            org.apache.lucene.store.FSDirectory.open(generation))) {
      assertThat(reader.leaves()).isNotEmpty();
      for (org.apache.lucene.index.LeafReaderContext leaf : reader.leaves()) {
        assertThat(leaf.reader().getMetaData().getSort())
            .isEqualTo(new org.apache.lucene.search.Sort(TrialIndexWriter.ID_ORDER));
      }
    }
  }

  /**
   * Each indexing thread flushes segments of its own; asked to, the import ends by merging them
   * into segments of about {@link TrialIndexWriter#SEGMENT_TARGET_BYTES}: one, for an index this
   * small (as `import --merge-segments` asks).
   */
  @Test
  void anImportAskedToMergesItsSegments() throws Exception {
    Path input = records("a", 0, 150);
    for (boolean merge : new boolean[] {false, true}) {
      Path index = temp.resolve("index-" + merge);
      StringWriter err = new StringWriter();
      CommandLine cli = TrialFhir.commandLine();
      cli.setErr(new PrintWriter(err, true));
      List<String> args =
          new ArrayList<>(
              List.of(
                  "import",
                  input.toString(),
                  "--index",
                  index.toString(),
                  "--threads",
                  "4",
                  "--no-progress"));
      if (merge) {
        args.add("--merge-segments");
      }
      assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
      try (org.apache.lucene.index.DirectoryReader reader =
          org.apache.lucene.index.DirectoryReader.open(
              org.apache.lucene.store.FSDirectory.open(
                  index.resolve(new IndexDirectory(index).current().orElseThrow())))) {
        assertThat(reader.numDocs()).isGreaterThan(150);
        if (merge) {
          assertThat(reader.leaves()).hasSize(1);
        } else {
          // Not merged: a segment per indexing thread that flushed.
          assertThat(reader.leaves()).hasSizeGreaterThan(1);
        }
      }
    }
  }

  @Test
  void aStoreSwitchesByItselfWhenWatching() throws Exception {
    Path index = temp.resolve("index");
    new Importer().importInto(index, List.of(records("a", 0, 2)));
    try (LuceneTrialStore store =
        LuceneTrialStore.open(index, Clock.systemUTC(), java.time.Duration.ofMillis(50))) {
      String before = store.version();
      Importer.Summary next = new Importer().importInto(index, List.of(records("b", 2, 1)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (store.version().equals(before) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(store.version()).isEqualTo(next.generation());
    }
  }

  @Test
  void badRecordsAreReportedCountedAndSkipped() throws Exception {
    Path input = records("in", 0, 3);
    Files.writeString(input.resolve("broken.json"), "{\"protocolSection\": {");
    ObjectNode bad = (ObjectNode) JSON.readTree(SharedData.files("v2").get(3).toFile());
    ((ObjectNode) bad.path("protocolSection").path("statusModule").path("startDateStruct"))
        .put("date", "2023-13");
    Files.writeString(input.resolve("bad-date.json"), JSON.writeValueAsString(bad));
    List<RecordProblem> problems = Collections.synchronizedList(new ArrayList<>());
    Importer.Summary summary =
        new Importer(
                2,
                new Importer.Listener() {
                  @Override
                  public void problem(RecordProblem problem) {
                    problems.add(problem);
                  }
                })
            .importInto(temp.resolve("index"), List.of(input));
    assertThat(summary.imported()).isEqualTo(3);
    assertThat(summary.failed()).isEqualTo(2);
    assertThat(summary.read()).isEqualTo(5);
    assertThat(problems).allMatch(RecordProblem::isError);
    assertThat(problems).extracting(RecordProblem::source).anyMatch(s -> s.endsWith("broken.json"));
    assertThat(problems)
        .anySatisfy(
            p ->
                assertThat(p.toString())
                    .contains("bad-date.json")
                    .contains("protocolSection.statusModule.startDateStruct.date"));
  }

  @Test
  void importCommandPrintsProblemsAndSummaryAndExitsOneOnFailures() throws Exception {
    Path input = records("in", 0, 2);
    Files.writeString(input.resolve("broken.json"), "{\"protocolSection\": {");
    StringWriter err = new StringWriter();
    CommandLine cli = TrialFhir.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int exit =
        cli.execute(
            "import",
            input.toString(),
            "--index",
            temp.resolve("index").toString(),
            "--no-progress");
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("ERROR " + input.resolve("broken.json"))
        .contains("imported 2 of 3 records")
        .contains("1 failed");

    StringWriter ok = new StringWriter();
    CommandLine again = TrialFhir.commandLine();
    again.setErr(new PrintWriter(ok, true));
    Path clean = records("clean", 2, 2);
    assertThat(
            again.execute(
                "import",
                clean.toString(),
                "--index",
                temp.resolve("index").toString(),
                "--no-progress"))
        .isZero();
    assertThat(ok.toString()).contains("imported 2 of 2 records").contains("0 failed");
  }

  @Test
  void aFailingImportLeavesThePreviousGenerationServing() throws Exception {
    Path index = temp.resolve("index");
    Importer.Summary first = new Importer().importInto(index, List.of(records("a", 0, 4)));
    try (LuceneTrialStore store = LuceneTrialStore.open(index, Clock.systemUTC(), null)) {
      SearchQuery all = new QueryParser().parse("ResearchStudy", Map.of(), false);
      List<String> before = store.searchIds(all).stream().map(LuceneTrialStore.Hit::id).toList();

      Importer crashing =
          new Importer(
              1,
              new Importer.Listener() {
                @Override
                public void imported(long count) {
                  if (count == 2) {
                    throw new IllegalStateException("disk full (simulated)");
                  }
                }
              });
      assertThatThrownBy(() -> crashing.importInto(index, List.of(records("b", 4, 6))))
          .hasMessageContaining("disk full");

      assertThat(Files.readString(index.resolve("CURRENT")).strip()).isEqualTo(first.generation());
      assertThat(generationFolders(index)).containsExactly(first.generation());
      assertThat(store.refresh()).isFalse();
      assertThat(store.searchIds(all).stream().map(LuceneTrialStore.Hit::id).toList())
          .isEqualTo(before);
    }
  }

  @Test
  void anInterruptedImportLeavesThePreviousGenerationServing() throws Exception {
    Path index = temp.resolve("index");
    Importer.Summary first = new Importer().importInto(index, List.of(records("a", 0, 3)));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Importer slow =
        new Importer(
            1,
            new Importer.Listener() {
              @Override
              public void imported(long count) {
                started.countDown();
                try {
                  never.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("interrupted", e);
                }
              }
            });
    Path input = records("b", 3, 20);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread importing =
        new Thread(
            () -> {
              try {
                slow.importInto(index, List.of(input));
              } catch (Throwable t) {
                outcome.set(t);
              }
            });
    importing.start();
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
    importing.interrupt();
    // The worker blocked in the listener is not the importing thread: unblock it too.
    never.countDown();
    importing.join(60_000);
    assertThat(importing.isAlive()).isFalse();
    assertThat(outcome.get()).isNotNull();
    assertThat(Files.readString(index.resolve("CURRENT")).strip()).isEqualTo(first.generation());
    assertThat(generationFolders(index)).containsExactly(first.generation());
  }

  @Test
  void leftoversOfAKilledImportAreRemovedByTheNextOne() throws Exception {
    Path index = temp.resolve("index");
    new Importer().importInto(index, List.of(records("a", 0, 2)));
    Path orphan = Files.createDirectories(index.resolve("gen-20200101T000000000Z-abcdef"));
    Files.writeString(orphan.resolve("_0.cfs"), "half an index");
    try (LuceneTrialStore store = LuceneTrialStore.open(index, Clock.systemUTC(), null)) {
      assertThat(count(store, "ResearchStudy")).isEqualTo(2);
    }
    Importer.Summary next = new Importer().importInto(index, List.of(records("b", 2, 1)));
    assertThat(generationFolders(index)).containsExactly(next.generation());
  }

  @Test
  void oneImportAtATimePerFolder() throws Exception {
    Path index = temp.resolve("index");
    try (TrialIndexWriter holding = TrialIndexWriter.create(index)) {
      assertThatThrownBy(() -> new Importer().importInto(index, List.of(records("a", 0, 1))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another import");
      holding.abort();
    }
    assertThat(Files.exists(index.resolve("CURRENT"))).isFalse();
  }

  @Test
  void aStudyReadTwiceIsStoredOnceAsTheLaterRecord() throws Exception {
    Path input = Files.createDirectories(temp.resolve("in"));
    Path file = SharedData.files("v2").get(0);
    ObjectNode record = (ObjectNode) JSON.readTree(file.toFile());
    Files.copy(file, input.resolve("1-first.json"));
    ((ObjectNode) record.path("protocolSection").path("identificationModule"))
        .put("briefTitle", "The later title");
    ((ObjectNode) record.path("protocolSection").path("armsInterventionsModule"))
        .remove("armGroups");
    Files.writeString(input.resolve("2-second.json"), JSON.writeValueAsString(record));
    Path index = temp.resolve("index");
    Importer.Summary summary =
        new Importer(2, new Importer.Listener() {}).importInto(index, List.of(input));
    assertThat(summary.imported()).isEqualTo(2);
    assertThat(summary.studies()).isEqualTo(1);
    try (LuceneTrialStore store = LuceneTrialStore.open(index, Clock.systemUTC(), null)) {
      ResearchStudy study = (ResearchStudy) store.read("ResearchStudy", nctId(file)).orElseThrow();
      assertThat(study.getTitle()).isEqualTo("The later title");
      assertThat(count(store, "ResearchStudy")).isEqualTo(1);
      assertThat(count(store, "Group")).isEqualTo(1);
      // The earlier record's arm plans are gone with it.
      assertThat(count(store, "PlanDefinition")).isEqualTo(study.getProtocol().size());
    }
  }

  @Test
  void theBundledExamplesIndexFromTheClasspath() throws Exception {
    Path index = temp.resolve("examples");
    Importer.Summary summary = Importer.importBundledExamples(index);
    try (Stream<Path> examples = Files.list(SharedData.repository().resolve("examples"))) {
      long folders = examples.filter(Files::isDirectory).count();
      assertThat(summary.imported()).isEqualTo(folders);
    }
    try (LuceneTrialStore store = LuceneTrialStore.open(index)) {
      assertThat(store.read("ResearchStudy", "NCT03798535")).isPresent();
    }
  }

  @Test
  void openingAFolderWithoutAnIndexSaysHowToMakeOne() {
    assertThatThrownBy(() -> LuceneTrialStore.open(temp.resolve("nothing")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("trialfhir import");
  }

  @Test
  void recordCountsAreEstimatedFromFoldersAndZips() throws Exception {
    Path folder = records("a", 0, 3);
    assertThat(Importer.estimateRecords(List.of(folder)).getAsLong()).isEqualTo(3);
    Path zip = temp.resolve("a.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name : List.of("x.json", "y.json")) {
        out.putNextEntry(new java.util.zip.ZipEntry(name));
        out.write("{}".getBytes());
        out.closeEntry();
      }
    }
    assertThat(Importer.estimateRecords(List.of(folder, zip)).getAsLong()).isEqualTo(5);
    Path ndjson = Files.writeString(temp.resolve("x.ndjson"), "{}\n{}\n");
    assertThat(Importer.estimateRecords(List.of(ndjson))).isEmpty();
  }
}
