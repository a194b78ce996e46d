package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.trialfhir.testing.SharedData;

class ArmMapperTest {
  private static TrialGraph seed() {
    return StudyMapper.map(
        SharedData.study(SharedData.repository().resolve("examples/NCT05939167/ctgov.json")));
  }

  @Test
  void onePlanPerArmWithThatArmsInterventions() {
    TrialGraph graph = seed();
    assertThat(graph.plans())
        .extracting(PlanDefinition::getTitle)
        .containsExactly(
            "placebo control",
            "mesenchymal stem cells standard treatment",
            "mesenchymal stem cells enhanced treatment");
    assertThat(graph.plans().get(0).getAction())
        .extracting(a -> a.getTitle())
        .containsExactly("saline");
    assertThat(graph.plans().get(1).getAction())
        .extracting(a -> a.getTitle())
        .containsExactly("mesenchymal stem cell");
    assertThat(graph.plans().get(2).getAction())
        .extracting(a -> a.getTitle())
        .containsExactly("mesenchymal stem cell");
  }

  @Test
  void armsPointAtTheirPlansAndProtocolListsThem() {
    TrialGraph graph = seed();
    List<String> protocol =
        graph.researchStudy().getProtocol().stream().map(Reference::getReference).toList();
    assertThat(protocol)
        .containsExactly(
            "PlanDefinition/NCT05939167-arm-1",
            "PlanDefinition/NCT05939167-arm-2",
            "PlanDefinition/NCT05939167-arm-3");
    var arm = graph.researchStudy().getArmFirstRep();
    assertThat(
            ((Reference) arm.getExtensionByUrl(TrialExtension.ARM_PLAN.url()).getValue())
                .getReference())
        .isEqualTo("PlanDefinition/NCT05939167-arm-1");
  }

  @Test
  void interventionsWithoutArmsGetTheirOwnPlan() {
    TrialGraph graph =
        StudyMapper.map(
            SharedData.study(SharedData.repository().resolve("examples/NCT00410098/ctgov.json")));
    assertThat(graph.researchStudy().getArm()).isEmpty();
    assertThat(graph.plans())
        .singleElement()
        .satisfies(
            plan -> {
              assertThat(plan.getId()).isEqualTo(Ids.unassignedInterventions("NCT00410098"));
              assertThat(plan.getAction()).isNotEmpty();
            });
  }
}
