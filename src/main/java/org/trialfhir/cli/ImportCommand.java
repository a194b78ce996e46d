package org.trialfhir.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.trialfhir.ctgov.RecordProblem;
import org.trialfhir.store.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialfhir import}: ClinicalTrials.gov records → a new generation of the search index. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Maps ClinicalTrials.gov API v2 records and writes them to a new generation of the search"
          + " index, switched in atomically when complete (a server on the folder picks it up).",
      "Inputs may be study files, folders, ZIP downloads, JSON arrays, paged API responses or NDJSON.",
      "Bad records are reported as convert reports them and skipped; exits 1 if any failed."
    })
public final class ImportCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "<input>", description = "Files or folders to read.")
  List<Path> inputs;

  @Option(
      names = "--index",
      required = true,
      paramLabel = "<dir>",
      description = "The index folder (created if needed).")
  Path index;

  @Option(
      names = "--threads",
      paramLabel = "<n>",
      description = "Mapping and indexing threads (default: one per core).")
  Integer threads;

  @Option(
      names = "--merge-segments",
      description =
          "After the import, merge the index into segments of about 2 GB (570,000 studies: 15"
              + " into 5, 2 minutes more on 2 cores, twice the index's disk space meanwhile):"
              + " near and _include searches then cost about a fifth less CPU.")
  boolean mergeSegments;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress bar (default: when the output is a terminal).")
  Boolean progress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    boolean bar = progress != null ? progress : System.console() != null;
    OptionalLong expected = Importer.estimateRecords(inputs);
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (workers < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--threads must be at least 1");
    }
    Progress listener = bar ? new BarProgress(expected, err) : new LogProgress(expected, err);
    Importer.Summary summary;
    try {
      summary =
          new Importer(workers, listener).mergingSegments(mergeSegments).importInto(index, inputs);
    } finally {
      listener.close();
    }
    err.printf(
        "imported %,d of %,d records into %s (generation %s): %,d failed, %,d warnings;"
            + " %,d studies, %,d resources in %.1f s (%,.0f records/s)%n",
        summary.imported(),
        summary.read(),
        index,
        summary.generation(),
        summary.failed(),
        summary.warnings(),
        summary.studies(),
        summary.resources(),
        summary.time().toMillis() / 1000.0,
        summary.read() / Math.max(0.001, summary.time().toMillis() / 1000.0));
    err.flush();
    return summary.failed() == 0 ? 0 : 1;
  }

  /** Shows progress and prints each problem as {@code convert} does. */
  private abstract static class Progress implements Importer.Listener, AutoCloseable {
    final PrintWriter err;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void problem(RecordProblem problem) {
      err.println(problem);
      err.flush();
    }

    @Override
    public abstract void close();
  }

  /** A terminal progress bar: records, rate and ETA (when the total is known). */
  private static final class BarProgress extends Progress {
    private final ProgressBar bar;

    BarProgress(OptionalLong expected, PrintWriter err) {
      super(err);
      bar =
          new ProgressBarBuilder()
              .setTaskName("import")
              .setInitialMax(expected.orElse(-1))
              .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .setUnit(" records", 1)
              .showSpeed(new DecimalFormat("#,##0"))
              .setSpeedUnit(ChronoUnit.SECONDS)
              .setUpdateIntervalMillis(250)
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .build();
    }

    @Override
    public void imported(long count) {
      bar.stepTo(count);
    }

    @Override
    public void problem(RecordProblem problem) {
      // Problems print above the bar.
      System.err.print("\r\033[K");
      super.problem(problem);
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  /** Not a terminal: a log line every 10 seconds. */
  private static final class LogProgress extends Progress {
    private final OptionalLong expected;
    private final long start = System.nanoTime();
    private long lastLine = System.nanoTime();

    LogProgress(OptionalLong expected, PrintWriter err) {
      super(err);
      this.expected = expected;
    }

    @Override
    public void imported(long count) {
      long now = System.nanoTime();
      if (now - lastLine < 10_000_000_000L) {
        return;
      }
      lastLine = now;
      double seconds = (now - start) / 1e9;
      double rate = count / Math.max(seconds, 0.001);
      String of = expected.isPresent() ? String.format(" of %,d", expected.getAsLong()) : "";
      String eta =
          expected.isPresent() && rate > 0
              ? String.format(", about %,.0f s left", (expected.getAsLong() - count) / rate)
              : "";
      err.printf("imported %,d%s records (%,.0f/s)%s%n", count, of, rate, eta);
      err.flush();
    }

    @Override
    public void close() {}
  }
}
