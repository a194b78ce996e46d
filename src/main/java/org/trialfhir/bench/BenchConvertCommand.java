package org.trialfhir.bench;

import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.ctgov.RecordProblem;
import org.trialfhir.ctgov.Study;
import org.trialfhir.ctgov.StudyHandler;
import org.trialfhir.ctgov.StudyReader;
import org.trialfhir.json.FhirJsonEncoder;
import org.trialfhir.mapping.Fhir;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.mapping.TrialGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trialfhir bench convert}: studies per second to read, map and encode to JSON, on one
 * thread, against a read-only baseline measured in the same run.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Measures read + map + encode throughput on one thread over a generated ZIP of real-derived"
          + " studies, with the read-only (parse + check) throughput as the baseline.",
      "Reports medians over the rounds, CPU time per study and the peak heap."
    })
public final class BenchConvertCommand implements Callable<Integer> {
  @Option(
      names = "--studies",
      defaultValue = "50000",
      description = "Studies per round (default ${DEFAULT-VALUE}).")
  int studies;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      description = "Measured rounds after one warm-up (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--templates",
      defaultValue = "../shared/data/ctgov/v2",
      description =
          "Folder of real API v2 records the corpus is derived from (default ${DEFAULT-VALUE}).")
  Path templates;

  @Option(
      names = "--encoder",
      defaultValue = "trialfhir",
      paramLabel = "trialfhir|hapi",
      description =
          "JSON encoder of the encode stage: trialfhir (FhirJsonEncoder, what convert uses) or hapi"
              + " (HAPI's JsonParser, the reference); default ${DEFAULT-VALUE}.")
  String encoder;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    boolean hapi =
        switch (encoder) {
          case "trialfhir" -> false;
          case "hapi" -> true;
          default ->
              throw new ParameterException(
                  spec.commandLine(), "--encoder must be trialfhir or hapi, not " + encoder);
        };
    Path zip = Files.createTempFile("trialfhir-bench-", ".zip");
    try {
      CorpusGenerator generator =
          new CorpusGenerator(CorpusGenerator.loadTemplates(templates), seed);
      try (OutputStream stream = Files.newOutputStream(zip)) {
        generator.writeZip(studies, stream);
      }
      out.printf(
          "bench convert: %,d studies (%,d MB zip) from %s, %d rounds, %s encoder, %s, %d cores, max heap %,d MB, %s%n",
          studies,
          Files.size(zip) >> 20,
          templates,
          rounds,
          encoder,
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20,
          LocalDate.now());
      FhirJsonEncoder fast = new FhirJsonEncoder(Fhir.context());
      IParser parser = Fhir.context().newJsonParser();
      Writer chars = Writer.nullWriter();
      OutputStream bytes = OutputStream.nullOutputStream();
      ResourceSink sink =
          hapi
              ? resource -> parser.encodeResourceToWriter(resource, chars)
              : resource -> fast.encode(resource, bytes);
      for (Stage stage : Stage.values()) {
        run(zip, stage, sink); // warm-up
      }
      List<Measurement> baseline = new ArrayList<>();
      List<Measurement> mapped = new ArrayList<>();
      List<Measurement> full = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        baseline.add(Measurement.of(() -> run(zip, Stage.READ, sink)));
        mapped.add(Measurement.of(() -> run(zip, Stage.MAP, sink)));
        full.add(Measurement.of(() -> run(zip, Stage.ENCODE, sink)));
      }
      report(out, "read + check (baseline)", baseline);
      report(out, "read + check + map", mapped);
      report(out, "read + check + map + encode JSON", full);
      double ratio =
          Measurement.median(rates(baseline, false)) / Measurement.median(rates(full, false));
      out.printf("full pipeline costs %.2fx the baseline (median wall rates)%n", ratio);
      if (!hapi) {
        out.printf("resources encoded by HAPI's parser instead: %,d%n", fast.fallbackCount());
      }
      out.flush();
      return 0;
    } finally {
      Files.deleteIfExists(zip);
    }
  }

  private List<Double> rates(List<Measurement> measurements, boolean cpu) {
    return measurements.stream()
        .map(m -> studies / ((cpu ? m.cpuNanos() : m.wallNanos()) / 1e9))
        .toList();
  }

  private void report(PrintWriter out, String label, List<Measurement> measurements) {
    double wall = Measurement.median(rates(measurements, false));
    double cpu = Measurement.median(rates(measurements, true));
    long peak = measurements.stream().mapToLong(Measurement::peakHeapBytes).max().orElse(0);
    out.printf(
        "%-34s median %,8.0f studies/s wall, %,8.0f studies/s CPU (%.0f µs CPU/study), peak heap %,d MB%n",
        label, wall, cpu, 1e6 / cpu, peak >> 20);
  }

  /** Encodes one resource and throws the JSON away. */
  @FunctionalInterface
  private interface ResourceSink {
    void encode(Resource resource) throws IOException;
  }

  /** How far each study goes through the pipeline. */
  private enum Stage {
    READ,
    MAP,
    ENCODE
  }

  /** Reads every study of the ZIP and takes it through the pipeline up to the stage. */
  private void run(Path zip, Stage stage, ResourceSink sink) {
    int[] count = {0};
    new StudyReader()
        .read(
            List.of(zip),
            new StudyHandler() {
              @Override
              public void study(String source, Study study, List<RecordProblem> warnings) {
                count[0]++;
                if (stage == Stage.READ) {
                  return;
                }
                TrialGraph graph = StudyMapper.map(study);
                if (stage == Stage.MAP) {
                  return;
                }
                try {
                  for (Resource resource : graph.resources()) {
                    sink.encode(resource);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }

              @Override
              public void problem(RecordProblem error) {
                throw new IllegalStateException("the generated corpus has a bad record: " + error);
              }
            });
    if (count[0] != studies) {
      throw new IllegalStateException("read " + count[0] + " of " + studies + " studies");
    }
  }
}
