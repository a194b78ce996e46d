package org.trialfhir.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialfhir convert}: ClinicalTrials.gov records → one FHIR collection Bundle per study. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Maps ClinicalTrials.gov API v2 records to FHIR R4: one collection Bundle per study,"
          + " holding every resource of that study.",
      "Inputs may be study files, folders, ZIP downloads, JSON arrays, paged API responses or NDJSON.",
      "Exits 1 if any record failed (each failure is named, and the other records still convert)."
    })
public final class ConvertCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "<input>", description = "Files or folders to read.")
  List<Path> inputs;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "<dir>",
      description = "Folder for <NCT id>.json Bundles, or - for NDJSON of resources on stdout.")
  String out;

  @Option(
      names = "--pretty",
      description = "Pretty-print the JSON (default for files: true).",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true")
  boolean pretty;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    boolean toStdout = out.equals("-");
    Path folder = toStdout ? null : Path.of(out);
    if (folder != null) {
      Files.createDirectories(folder);
    }
    // Byte for byte what HAPI's JSON parser writes, compact or pretty, at a fraction of the cost.
    FhirJsonEncoder encoder =
        new FhirJsonEncoder(Fhir.context()).withPrettyPrint(pretty && !toStdout);
    Writer stdout = toStdout ? spec.commandLine().getOut() : null;
    Counts counts = new Counts();
    Set<String> written = new HashSet<>();
    Set<String> failedSources = new HashSet<>();

    new StudyReader()
        .read(
            inputs,
            new StudyHandler() {
              @Override
              public void study(String source, Study study, List<RecordProblem> warnings) {
                counts.read++;
                warnings.forEach(w -> err.println(w));
                counts.warnings += warnings.size();
                TrialGraph graph;
                try {
                  graph = StudyMapper.map(study);
                } catch (RuntimeException e) {
                  fail(
                      RecordProblem.error(
                          source, study.nctId(), null, "could not be mapped: " + e));
                  return;
                }
                try {
                  if (toStdout) {
                    for (Resource resource : graph.resources()) {
                      encoder.encode(resource, stdout);
                      stdout.write('\n');
                    }
                  } else {
                    if (!written.add(study.nctId())) {
                      RecordProblem duplicate =
                          RecordProblem.warning(
                              source,
                              study.nctId(),
                              null,
                              "the same NCT id was read before; this record replaces it");
                      err.println(duplicate);
                      counts.warnings++;
                    }
                    writeAtomically(
                        folder.resolve(study.nctId() + ".json"),
                        encoder.encodeUtf8(graph.toBundle()));
                  }
                  counts.converted++;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }

              @Override
              public void problem(RecordProblem error) {
                // A record with several errors is reported once per error but counts once.
                if (!failedSources.contains(error.source())) {
                  counts.read++;
                }
                fail(error);
              }

              private void fail(RecordProblem error) {
                failedSources.add(error.source());
                err.println(error);
              }
            });
    if (stdout != null) {
      stdout.flush();
    }
    err.printf(
        "read %,d records: converted %,d, failed %,d, warnings %,d%n",
        counts.read, counts.converted, failedSources.size(), counts.warnings);
    err.flush();
    return failedSources.isEmpty() ? 0 : 1;
  }

  /** Writes through a temporary file, so a reader never sees half a Bundle. */
  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(temp, content);
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static final class Counts {
    long read;
    long converted;
    long warnings;
  }
}
