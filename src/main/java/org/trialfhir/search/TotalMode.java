package org.trialfhir.search;

/**
 * {@code _total}: none, estimate or accurate (we always compute the accurate count unless none).
 */
public enum TotalMode {
  NONE,
  ESTIMATE,
  ACCURATE
}
