package org.trialfhir.search;

import java.util.List;

/**
 * A parsed, validated search: every criterion must hold (AND); results sorted, then the page {@code
 * [offset, offset + count)} is returned with its includes.
 *
 * <p>Build one with {@link QueryParser#parse}; {@link QueryParser#canonical} and {@link
 * QueryParser#fromCanonical} turn it into a stable string and back (for paging links).
 *
 * @param resourceType the type searched
 * @param criteria the criteria, all of which must hold, in canonical order (by parameter code, then
 *     modifier, then values)
 * @param sort the {@code _sort} keys in order; results are always finally ordered by {@code _id}
 * @param offset how many matches to skip
 * @param count how many matches to return ({@code _count}); 0 returns only the total
 * @param total {@code _total}
 * @param includes the {@code _include}s
 * @param revIncludes the {@code _revinclude}s
 * @param summary {@code _summary}, or null when not asked (the server applies it; {@code count}
 *     also sets count to 0)
 * @param elements the {@code _elements} names, validated as elements of the type (the server
 *     applies them); empty when not asked
 */
public record SearchQuery(
    String resourceType,
    List<Criterion> criteria,
    List<SortKey> sort,
    int offset,
    int count,
    TotalMode total,
    List<IncludeSpec> includes,
    List<IncludeSpec> revIncludes,
    SummaryMode summary,
    List<String> elements) {
  public SearchQuery {
    criteria = List.copyOf(criteria);
    sort = List.copyOf(sort);
    includes = List.copyOf(includes);
    revIncludes = List.copyOf(revIncludes);
    elements = List.copyOf(elements);
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException("offset and count must not be negative");
    }
  }

  /** A query without {@code _summary} and {@code _elements}. */
  public SearchQuery(
      String resourceType,
      List<Criterion> criteria,
      List<SortKey> sort,
      int offset,
      int count,
      TotalMode total,
      List<IncludeSpec> includes,
      List<IncludeSpec> revIncludes) {
    this(
        resourceType, criteria, sort, offset, count, total, includes, revIncludes, null, List.of());
  }

  /** The same query for another page. */
  public SearchQuery withPage(int newOffset, int newCount) {
    return new SearchQuery(
        resourceType,
        criteria,
        sort,
        newOffset,
        newCount,
        total,
        includes,
        revIncludes,
        summary,
        elements);
  }
}
