package org.trialfhir.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trialfhir bench corpus}: writes a deterministic scale corpus as a ZIP download. */
@Command(
    name = "corpus",
    mixinStandardHelpOptions = true,
    description =
        "Writes N API v2 study records derived deterministically from real ones (new NCT ids;"
            + " conditions, sites, phases, status and dates resampled; geo points jittered) as a"
            + " ZIP of per-study files, like the registry's download.")
public final class BenchCorpusCommand implements Callable<Integer> {
  @Option(names = "--studies", required = true, description = "How many studies.")
  int studies;

  @Option(names = "--out", required = true, description = "The ZIP file to write.")
  Path out;

  @Option(
      names = "--templates",
      defaultValue = "../shared/data/ctgov/v2",
      description = "Folder of real API v2 records to derive from (default ${DEFAULT-VALUE}).")
  Path templates;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    CorpusGenerator generator = new CorpusGenerator(CorpusGenerator.loadTemplates(templates), seed);
    Path temp = out.resolveSibling(out.getFileName() + ".partial");
    try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
      generator.writeZip(studies, stream);
    }
    Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    spec.commandLine()
        .getOut()
        .printf("wrote %,d studies to %s (%,d MB)%n", studies, out, Files.size(out) >> 20);
    return 0;
  }
}
