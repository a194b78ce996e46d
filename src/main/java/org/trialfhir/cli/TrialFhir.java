package org.trialfhir.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code trialfhir} command; each task is a subcommand. */
@Command(
    name = "trialfhir",
    mixinStandardHelpOptions = true,
    description = "ClinicalTrials.gov records as FHIR R4 resources.",
    subcommands = {ValidateCommand.class})
public class TrialFhir implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrialFhir()).execute(args));
  }
}
