package org.trialfhir.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.search.Modifier;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchParameters;

/** The SearchParameter resources of our own search parameters, generated from the registry. */
class SearchParameterResourcesTest {

  @Test
  void everyCustomParameterIsPublishedFromTheRegistry() {
    List<SearchParam> custom = SearchParameters.custom();
    assertThat(custom)
        .extracting(SearchParam::code)
        .containsExactlyInAnyOrder(
            "condition",
            "phase",
            "study-type",
            "ctgov-status",
            "intervention",
            "eligible-age",
            "eligible-sex",
            "healthy-volunteers",
            "near",
            "site-status");
    for (SearchParam param : custom) {
      SearchParameter sp = ConformanceResources.searchParameter(param);
      assertThat(sp.getUrl()).isEqualTo(Canonical.searchParameter(param.code()));
      assertThat(ConformanceResources.fileName(sp))
          .isEqualTo("SearchParameter-" + param.code() + ".json");
      assertThat(sp.getCode()).isEqualTo(param.code());
      assertThat(sp.getBase()).extracting(b -> b.getValue()).containsExactly(param.base());
      assertThat(sp.getExpression()).isEqualTo(param.expression());
      assertThat(sp.getType().toCode()).isEqualTo(param.type().code());
      assertThat(sp.getModifier())
          .extracting(m -> m.getValue().toCode())
          .containsExactlyInAnyOrderElementsOf(
              param.modifiers().stream().map(Modifier::code).toList());
      assertThat(sp.getDescription()).isEqualTo(param.description());
    }
  }

  @Test
  void nearIsPublishedLikeR4LocationNear() {
    SearchParameter near =
        ConformanceResources.searchParameter(
            SearchParameters.find("ResearchStudy", "near").orElseThrow());
    assertThat(near.getType()).isEqualTo(SearchParamType.SPECIAL);
    assertThat(near.getXpathUsage()).isEqualTo(SearchParameter.XPathUsageType.NEARBY);
    SearchParameter age =
        ConformanceResources.searchParameter(
            SearchParameters.find("ResearchStudy", "eligible-age").orElseThrow());
    assertThat(age.getComparator()).hasSize(9);
  }

  @Test
  void everyPublishedSearchParameterValidatesAgainstR4CoreWithoutErrors() {
    TrialValidator validator = SharedValidator.get();
    for (SearchParam param : SearchParameters.custom()) {
      SearchParameter sp = ConformanceResources.searchParameter(param);
      List<ValidationIssue> errors =
          validator.validate(sp).stream().filter(ValidationIssue::isError).toList();
      assertThat(errors).as("SearchParameter-%s", param.code()).isEmpty();
    }
  }
}
