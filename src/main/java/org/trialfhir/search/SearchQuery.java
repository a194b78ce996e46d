package org.trialfhir.search;

import java.util.List;

/**
 * A parsed, validated search: every criterion must hold (AND); results sorted, then the page {@code
 * [offset, offset + count)} is returned with its includes.
 */
public record SearchQuery(
    String resourceType,
    List<Criterion> criteria,
    List<SortKey> sort,
    int offset,
    int count,
    TotalMode total,
    List<IncludeSpec> includes,
    List<IncludeSpec> revIncludes) {
  public SearchQuery {
    criteria = List.copyOf(criteria);
    sort = List.copyOf(sort);
    includes = List.copyOf(includes);
    revIncludes = List.copyOf(revIncludes);
  }

  public SearchQuery withPage(int newOffset, int newCount) {
    return new SearchQuery(
        resourceType, criteria, sort, newOffset, newCount, total, includes, revIncludes);
  }
}
