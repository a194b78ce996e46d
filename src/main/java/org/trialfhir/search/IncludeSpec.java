package org.trialfhir.search;

/**
 * One {@code _include} or {@code _revinclude}: {@code sourceType:param} (targetType optional, as in
 * {@code ResearchStudy:site:Location}).
 */
public record IncludeSpec(String sourceType, String param, String targetType) {
  @Override
  public String toString() {
    return sourceType + ":" + param + (targetType == null ? "" : ":" + targetType);
  }
}
