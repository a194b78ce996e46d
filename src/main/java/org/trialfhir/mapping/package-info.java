/**
 * Pure, deterministic mapping of a ClinicalTrials.gov study to its FHIR R4 trial graph, plus the
 * definitions (profiles, extensions, code systems) that the graph claims.
 */
package org.trialfhir.mapping;
