package org.trialfhir.ctgov;

import java.util.List;

/**
 * Receives what a {@link StudyReader} finds: each good study with its warnings, and each record or
 * file that was skipped.
 */
public interface StudyHandler {

  /**
   * A study that passed {@link StudyChecker} without errors.
   *
   * @param source where it came from, e.g. {@code studies.zip!NCT01234567.json} or {@code
   *     page.json[3]}
   * @param study the parsed record
   * @param warnings its WARNING problems (unknown enumeration codes), possibly empty
   */
  void study(String source, Study study, List<RecordProblem> warnings);

  /** A record, ZIP member or file that was skipped, with the reason (always an ERROR). */
  void problem(RecordProblem error);
}
