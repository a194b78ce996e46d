package org.trialfhir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mix-file format, the bundled default mix and template expansion. */
class QueryMixTest {

  @Test
  void theDefaultMixHasTheIssuesQueryTypes() {
    QueryMix mix = QueryMix.defaultMix();
    assertThat(mix.types())
        .extracting(QueryMix.QueryType::name)
        .containsExactly(
            "read",
            "condition",
            "condition-text",
            "phase-status",
            "near",
            "include-site",
            "count",
            "paging");
    assertThat(mix.totalWeight()).isEqualTo(100);
    assertThat(mix.placeholders()).isSubsetOf(ValuePools.PLACEHOLDERS);
    for (QueryMix.QueryType type : mix.types()) {
      if (type.isRead()) {
        assertThat(type.template()).isEqualTo("ResearchStudy/{id}");
      } else if (!type.template().contains("_summary=count")) {
        assertThat(type.template()).as(type.name()).endsWith("&_count=20");
      }
    }
    assertThat(mix.types().get(7).pages()).isEqualTo(3);
    assertThat(mix.types().get(4).template())
        .contains("near={lat}|{lng}|50|km", "site-status=RECRUITING", "_sort=near");
    assertThat(mix.types().get(5).template()).contains("_include=ResearchStudy:site");
  }

  @Test
  void everyLineOfTheDefaultMixFileParsesOnItsOwn() {
    List<String> lines =
        new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    QueryMix.class.getResourceAsStream(QueryMix.DEFAULT_RESOURCE),
                    java.nio.charset.StandardCharsets.UTF_8))
            .lines()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .toList();
    assertThat(lines).hasSize(8);
    for (String line : lines) {
      assertThat(QueryMix.parse("line", List.of(line)).types()).hasSize(1);
    }
  }

  @Test
  void commentsAndBlankLinesAreSkipped() {
    QueryMix mix =
        QueryMix.parse(
            "mix",
            List.of(
                "# a comment",
                "",
                "a 1 ResearchStudy?status=active   # trailing",
                "\tb\t2\tLocation/{id}"));
    assertThat(mix.types()).extracting(QueryMix.QueryType::name).containsExactly("a", "b");
    assertThat(mix.types().get(1).isRead()).isTrue();
    assertThat(mix.types().get(1).resourceType()).isEqualTo("Location");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "read ResearchStudy/{id}; expected <name> <weight> <template>",
        "read x ResearchStudy/{id}; the weight 'x' is not an integer",
        "read 0 ResearchStudy/{id}; the weight must be positive",
        "read 1 ResearchStudy?condition={disease}; unknown placeholder {disease}",
        "read 1 http://example.org/fhir/ResearchStudy; relative to the FHIR base",
        "read 1 /ResearchStudy; relative to the FHIR base",
        "read 1 ResearchStudy/{id} pages=3; pages=<n> needs a search",
        "read 1 ResearchStudy?status=active pages=0; pages must be between 1 and 100",
        "read 1 ResearchStudy?status=active sort=x; unknown option 'sort=x'",
        "read 1 ResearchStudy?status; 'status' is not a parameter",
        "read 1 ResearchStudy?condition={id; unbalanced",
        "read! 1 ResearchStudy; the name 'read!'",
        "read 1 researchStudy?status=active; must start with a resource type",
      })
  void aBadLineIsAnErrorNamingTheLine(String line, String message) {
    assertThatThrownBy(() -> QueryMix.parse("my-mix.txt", List.of("# first", line)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("my-mix.txt line 2: ")
        .hasMessageContaining(message)
        .hasMessageEndingWith(line);
  }

  @Test
  void aNameDefinedTwiceIsAnError() {
    assertThatThrownBy(
            () ->
                QueryMix.parse(
                    "m", List.of("a 1 ResearchStudy?status=active", "a 1 ResearchStudy/{id}")))
        .hasMessageStartingWith("m line 2: query type 'a' is defined twice");
  }

  @Test
  void anEmptyMixIsAnError() {
    assertThatThrownBy(() -> QueryMix.parse("m", List.of("# nothing")))
        .hasMessage("m: no query types");
  }

  @Test
  void expansionEncodesEveryValue() {
    QueryMix mix = QueryMix.defaultMix();
    assertThat(mix.types().get(4).expand(Map.of("lat", "40.7128", "lng", "-74.006")))
        .isEqualTo(
            "ResearchStudy?near=40.7128%7C-74.006%7C50%7Ckm&site-status=RECRUITING&_sort=near&_count=20");
    assertThat(
            mix.types().get(2).expand(Map.of("condition-text", "Carcinoma\\, Non-Small-Cell Lung")))
        .isEqualTo(
            "ResearchStudy?condition:text=Carcinoma%5C%2C%20Non-Small-Cell%20Lung&_count=20");
    assertThat(mix.types().get(0).expand(Map.of("id", "NCT05939167")))
        .isEqualTo("ResearchStudy/NCT05939167");
  }

  @Test
  void poolsEscapeDataAndDrawPositionsWhole() {
    assertThat(ValuePools.escape("a,b|c$d\\e")).isEqualTo("a\\,b\\|c\\$d\\\\e");
    ValuePools pools =
        new ValuePools(
            Map.of("id", List.of("b", "a", "a")),
            List.of(new String[] {"1", "2"}, new String[] {"3", "4"}));
    assertThat(pools.sizes())
        .containsEntry("id", 2)
        .containsEntry("lat", 2)
        .containsEntry("phase", 0);
    assertThat(pools.missing(java.util.Set.of("id", "phase", "lat"))).containsExactly("phase");
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      Map<String, String> drawn = pools.draw(java.util.Set.of("lng", "id"), random);
      assertThat(drawn.get("lat") + "," + drawn.get("lng")).isIn("1,2", "3,4");
      assertThat(drawn.get("id")).isIn("a", "b");
    }
  }
}
