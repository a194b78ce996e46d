package org.trialfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.testing.SharedData;
import picocli.CommandLine;

class ConvertCommandTest {
  @TempDir Path temp;

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TrialFhir.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void writesOneBundlePerStudyAndSkipsOnlyTheBadRecord() throws IOException {
    Path in = Files.createDirectories(temp.resolve("in"));
    Files.copy(
        SharedData.repository().resolve("examples/NCT05939167/ctgov.json"), in.resolve("a.json"));
    String bad =
        Files.readString(SharedData.repository().resolve("examples/NCT02087397/ctgov.json"))
            .replace("\"date\": \"2014-03\"", "\"date\": \"2023-13\"");
    Files.writeString(in.resolve("b.json"), bad, StandardCharsets.UTF_8);
    Files.writeString(in.resolve("c.txt"), "not json at all", StandardCharsets.UTF_8);

    Run run = run("convert", in.toString(), "--out", temp.resolve("out").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(temp.resolve("out/NCT05939167.json")).exists();
    assertThat(temp.resolve("out/NCT02087397.json")).doesNotExist();
    try (var files = Files.list(temp.resolve("out"))) {
      assertThat(files.count()).isEqualTo(1);
    }
    assertThat(run.err())
        .contains("b.json NCT02087397: protocolSection.statusModule.startDateStruct.date")
        .contains("c.txt")
        .contains("read 3 records: converted 1, failed 2, warnings 0");
    Bundle bundle =
        FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(Bundle.class, Files.readString(temp.resolve("out/NCT05939167.json")));
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
    assertThat(bundle.getEntryFirstRep().getResource()).isInstanceOf(ResearchStudy.class);
    assertThat(bundle.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .contains("Group", "PlanDefinition", "Location", "Organization", "Practitioner");
  }

  @Test
  void ndjsonToStdoutHasOneResourcePerLine() {
    Run run =
        run(
            "convert",
            SharedData.repository().resolve("examples/NCT02083731/ctgov.json").toString(),
            "--out",
            "-");
    assertThat(run.exitCode()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).startsWith("{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT02083731\"");
    assertThat(lines)
        .hasSize(13)
        .allSatisfy(line -> assertThat(line).startsWith("{\"resourceType\":"));
    assertThat(run.err()).contains("converted 1, failed 0");
  }

  @Test
  void everyExampleConverts() throws IOException {
    List<String> args = new ArrayList<>(List.of("convert", "--out", temp.toString()));
    try (var folders = Files.list(SharedData.repository().resolve("examples"))) {
      folders
          .filter(Files::isDirectory)
          .sorted()
          .forEach(f -> args.add(f.resolve("ctgov.json").toString()));
    }
    Run run = run(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("converted 7, failed 0");
  }
}
