/** Typed, streaming readers for ClinicalTrials.gov API v2 study records; no FHIR types here. */
package org.trialfhir.ctgov;
