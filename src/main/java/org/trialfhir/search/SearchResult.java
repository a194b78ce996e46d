package org.trialfhir.search;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * One page of a search.
 *
 * @param total the number of matches (null when {@code _total=none} was asked)
 * @param matches the page's matching resources, in order
 * @param included resources added by {@code _include}/{@code _revinclude} (no duplicates within the
 *     page, none that is also a match)
 * @param includesLeftOut how many more resources {@code _revinclude} found than a page may carry
 *     (the store's limit), 0 when none were left out
 */
public record SearchResult(
    Integer total, List<Match> matches, List<Resource> included, int includesLeftOut) {

  /**
   * A matching resource and, for a proximity search, the distance in km from the search point to
   * the nearest site that satisfied the search.
   */
  public record Match(Resource resource, Double distanceKm) {}
}
