package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.trialfhir.testing.SharedData;

/**
 * Golden test: every {@code examples/<NCT id>/ctgov.json} maps to exactly its {@code bundle.json}.
 * Run with {@code -Dtrialfhir.update=true} to rewrite the bundles, then review the diff.
 */
class ExamplesTest {
  private static final boolean UPDATE = Boolean.getBoolean("trialfhir.update");

  static List<Path> exampleFolders() throws IOException {
    try (Stream<Path> folders = Files.list(SharedData.repository().resolve("examples"))) {
      return folders.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** The bundle of an example as the mapper writes it (pretty JSON, trailing newline). */
  static String render(Path ctgovJson) {
    var bundle = StudyMapper.map(SharedData.study(ctgovJson)).toBundle();
    return FhirContext.forR4Cached()
            .newJsonParser()
            .setPrettyPrint(true)
            .encodeResourceToString(bundle)
        + "\n";
  }

  @TestFactory
  Stream<DynamicTest> eachExampleMapsToItsBundle() throws IOException {
    return exampleFolders().stream()
        .map(
            folder ->
                DynamicTest.dynamicTest(
                    folder.getFileName().toString(),
                    () -> {
                      Path input = folder.resolve("ctgov.json");
                      Path expected = folder.resolve("bundle.json");
                      String actual = render(input);
                      if (UPDATE) {
                        Files.writeString(expected, actual, StandardCharsets.UTF_8);
                      }
                      assertThat(expected).as("bundle.json of " + folder).exists();
                      assertThat(actual)
                          .isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
                    }));
  }

  /** Every example folder is a pair (input and expected output) named by its NCT id: no orphans. */
  @Test
  void noOrphans() throws IOException {
    List<Path> folders = exampleFolders();
    assertThat(folders).hasSizeGreaterThanOrEqualTo(6);
    for (Path folder : folders) {
      try (Stream<Path> files = Files.list(folder)) {
        assertThat(files.map(f -> f.getFileName().toString()).sorted())
            .as(folder.toString())
            .containsExactly("bundle.json", "ctgov.json");
      }
      assertThat(folder.getFileName().toString()).matches("NCT\\d{8}");
      assertThat(SharedData.study(folder.resolve("ctgov.json")).nctId())
          .isEqualTo(folder.getFileName().toString());
    }
  }

  @Test
  void mappingIsDeterministic() throws IOException {
    for (Path folder : exampleFolders()) {
      Path input = folder.resolve("ctgov.json");
      assertThat(render(input)).isEqualTo(render(input));
    }
  }
}
