package org.trialfhir.search;

import java.util.List;

/**
 * One {@code name[:modifier]=v1,v2} of a search: the values are alternatives (OR). Repeating the
 * parameter gives several criteria, all of which must hold (AND).
 *
 * @param values the raw values, already split at unescaped commas and unescaped ({@code \,} becomes
 *     {@code ,})
 */
public record Criterion(SearchParam param, Modifier modifier, List<String> values) {
  public Criterion {
    values = List.copyOf(values);
  }
}
