package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.trialfhir.ctgov.CtgovVocabulary;

class StatusCrosswalkTest {

  /** The published crosswalk (README, "Status crosswalk"), row by row. */
  @ParameterizedTest
  @CsvSource({
    "RECRUITING, active",
    "NOT_YET_RECRUITING, approved",
    "ENROLLING_BY_INVITATION, active",
    "ACTIVE_NOT_RECRUITING, closed-to-accrual",
    "SUSPENDED, temporarily-closed-to-accrual",
    "TERMINATED, administratively-completed",
    "COMPLETED, completed",
    "WITHDRAWN, withdrawn",
    "UNKNOWN, closed-to-accrual",
    "WITHHELD, in-review",
    "AVAILABLE, active",
    "TEMPORARILY_NOT_AVAILABLE, temporarily-closed-to-accrual",
    "NO_LONGER_AVAILABLE, closed-to-accrual-and-intervention",
    "APPROVED_FOR_MARKETING, closed-to-accrual-and-intervention",
    "SOMETHING_NEW, closed-to-accrual",
  })
  void followsThePublishedTable(String overallStatus, String r4) {
    assertThat(StatusCrosswalk.toR4(overallStatus).toCode()).isEqualTo(r4);
  }

  @org.junit.jupiter.api.Test
  void onlyOpenStatusesAreActiveAndUnknownNeverIs() {
    for (var code : CtgovVocabulary.OVERALL_STATUS.codes()) {
      boolean open =
          code.code().equals("RECRUITING")
              || code.code().equals("ENROLLING_BY_INVITATION")
              || code.code().equals("AVAILABLE");
      assertThat(StatusCrosswalk.toR4(code.code()) == ResearchStudyStatus.ACTIVE)
          .as(code.code())
          .isEqualTo(open);
    }
  }
}
