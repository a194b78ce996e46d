package org.trialfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trialfhir serve}'s options and start-up failures (the server itself: server ITs). */
class ServeCommandTest {
  @TempDir Path temp;

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    CommandLine command = TrialFhir.commandLine();
    StringWriter err = new StringWriter();
    command.setErr(new PrintWriter(err));
    command.setOut(new PrintWriter(new StringWriter()));
    int exit = command.execute(args);
    return new Run(exit, err.toString());
  }

  @Test
  void helpNamesTheDefaults() {
    StringWriter out = new StringWriter();
    CommandLine command = TrialFhir.commandLine();
    command.setOut(new PrintWriter(out));
    assertThat(command.execute("serve", "--help")).isZero();
    assertThat(out.toString())
        .contains("--index")
        .contains("default: 8080")
        .contains("127.0.0.1")
        .contains("--base-url");
  }

  @Test
  void refusesAPortOutOfRange() {
    Run run = run("serve", "--port", "70000");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--port");
  }

  @Test
  void refusesABaseUrlThatIsNotHttp() {
    Run run = run("serve", "--base-url", "ftp://example.org/fhir");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--base-url");
  }

  @Test
  void anEmptyIndexFolderIsAClearError() throws Exception {
    Path empty = Files.createDirectory(temp.resolve("empty"));
    Run run = run("serve", "--index", empty.toString(), "--port", "0");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("cannot serve")
        .contains("trialfhir import")
        .doesNotContain("Exception");
  }
}
