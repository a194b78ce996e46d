package org.trialfhir.mapping;

import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.trialfhir.ctgov.CtgovVocabulary;

/**
 * {@code designModule.phases} → {@code ResearchStudy.phase}: one HL7 research-study-phase coding
 * for the whole set (combined phases included), plus one registry coding per phase so that no phase
 * is lost.
 */
public final class PhaseMapper {
  private PhaseMapper() {}

  /** The phase concept, or null when the record lists no phase (observational studies). */
  public static CodeableConcept map(List<String> phases) {
    if (phases == null || phases.isEmpty()) {
      return null;
    }
    CodeableConcept concept = new CodeableConcept();
    String hl7 = hl7Code(phases);
    if (hl7 != null) {
      concept
          .addCoding()
          .setSystem(Canonical.RESEARCH_STUDY_PHASE)
          .setCode(hl7)
          .setDisplay(hl7Display(hl7));
    }
    for (String phase : phases) {
      Codings.addRegistryCoding(concept, CtgovVocabulary.PHASE, phase);
    }
    concept.setText(
        phases.stream()
            .map(p -> CtgovVocabulary.PHASE.contains(p) ? CtgovVocabulary.PHASE.display(p) : p)
            .collect(Collectors.joining("/")));
    return concept;
  }

  /** The HL7 code for a set of registry phases, or null for a combination R4 has no code for. */
  public static String hl7Code(List<String> phases) {
    String key = phases.stream().sorted().collect(Collectors.joining("|"));
    return switch (key) {
      case "NA" -> "n-a";
      case "EARLY_PHASE1" -> "early-phase-1";
      case "PHASE1" -> "phase-1";
      case "PHASE1|PHASE2" -> "phase-1-phase-2";
      case "PHASE2" -> "phase-2";
      case "PHASE2|PHASE3" -> "phase-2-phase-3";
      case "PHASE3" -> "phase-3";
      case "PHASE4" -> "phase-4";
      default -> null;
    };
  }

  private static String hl7Display(String code) {
    return switch (code) {
      case "n-a" -> "N/A";
      case "early-phase-1" -> "Early Phase 1";
      case "phase-1" -> "Phase 1";
      case "phase-1-phase-2" -> "Phase 1/Phase 2";
      case "phase-2" -> "Phase 2";
      case "phase-2-phase-3" -> "Phase 2/Phase 3";
      case "phase-3" -> "Phase 3";
      default -> "Phase 4";
    };
  }
}
