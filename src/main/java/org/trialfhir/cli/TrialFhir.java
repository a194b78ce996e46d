package org.trialfhir.cli;

import org.trialfhir.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code trialfhir} command; each task is a subcommand. */
@Command(
    name = "trialfhir",
    mixinStandardHelpOptions = true,
    versionProvider = TrialFhir.Version.class,
    description = "ClinicalTrials.gov records as FHIR R4 resources.",
    subcommands = {
      ConvertCommand.class,
      ImportCommand.class,
      ServeCommand.class,
      ValidateCommand.class,
      BenchCommand.class
    })
public class TrialFhir implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The command line as {@code main} runs it (tests use the same). */
  public static CommandLine commandLine() {
    return new CommandLine(new TrialFhir());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The version from the jar's manifest ("development" when run from classes). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TrialFhir.class.getPackage().getImplementationVersion();
      return new String[] {"trialfhir " + (version == null ? "development" : version)};
    }
  }
}
