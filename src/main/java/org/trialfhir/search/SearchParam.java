package org.trialfhir.search;

import java.util.List;
import java.util.Set;

/**
 * One search parameter the server supports on one resource type.
 *
 * @param code the name used in URLs, e.g. {@code condition}
 * @param base the resource type it applies to
 * @param type its FHIR type
 * @param definition canonical URL of its SearchParameter: the R4 core one, or ours under {@code
 *     http://trialfhir.org/fhir/SearchParameter/}
 * @param expression the FHIRPath expression selecting its values (as published)
 * @param description what it matches, for the CapabilityStatement and the README
 * @param modifiers the modifiers it accepts (any other is a 400)
 * @param custom true when we define it (served as a SearchParameter resource and in profiles/)
 * @param targets for a reference parameter, the resource types it may point at; else empty
 */
public record SearchParam(
    String code,
    String base,
    ParamType type,
    String definition,
    String expression,
    String description,
    Set<Modifier> modifiers,
    boolean custom,
    List<String> targets) {
  public SearchParam {
    modifiers = Set.copyOf(modifiers);
    targets = List.copyOf(targets);
  }

  /** True when {@code name:modifier} is allowed ({@link Modifier#NONE} always is). */
  public boolean allows(Modifier modifier) {
    return modifier == Modifier.NONE || modifiers.contains(modifier);
  }
}
