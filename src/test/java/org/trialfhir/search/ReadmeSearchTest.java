package org.trialfhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.trialfhir.testing.SharedData;

/** The README's "Search" section documents every parameter of the registry, and no other. */
class ReadmeSearchTest {

  private static String section() throws IOException {
    String readme = Files.readString(SharedData.repository().resolve("README.md"));
    int start = readme.indexOf("\n## Search\n");
    assertThat(start).as("README has a Search section").isPositive();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  @Test
  void everyResearchStudyParameterHasItsOwnRow() throws IOException {
    String section = section();
    for (SearchParam param : SearchParameters.forType("ResearchStudy")) {
      assertThat(section)
          .as("README row for ResearchStudy %s", param.code())
          .contains("\n| `" + param.code() + "` | " + param.type().code() + " |");
    }
  }

  @Test
  void everyOtherParameterIsNamedForItsType() throws IOException {
    String section = section();
    for (String type : SearchParameters.TYPES) {
      if (type.equals("ResearchStudy")) {
        continue;
      }
      for (SearchParam param : SearchParameters.forType(type)) {
        if (param.code().startsWith("_")) {
          continue;
        }
        boolean named =
            section
                .lines()
                .anyMatch(
                    line ->
                        line.startsWith("| " + type + " |")
                            && line.contains("`" + param.code() + "`"));
        assertThat(named).as("README names %s %s", type, param.code()).isTrue();
      }
    }
  }

  @Test
  void everyDocumentedResearchStudyRowIsARealParameter() throws IOException {
    section()
        .lines()
        .filter(line -> line.matches("\\| `[a-z_-]+` \\| [a-z]+ \\|.*"))
        .map(line -> line.substring(3, line.indexOf('`', 3)))
        .forEach(
            code ->
                assertThat(SearchParameters.find("ResearchStudy", code))
                    .as("README documents ResearchStudy %s", code)
                    .isPresent());
  }
}
