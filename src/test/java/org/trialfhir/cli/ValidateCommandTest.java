package org.trialfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.conformance.SharedValidator;
import picocli.CommandLine;

/** {@code trialfhir validate} on files in a temporary folder, with the shared validator. */
class ValidateCommandTest {
  private static final String GOOD =
      """
      {"resourceType": "Organization", "id": "o1",
       "meta": {"profile": ["http://trialfhir.org/fhir/StructureDefinition/trialfhir-organization"]},
       "name": "Example Pharma"}
      """;
  private static final String BAD_STATUS =
      """
      {"resourceType": "ResearchStudy", "id": "NCT01234567", "status": "bogus"}
      """;

  @TempDir Path dir;

  @Test
  void aFolderWithAGoodAndABadResource() throws IOException {
    write("good.json", GOOD);
    write("sub/bad.json", BAD_STATUS);
    write("notes.txt", "not looked at");

    Run run = run(dir.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.lastLine()).matches("validated 2 resources: [1-9]\\d* errors, \\d+ warnings");
    assertThat(run.out)
        .contains(dir.resolve("sub/bad.json") + " error ResearchStudy.status: ")
        .doesNotContain("good.json error");
    assertThat(run.err).isEmpty();
  }

  @Test
  void aValidFileExitsZero() throws IOException {
    Run run = run(write("good.json", GOOD).toString());

    assertThat(run.exitCode).isZero();
    assertThat(run.lastLine()).matches("validated 1 resources: 0 errors, \\d+ warnings");
  }

  @Test
  void bundleEntriesAreCountedAndNamedByIndex() throws IOException {
    String bundle =
        """
        {"resourceType": "Bundle", "type": "collection", "entry": [
          {"fullUrl": "https://trialfhir.org/fhir/Organization/o1", "resource": %s},
          {"fullUrl": "https://trialfhir.org/fhir/ResearchStudy/NCT01234567", "resource": %s}]}
        """
            .formatted(GOOD, BAD_STATUS);
    Path file = write("bundle.json", bundle);

    Run run = run(file.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.out).contains(file + "#1 error ResearchStudy.status: ");
    assertThat(run.lastLine()).startsWith("validated 2 resources: ");
  }

  @Test
  void ndjsonLinesAreNamedByLineNumber() throws IOException {
    Path file =
        write(
            "graph.ndjson",
            GOOD.replace("\n", " ") + "\n\n" + BAD_STATUS.replace("\n", " ") + "\n");

    Run run = run(file.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.out).contains(file + ":3 error ResearchStudy.status: ");
    assertThat(run.lastLine()).startsWith("validated 2 resources: ");
  }

  @Test
  void unreadableInputIsNamedWithoutAStackTraceAndExitsTwo() throws IOException {
    Path broken = write("broken.json", "{\"resourceType\": ");
    Path notFhir = write("record.json", "{\"protocolSection\": {}}");
    Path missing = dir.resolve("missing.json");

    Run run = run(broken.toString(), notFhir.toString(), missing.toString());

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err)
        .contains(broken + ": unreadable: not JSON")
        .contains(notFhir + ": unreadable: not a FHIR resource")
        .contains(missing + ": unreadable: no such file or folder")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(run.out.strip()).isEqualTo("validated 0 resources: 0 errors, 0 warnings");
  }

  @Test
  void isASubcommandOfTrialfhir() {
    CommandLine trialfhir = new CommandLine(new TrialFhir());
    assertThat(trialfhir.getSubcommands()).containsKey("validate");

    StringWriter out = new StringWriter();
    trialfhir.setOut(new PrintWriter(out));
    assertThat(trialfhir.execute("validate", "--help")).isZero();
    assertThat(out.toString()).contains("Usage: trialfhir validate");
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ValidateCommand(SharedValidator::get));
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int exitCode = command.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private record Run(int exitCode, String out, String err) {
    String lastLine() {
      List<String> lines = out.lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }
}
