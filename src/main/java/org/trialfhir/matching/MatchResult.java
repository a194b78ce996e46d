package org.trialfhir.matching;

import java.util.List;

/**
 * A study's verdict for one patient with every criterion's outcome.
 *
 * @param studyId the NCT id (or whatever id the model was built with)
 * @param verdict not eligible if any criterion is not met, eligible if all are met, else possibly
 *     eligible
 * @param score in [0, 1]: orders first by verdict, then by the share of criteria whose outcome is
 *     known, {@code (verdict rank + known / total) / 3}
 * @param results one per criterion, in the model's order
 */
public record MatchResult(
    String studyId, Verdict verdict, double score, List<CriterionResult> results) {

  public MatchResult {
    results = List.copyOf(results);
  }

  /** The criteria that are not met: the reasons for a not-eligible verdict. */
  public List<CriterionResult> notMet() {
    return results.stream().filter(r -> r.outcome() == Outcome.NOT_MET).toList();
  }

  /** The criteria still unknown: what a clinician would need to check. */
  public List<CriterionResult> unknown() {
    return results.stream().filter(r -> r.outcome() == Outcome.UNKNOWN).toList();
  }
}
