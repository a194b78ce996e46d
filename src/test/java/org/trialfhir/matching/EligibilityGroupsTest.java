package org.trialfhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.junit.jupiter.api.Test;
import org.trialfhir.conformance.SharedValidator;
import org.trialfhir.conformance.ValidationIssue;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialGraph;
import org.trialfhir.testing.SharedData;

/** Derived criteria written back into the eligibility Group validate and read back the same. */
class EligibilityGroupsTest {
  private static final List<String> STUDIES =
      List.of("examples/NCT05939167", "examples/NCT02083731", "examples/NCT04402008");

  @Test
  void enrichedGroupsValidateWithZeroErrorsAndKeepTheirSentences() {
    for (String folder : STUDIES) {
      TrialGraph graph = graph(folder);
      EligibilityModel model = EligibilityModel.from(graph);
      Group enriched = EligibilityGroups.enrich(graph.eligibility(), model, Terminology.standard());

      List<GroupCharacteristicComponent> derived =
          enriched.getCharacteristic().stream().filter(EligibilityModel::isTextDerived).toList();
      assertThat(derived).hasSize(model.textDerived().size());
      for (int i = 0; i < derived.size(); i++) {
        String sentence =
            derived
                .get(i)
                .getExtensionByUrl(TrialExtension.CHARACTERISTIC_SOURCE.url())
                .getExtensionByUrl("sentence")
                .getValue()
                .primitiveValue();
        assertThat(sentence).isEqualTo(model.textDerived().get(i).sentence());
      }
      List<ValidationIssue> errors =
          SharedValidator.get().validate(enriched).stream()
              .filter(ValidationIssue::isError)
              .toList();
      assertThat(errors).as(folder).isEmpty();
      assertThat(EligibilityModel.from(enriched).criteria()).isEqualTo(model.criteria());
      assertThat(
              EligibilityGroups.enrich(enriched, model, Terminology.standard()).getCharacteristic())
          .hasSameSizeAs(enriched.getCharacteristic());
    }
  }

  @Test
  void nct05939167DerivesItsAgeCd4AndExclusions() {
    EligibilityModel model = EligibilityModel.from(graph("examples/NCT05939167"));
    assertThat(model.studyId()).isEqualTo("NCT05939167");
    assertThat(model.criteria())
        .extracting(Criterion::notation)
        .contains(
            "include healthy-volunteers false",
            "include age [18,65] a",
            "include condition hiv-infections",
            "include lab cd4 <350 {cells}/uL",
            "exclude condition hepatitis-b|hepatitis-c|hepatitis-d|hepatitis-e",
            "exclude condition hiv-2-infection",
            "exclude pregnancy",
            "exclude breastfeeding");
  }

  private static TrialGraph graph(String folder) {
    Path file = SharedData.repository().resolve(folder).resolve("ctgov.json");
    return StudyMapper.map(SharedData.study(file));
  }
}
