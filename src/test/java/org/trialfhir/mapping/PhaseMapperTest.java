package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhaseMapperTest {

  @ParameterizedTest
  @CsvSource({
    "NA, n-a",
    "EARLY_PHASE1, early-phase-1",
    "PHASE1, phase-1",
    "PHASE1|PHASE2, phase-1-phase-2",
    "PHASE2|PHASE1, phase-1-phase-2",
    "PHASE2, phase-2",
    "PHASE2|PHASE3, phase-2-phase-3",
    "PHASE3, phase-3",
    "PHASE4, phase-4",
  })
  void combinedPhasesKeepBothPhases(String phases, String hl7) {
    List<String> list = Arrays.asList(phases.split("\\|"));
    CodeableConcept concept = PhaseMapper.map(list);
    assertThat(concept.getCoding())
        .filteredOn(c -> c.getSystem().equals(Canonical.RESEARCH_STUDY_PHASE))
        .extracting(Coding::getCode)
        .containsExactly(hl7);
    assertThat(concept.getCoding())
        .filteredOn(c -> c.getSystem().equals(Canonical.codeSystem("ctgov-phase")))
        .extracting(Coding::getCode)
        .containsExactlyElementsOf(list);
  }

  @Test
  void aCombinationR4HasNoCodeForKeepsTheRegistryCodes() {
    CodeableConcept concept = PhaseMapper.map(List.of("PHASE3", "PHASE4"));
    assertThat(concept.getCoding()).extracting(Coding::getCode).containsExactly("PHASE3", "PHASE4");
    assertThat(concept.getText()).isEqualTo("Phase 3/Phase 4");
  }

  @Test
  void noPhasesGiveNoPhase() {
    assertThat(PhaseMapper.map(List.of())).isNull();
    assertThat(PhaseMapper.map(null)).isNull();
  }
}
