package org.trialfhir.search;

import java.util.List;

/**
 * One {@code name[:modifier]=v1,v2} of a search: the values are alternatives (OR). Repeating the
 * parameter gives several criteria, all of which must hold (AND).
 *
 * @param values the raw values, already split at unescaped commas, with {@code \,} turned into
 *     {@code ,}; the other escapes of FHIR search ({@code \|}, {@code \$}, {@code \\}) are kept,
 *     for {@link SearchValues} to read with the type's syntax
 */
public record Criterion(SearchParam param, Modifier modifier, List<String> values) {
  public Criterion {
    values = List.copyOf(values);
  }

  /** The parameter as written in a URL: {@code code} or {@code code:modifier}. */
  public String name() {
    return modifier == Modifier.NONE ? param.code() : param.code() + ":" + modifier.code();
  }
}
