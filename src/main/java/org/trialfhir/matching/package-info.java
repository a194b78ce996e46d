/**
 * Computable eligibility (criteria parsed from a study's Group) and the evaluation of one patient's
 * FHIR data against it, criterion by criterion, with the evidence that decided each.
 */
package org.trialfhir.matching;
