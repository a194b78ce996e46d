package org.trialfhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.testing.SharedData;

/**
 * The labelled evaluation set ({@code matching/evaluation/}): 300 pairs of a synthetic Synthea
 * patient and a real study, each with the expected outcome of every criteria sentence and the
 * expected verdict, labelled by {@code label.py} from readings a person wrote for each sentence
 * ({@code rules.tsv}). The matcher's criteria of one sentence combine as the labels do (any not met
 * gives not met, all met gives met, else unknown). Reports sentence-level accuracy, verdict
 * accuracy and the number of {@code eligible} verdicts that a label contradicts, which must be
 * zero.
 */
class EvaluationTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
  private static final String VERDICT = "*verdict*";

  record Label(String study, String patient, String sentence, String expected) {}

  @Test
  void matcherAgreesWithTheLabelsAndNoEligibleVerdictIsContradicted() throws IOException {
    Map<String, Map<String, List<Label>>> pairs = new LinkedHashMap<>();
    for (Label label : labels()) {
      pairs
          .computeIfAbsent(label.study(), k -> new LinkedHashMap<>())
          .computeIfAbsent(label.patient(), k -> new ArrayList<>())
          .add(label);
    }
    Map<String, Path> patientFiles = patientFiles();
    Matcher matcher = Matcher.standard();
    int sentences = 0;
    int agreed = 0;
    int verdicts = 0;
    int verdictsAgreed = 0;
    int contradictedEligible = 0;
    int eligible = 0;
    Map<String, Integer> confusion = new TreeMap<>();
    for (Map.Entry<String, Map<String, List<Label>>> study : pairs.entrySet()) {
      EligibilityModel model = model(study.getKey());
      for (Map.Entry<String, List<Label>> pair : study.getValue().entrySet()) {
        PatientData patient = PatientData.from(bundle(patientFiles.get(pair.getKey())));
        MatchResult result = matcher.evaluate(patient, model, TODAY);
        Map<String, List<Outcome>> bySentence = new HashMap<>();
        for (CriterionResult r : result.results()) {
          bySentence
              .computeIfAbsent(escape(r.criterion().sentence()), k -> new ArrayList<>())
              .add(r.outcome());
        }
        boolean labelledNotMet = false;
        for (Label label : pair.getValue()) {
          if (label.sentence().equals(VERDICT)) {
            verdicts++;
            if (label.expected().equals(result.verdict().code())) {
              verdictsAgreed++;
            }
            continue;
          }
          assertThat(bySentence)
              .as("%s has the sentence %s", study.getKey(), label.sentence())
              .containsKey(label.sentence());
          String actual = combine(bySentence.get(label.sentence()));
          sentences++;
          if (actual.equals(label.expected())) {
            agreed++;
          }
          confusion.merge(label.expected() + " -> " + actual, 1, Integer::sum);
          labelledNotMet |= label.expected().equals(Outcome.NOT_MET.code());
        }
        if (result.verdict() == Verdict.ELIGIBLE) {
          eligible++;
          if (labelledNotMet) {
            contradictedEligible++;
          }
        }
      }
    }
    System.out.printf(
        "evaluation: %d pairs, %d labelled sentences; sentence accuracy %.1f%% (%d/%d); verdict"
            + " accuracy %.1f%% (%d/%d); eligible verdicts %d, contradicted by a label %d%n"
            + "  labelled -> matcher: %s%n",
        verdicts,
        sentences,
        100.0 * agreed / sentences,
        agreed,
        sentences,
        100.0 * verdictsAgreed / verdicts,
        verdictsAgreed,
        verdicts,
        eligible,
        contradictedEligible,
        confusion);
    assertThat(verdicts).isGreaterThanOrEqualTo(300);
    assertThat(contradictedEligible).isZero();
    assertThat(
            confusion.getOrDefault("not-met -> met", 0)
                + confusion.getOrDefault("met -> not-met", 0))
        .as("outright contradictions between a label and the matcher")
        .isLessThanOrEqualTo(sentences / 20);
    assertThat((double) agreed / sentences).isGreaterThan(0.8);
  }

  /** Any not met gives not met, all met gives met, else unknown (as the labeller combines). */
  static String combine(List<Outcome> outcomes) {
    if (outcomes.contains(Outcome.NOT_MET)) {
      return Outcome.NOT_MET.code();
    }
    return outcomes.stream().allMatch(o -> o == Outcome.MET)
        ? Outcome.MET.code()
        : Outcome.UNKNOWN.code();
  }

  static String escape(String sentence) {
    return sentence.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
  }

  private static EligibilityModel model(String nctId) {
    Path file =
        nctId.equals("NCT05939167")
            ? SharedData.repository().resolve("examples/NCT05939167/ctgov.json")
            : SharedData.ctgov("v2").resolve(nctId + ".json");
    return EligibilityModel.from(StudyMapper.map(SharedData.study(file)));
  }

  private static Map<String, Path> patientFiles() throws IOException {
    Map<String, Path> files = new HashMap<>();
    try (Stream<Path> list = Files.list(SharedData.root().resolve("data/patients/synthea"))) {
      list.forEach(
          p -> {
            String name = p.getFileName().toString();
            files.put(name.substring(name.lastIndexOf('_') + 1, name.length() - 5), p);
          });
    }
    return files;
  }

  private static Bundle bundle(Path file) throws IOException {
    return FhirContext.forR4Cached()
        .newJsonParser()
        .parseResource(Bundle.class, Files.readString(file));
  }

  static List<Label> labels() throws IOException {
    List<Label> labels = new ArrayList<>();
    try (InputStream in =
        EvaluationTest.class.getResourceAsStream("/matching/evaluation/labels.tsv")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split("\t", -1);
        labels.add(new Label(f[0], f[1], f[2], f[3]));
      }
    }
    return labels;
  }
}
