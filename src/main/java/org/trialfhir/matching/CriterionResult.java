package org.trialfhir.matching;

import org.hl7.fhir.r4.model.Resource;

/**
 * The outcome of one criterion for one patient.
 *
 * @param criterion the criterion, with its verbatim sentence
 * @param outcome met, not met or unknown
 * @param evidence the patient resource that decided it (the Patient for age and sex, the Condition,
 *     the most recent relevant Observation), or null when nothing in the data did
 * @param reason a short explanation for a clinician
 */
public record CriterionResult(
    Criterion criterion, Outcome outcome, Resource evidence, String reason) {}
