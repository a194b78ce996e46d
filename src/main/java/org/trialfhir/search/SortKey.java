package org.trialfhir.search;

/**
 * One {@code _sort} key: a parameter code (or {@code _id}, {@code _lastUpdated}), ascending or not.
 */
public record SortKey(String param, boolean descending) {}
