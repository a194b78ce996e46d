package org.trialfhir.bench;

import picocli.CommandLine.Command;

/** {@code trialfhir bench}: the benchmarks behind the README's Performance section. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (results are recorded in the README's Performance section).",
    subcommands = {
      BenchConvertCommand.class,
      BenchCorpusCommand.class,
      BenchSearchCommand.class,
      BenchMatchCommand.class
    })
public final class BenchCommand {}
