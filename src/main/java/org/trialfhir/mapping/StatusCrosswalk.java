package org.trialfhir.mapping;

import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;

/**
 * The one published crosswalk from ClinicalTrials.gov {@code overallStatus} to R4 {@code
 * ResearchStudy.status} (README, "Status crosswalk"). Never fed {@code lastKnownStatus}.
 */
public final class StatusCrosswalk {
  private StatusCrosswalk() {}

  /**
   * The R4 status for an overall status code. UNKNOWN (not verified for two years) maps to
   * closed-to-accrual so that it is never returned for {@code status=active}; an unrecognised code
   * does the same, and the exact code survives in the overall-status extension either way.
   */
  public static ResearchStudyStatus toR4(String overallStatus) {
    if (overallStatus == null) {
      return ResearchStudyStatus.CLOSEDTOACCRUAL;
    }
    return switch (overallStatus) {
      case "RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE" -> ResearchStudyStatus.ACTIVE;
      case "NOT_YET_RECRUITING" -> ResearchStudyStatus.APPROVED;
      case "ACTIVE_NOT_RECRUITING" -> ResearchStudyStatus.CLOSEDTOACCRUAL;
      case "SUSPENDED", "TEMPORARILY_NOT_AVAILABLE" ->
          ResearchStudyStatus.TEMPORARILYCLOSEDTOACCRUAL;
      case "TERMINATED" -> ResearchStudyStatus.ADMINISTRATIVELYCOMPLETED;
      case "COMPLETED" -> ResearchStudyStatus.COMPLETED;
      case "WITHDRAWN" -> ResearchStudyStatus.WITHDRAWN;
      case "NO_LONGER_AVAILABLE", "APPROVED_FOR_MARKETING" ->
          ResearchStudyStatus.CLOSEDTOACCRUALANDINTERVENTION;
      case "WITHHELD" -> ResearchStudyStatus.INREVIEW;
      default -> ResearchStudyStatus.CLOSEDTOACCRUAL;
    };
  }
}
