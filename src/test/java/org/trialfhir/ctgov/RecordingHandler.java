package org.trialfhir.ctgov;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything a {@link StudyReader} reports, in order. */
final class RecordingHandler implements StudyHandler {
  /** One delivered study. */
  record Delivered(String source, Study study, List<RecordProblem> warnings) {}

  final List<Delivered> studies = new ArrayList<>();
  final List<RecordProblem> problems = new ArrayList<>();

  @Override
  public void study(String source, Study study, List<RecordProblem> warnings) {
    studies.add(new Delivered(source, study, List.copyOf(warnings)));
  }

  @Override
  public void problem(RecordProblem error) {
    problems.add(error);
  }

  List<String> sources() {
    return studies.stream().map(Delivered::source).toList();
  }

  List<String> nctIds() {
    return studies.stream().map(delivered -> delivered.study().nctId()).toList();
  }

  List<RecordProblem> warnings() {
    return studies.stream().flatMap(delivered -> delivered.warnings().stream()).toList();
  }
}
