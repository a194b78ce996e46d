package org.trialfhir.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.trialfhir.ctgov.RecordProblem;
import org.trialfhir.ctgov.Study;
import org.trialfhir.ctgov.StudyHandler;
import org.trialfhir.ctgov.StudyReader;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.mapping.TrialGraph;

/**
 * Imports ClinicalTrials.gov records into a new index generation: reads every input form {@link
 * StudyReader} accepts on the calling thread, maps and indexes on worker threads (one per core, fed
 * through a bounded queue, so memory stays bounded whatever the input size), commits once, and
 * switches the generation in. Bad records are reported to the {@link Listener} exactly as {@code
 * convert} reports them, counted, and skipped; the import still completes. Anything that stops the
 * import itself (an I/O error of the index, an interrupt) leaves the previous generation serving.
 */
public final class Importer {
  /** Receives what happens during an import; called from several threads, one call at a time. */
  public interface Listener {
    /** A record was imported (count: how many so far). */
    default void imported(long count) {}

    /** A problem with a record: every ERROR skips the record, WARNINGs keep it. */
    default void problem(RecordProblem problem) {}
  }

  /**
   * What an import did.
   *
   * @param read records read (imported + failed)
   * @param imported studies written (a study read twice counts twice, and is stored once)
   * @param failed records skipped (a record with several errors counts once)
   * @param warnings warnings reported
   * @param studies distinct studies in the new generation
   * @param resources resources in the new generation
   * @param generation the new generation's name
   * @param time how long the import took
   */
  public record Summary(
      long read,
      long imported,
      long failed,
      long warnings,
      long studies,
      long resources,
      String generation,
      Duration time) {}

  private static final Study POISON = null;

  private final int threads;
  private boolean mergeSegments;
  private final Listener listener;

  /** An importer using every core, reporting nothing. */
  public Importer() {
    this(Runtime.getRuntime().availableProcessors(), new Listener() {});
  }

  public Importer(int threads, Listener listener) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.threads = threads;
    this.listener = listener;
  }

  private record Work(long sequence, String source, Study study) {}

  /**
   * Whether the import ends by merging the index into fewer, larger segments ({@link
   * TrialIndexWriter#mergingSegments}): about two more minutes at 570,000 studies on 2 cores, for
   * searches that then cost less.
   */
  public Importer mergingSegments(boolean merge) {
    this.mergeSegments = merge;
    return this;
  }

  /**
   * Imports the inputs into a new generation of the index folder and switches it in.
   *
   * @throws IOException when the index cannot be written (the previous generation keeps serving)
   * @throws InterruptedException when interrupted (idem)
   */
  public Summary importInto(Path indexDir, List<Path> inputs)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    AtomicLong imported = new AtomicLong();
    AtomicLong warnings = new AtomicLong();
    Set<String> failedSources = Collections.synchronizedSet(new HashSet<>());
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    BlockingQueue<Work> queue = new ArrayBlockingQueue<>(threads * 32);
    Work poison = new Work(-1, null, POISON);

    try (TrialIndexWriter writer =
        TrialIndexWriter.create(indexDir).mergingSegments(mergeSegments)) {
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Thread worker =
            new Thread(
                () -> work(queue, poison, writer, imported, failedSources, fatal),
                "trialfhir-import-" + i);
        worker.setDaemon(true);
        worker.start();
        workers.add(worker);
      }
      AtomicLong sequence = new AtomicLong();
      try {
        new StudyReader()
            .read(
                inputs,
                new StudyHandler() {
                  @Override
                  public void study(String source, Study study, List<RecordProblem> problems) {
                    problems.forEach(Importer.this::report);
                    warnings.addAndGet(problems.size());
                    put(queue, new Work(sequence.getAndIncrement(), source, study), fatal);
                  }

                  @Override
                  public void problem(RecordProblem error) {
                    failedSources.add(error.source());
                    report(error);
                  }
                });
      } catch (Stop stop) {
        // A worker failed or we were interrupted: fall through to stop the workers.
      } finally {
        // Stop the workers and wait for them, whatever happened; an interrupt on the way counts as
        // a failure of the import (reported once they are done).
        boolean interrupted = false;
        for (int i = 0; i < workers.size(); i++) {
          while (true) {
            try {
              if (queue.offer(poison, 50, TimeUnit.MILLISECONDS)
                  || workers.stream().noneMatch(Thread::isAlive)) {
                break;
              }
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
        }
        for (Thread worker : workers) {
          while (worker.isAlive()) {
            try {
              worker.join();
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
        }
        if (interrupted) {
          fatal.compareAndSet(null, new InterruptedException("import interrupted"));
        }
      }
      Throwable failure = fatal.get();
      if (failure != null) {
        writer.abort();
        if (failure instanceof IOException io) {
          throw io;
        }
        if (failure instanceof InterruptedException interrupted) {
          throw interrupted;
        }
        if (failure instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IOException(failure);
      }
      if (Thread.interrupted()) {
        writer.abort();
        throw new InterruptedException("import interrupted");
      }
      long studies = writer.studies();
      long resources = writer.resources();
      String generation = writer.commit();
      return new Summary(
          imported.get() + failedSources.size(),
          imported.get(),
          failedSources.size(),
          warnings.get(),
          studies,
          resources,
          generation,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** Thrown through the reader to stop it when the import cannot go on. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  private static void put(BlockingQueue<Work> queue, Work work, AtomicReference<Throwable> fatal) {
    try {
      while (!queue.offer(work, 100, TimeUnit.MILLISECONDS)) {
        if (fatal.get() != null) {
          throw new Stop();
        }
      }
      if (fatal.get() != null) {
        throw new Stop();
      }
    } catch (InterruptedException e) {
      fatal.compareAndSet(null, e);
      throw new Stop();
    }
  }

  private void work(
      BlockingQueue<Work> queue,
      Work poison,
      TrialIndexWriter writer,
      AtomicLong imported,
      Set<String> failedSources,
      AtomicReference<Throwable> fatal) {
    while (true) {
      Work work;
      try {
        work = queue.take();
      } catch (InterruptedException e) {
        fatal.compareAndSet(null, e);
        return;
      }
      if (work == poison) {
        return;
      }
      if (fatal.get() != null) {
        continue;
      }
      TrialGraph graph;
      try {
        graph = StudyMapper.map(work.study());
      } catch (RuntimeException e) {
        failedSources.add(work.source());
        report(
            RecordProblem.error(
                work.source(), work.study().nctId(), null, "could not be mapped: " + e));
        continue;
      }
      try {
        writer.add(graph, work.sequence());
        long n = imported.incrementAndGet();
        synchronized (listener) {
          listener.imported(n);
        }
      } catch (IOException | RuntimeException | Error e) {
        fatal.compareAndSet(null, e);
      }
    }
  }

  private void report(RecordProblem problem) {
    synchronized (listener) {
      listener.problem(problem);
    }
  }

  /** Indexes already mapped graphs into a new generation of the folder (tests, tools), in order. */
  public static Summary importGraphs(Path indexDir, List<TrialGraph> graphs) throws IOException {
    long start = System.nanoTime();
    try (TrialIndexWriter writer = TrialIndexWriter.create(indexDir)) {
      long sequence = 0;
      for (TrialGraph graph : graphs) {
        writer.add(graph, sequence++);
      }
      long studies = writer.studies();
      long resources = writer.resources();
      String generation = writer.commit();
      return new Summary(
          graphs.size(),
          graphs.size(),
          0,
          0,
          studies,
          resources,
          generation,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * Indexes the example studies the jar carries ({@code examples/<NCT id>/ctgov.json}) into a new
   * generation of the folder: what {@code serve} serves when given no index.
   */
  public static Summary importBundledExamples(Path indexDir)
      throws IOException, InterruptedException {
    Path copies = Files.createTempDirectory("trialfhir-examples");
    try {
      for (Map.Entry<String, byte[]> example : BundledExamples.read().entrySet()) {
        Files.write(copies.resolve(example.getKey() + ".json"), example.getValue());
      }
      return new Importer().importInto(indexDir, List.of(copies));
    } finally {
      IndexDirectory.deleteTree(copies);
    }
  }

  /**
   * How many records the inputs hold, when that can be known without reading them: files in folders
   * and entries of ZIP archives; empty when an input is a single file that may hold many (an array,
   * a page or NDJSON).
   */
  public static OptionalLong estimateRecords(List<Path> inputs) {
    long total = 0;
    for (Path input : inputs) {
      try {
        if (Files.isDirectory(input)) {
          try (Stream<Path> files = Files.walk(input)) {
            total += files.filter(Files::isRegularFile).count();
          }
        } else if (input.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
          try (ZipFile zip = new ZipFile(input.toFile())) {
            total += zip.stream().filter(e -> !e.isDirectory()).count();
          }
        } else {
          return OptionalLong.empty();
        }
      } catch (IOException | UncheckedIOException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(total);
  }

  /** The example records on the classpath. */
  static final class BundledExamples {
    private BundledExamples() {}

    /** NCT id to the bytes of its {@code ctgov.json}, sorted by id. */
    static Map<String, byte[]> read() throws IOException {
      URL url = Importer.class.getClassLoader().getResource("examples");
      if (url == null) {
        throw new IOException("the examples are not on the classpath");
      }
      Map<String, byte[]> examples = new java.util.TreeMap<>();
      try {
        URI uri = url.toURI();
        if (uri.getScheme().equals("jar")) {
          try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
            collect(jar.getPath("examples"), examples);
          }
        } else {
          collect(Path.of(uri), examples);
        }
      } catch (URISyntaxException e) {
        throw new IOException(e);
      }
      return examples;
    }

    private static void collect(Path folder, Map<String, byte[]> examples) throws IOException {
      try (Stream<Path> children = Files.list(folder)) {
        for (Path child : children.toList()) {
          Path record = child.resolve("ctgov.json");
          if (Files.isRegularFile(record)) {
            try (InputStream in = Files.newInputStream(record)) {
              examples.put(child.getFileName().toString().replace("/", ""), in.readAllBytes());
            }
          }
        }
      }
    }
  }
}
