package org.trialfhir.store;

import java.util.List;
import java.util.Map;
import org.trialfhir.search.SearchValues;

/**
 * The site-level criteria of a search, evaluated on one site at a time: every {@code near}
 * criterion (any of its points) and every {@code site-status} criterion must hold for the same
 * site. A resource matches when one of its sites does.
 *
 * @param near one map per near criterion: the ids of the Locations within its distance of one of
 *     its points, each with its smallest such distance in km (resolved against the served Locations
 *     before the search, see {@link NearResolver})
 * @param statuses one group per site-status criterion
 */
record SitePredicate(List<Map<String, Double>> near, List<StatusGroup> statuses) {
  SitePredicate {
    near = near.stream().map(Map::copyOf).toList();
    statuses = List.copyOf(statuses);
  }

  /** A site-status criterion: the site's status is one of the tokens, or (negated) none of them. */
  record StatusGroup(List<SearchValues.Token> tokens, boolean negated, String system) {
    StatusGroup {
      tokens = List.copyOf(tokens);
    }

    boolean matches(String status) {
      boolean any = false;
      for (SearchValues.Token token : tokens) {
        if (status != null && tokenMatches(token, status)) {
          any = true;
          break;
        }
      }
      return negated != any;
    }

    private boolean tokenMatches(SearchValues.Token token, String status) {
      if (token.system() != null && !token.system().equals(system)) {
        return false;
      }
      return token.code() == null || token.code().equals(status);
    }
  }

  /** True when one site satisfies every criterion. */
  boolean matches(List<Sites.Site> sites) {
    for (Sites.Site site : sites) {
      if (distance(site) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The distance of the nearest site that satisfies every criterion, in km: for that site, the
   * smallest distance to a search point it is within. Null when no site matches or the search has
   * no near criterion.
   */
  Double nearestKm(List<Sites.Site> sites) {
    double best = Double.POSITIVE_INFINITY;
    for (Sites.Site site : sites) {
      Double d = distance(site);
      if (d != null && d < best) {
        best = d;
      }
    }
    return best == Double.POSITIVE_INFINITY ? null : best;
  }

  /** The site's distance when it satisfies every criterion (+∞ without near), else null. */
  private Double distance(Sites.Site site) {
    for (StatusGroup group : statuses) {
      if (!group.matches(site.status())) {
        return null;
      }
    }
    double best = Double.POSITIVE_INFINITY;
    for (Map<String, Double> within : near) {
      Double km = within.get(site.locationId());
      if (km == null) {
        return null;
      }
      best = Math.min(best, km);
    }
    return best;
  }
}
