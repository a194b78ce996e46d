package org.trialfhir.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.util.BytesRef;
import org.trialfhir.search.SearchValues;

/**
 * The site-level criteria of a search, evaluated on one site at a time: every {@code near}
 * criterion (any of its points) and every {@code site-status} criterion must hold for the same
 * site. A resource matches when one of its sites does.
 *
 * <p>Sites are read straight from the packed doc value ({@link Sites}) without building a string
 * per site: a near search at 570,000 studies that the index terms cannot answer exactly (see {@link
 * QueryBuilder}: several near criteria, {@code :not}, an index without the (Location, status)
 * terms) confirms tens of thousands of studies, each with up to thousands of sites; otherwise it
 * only gives distances ({@link #nearest}). Location ids are looked up by their bytes in a table
 * built once per search, statuses compared as bytes. Immutable and thread-safe.
 */
final class SitePredicate {
  private final List<Map<String, Double>> near;
  private final List<StatusGroup> statuses;

  /** The Location ids of every near criterion, by their UTF-8 bytes. */
  private final ByteKeys ids;

  /** Per near criterion, per id of {@link #ids}: the distance in km, NaN when not within. */
  private final double[][] km;

  /** Per site-status criterion, per token: the code's UTF-8 bytes (null: any code). */
  private final byte[][][] codes;

  /** Per site-status criterion, per token: whether the token's system allows a site status. */
  private final boolean[][] systems;

  /**
   * @param near one map per near criterion: the ids of the Locations within its distance of one of
   *     its points, each with its smallest such distance in km (resolved against the served
   *     Locations before the search, see {@link NearResolver})
   * @param statuses one group per site-status criterion
   */
  SitePredicate(List<Map<String, Double>> near, List<StatusGroup> statuses) {
    this.near = near.stream().map(Map::copyOf).toList();
    this.statuses = List.copyOf(statuses);
    Set<String> all = new LinkedHashSet<>();
    this.near.forEach(within -> all.addAll(within.keySet()));
    List<String> keys = new ArrayList<>(all);
    this.ids = new ByteKeys(keys);
    this.codes = new byte[this.statuses.size()][][];
    this.systems = new boolean[this.statuses.size()][];
    for (int g = 0; g < this.statuses.size(); g++) {
      StatusGroup group = this.statuses.get(g);
      codes[g] = new byte[group.tokens().size()][];
      systems[g] = new boolean[group.tokens().size()];
      for (int t = 0; t < group.tokens().size(); t++) {
        SearchValues.Token token = group.tokens().get(t);
        systems[g][t] = token.system() == null || token.system().equals(group.system());
        codes[g][t] = token.code() == null ? null : token.code().getBytes(StandardCharsets.UTF_8);
      }
    }
    this.km = new double[this.near.size()][keys.size()];
    for (int c = 0; c < this.near.size(); c++) {
      Arrays.fill(km[c], Double.NaN);
      for (int ord = 0; ord < keys.size(); ord++) {
        Double d = this.near.get(c).get(keys.get(ord));
        if (d != null) {
          km[c][ord] = d;
        }
      }
    }
  }

  List<Map<String, Double>> near() {
    return near;
  }

  List<StatusGroup> statuses() {
    return statuses;
  }

  /** A site-status criterion: the site's status is one of the tokens, or (negated) none of them. */
  record StatusGroup(List<SearchValues.Token> tokens, boolean negated, String system) {
    StatusGroup {
      tokens = List.copyOf(tokens);
    }
  }

  /**
   * True when a site at the Location with this id (UTF-8 bytes) satisfies every site-status
   * criterion; the caller knows that Location to be within the distance of every near criterion.
   */
  boolean matchesAt(BytesRef packed, byte[] locationId) {
    Sites.Cursor site = new Sites.Cursor(packed);
    while (site.next()) {
      if (!Arrays.equals(
          locationId,
          0,
          locationId.length,
          site.bytes,
          site.idOffset,
          site.idOffset + site.idLength)) {
        continue;
      }
      if (statusesMatch(site)) {
        return true;
      }
    }
    return false;
  }

  /** True when one site of the packed sites satisfies every criterion. */
  boolean matches(BytesRef sites) {
    return !Double.isNaN(scan(sites, false));
  }

  /**
   * The distance in km of the nearest site of the packed sites that satisfies every criterion (for
   * that site, the smallest distance to a search point it is within): NaN when no site matches, +∞
   * when one does and the search has no near criterion.
   */
  double nearest(BytesRef sites) {
    return scan(sites, true);
  }

  /** A distance from {@link #nearest} as the store reports it: null when there is none. */
  static Double km(double nearest) {
    return Double.isNaN(nearest) || nearest == Double.POSITIVE_INFINITY ? null : nearest;
  }

  /**
   * NaN when no site matches; otherwise the smallest distance of a matching site (+∞ without near),
   * or, when {@code nearest} is false, that of the first matching site.
   */
  private double scan(BytesRef packed, boolean nearest) {
    Sites.Cursor site = new Sites.Cursor(packed);
    double best = Double.NaN;
    while (site.next()) {
      double d = distance(site);
      if (Double.isNaN(d)) {
        continue;
      }
      if (!nearest) {
        return d;
      }
      if (Double.isNaN(best) || d < best) {
        best = d;
      }
    }
    return best;
  }

  /** The site's distance when it satisfies every criterion (+∞ without near), else NaN. */
  private double distance(Sites.Cursor site) {
    if (!statusesMatch(site)) {
      return Double.NaN;
    }
    double best = Double.POSITIVE_INFINITY;
    if (km.length > 0) {
      int ord = ids.find(site.bytes, site.idOffset, site.idLength);
      if (ord < 0) {
        return Double.NaN;
      }
      for (double[] within : km) {
        double d = within[ord];
        if (Double.isNaN(d)) {
          return Double.NaN;
        }
        best = Math.min(best, d);
      }
    }
    return best;
  }

  /** Whether the cursor's site satisfies every site-status criterion. */
  private boolean statusesMatch(Sites.Cursor site) {
    for (int g = 0; g < codes.length; g++) {
      if (!statusMatches(g, site.bytes, site.statusOffset, site.statusLength)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a site's status (length -1: none) satisfies site-status criterion g. */
  private boolean statusMatches(int g, byte[] b, int offset, int length) {
    boolean any = false;
    if (length >= 0) {
      for (int t = 0; t < codes[g].length && !any; t++) {
        byte[] code = codes[g][t];
        any =
            systems[g][t]
                && (code == null
                    || Arrays.equals(code, 0, code.length, b, offset, offset + length));
      }
    }
    return statuses.get(g).negated() != any;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SitePredicate that
        && near.equals(that.near)
        && statuses.equals(that.statuses);
  }

  @Override
  public int hashCode() {
    return Objects.hash(near, statuses);
  }

  @Override
  public String toString() {
    return "SitePredicate[near=" + near + ", statuses=" + statuses + "]";
  }

  /** An open-addressing table of byte strings, looked up by a slice of a larger array. */
  static final class ByteKeys {
    private final byte[][] keys;
    private final int[] slots;
    private final int mask;

    ByteKeys(List<String> strings) {
      keys = new byte[strings.size()][];
      int capacity = Integer.highestOneBit(Math.max(4, strings.size() * 2) - 1) << 1;
      slots = new int[capacity];
      mask = capacity - 1;
      for (int ord = 0; ord < keys.length; ord++) {
        byte[] key = strings.get(ord).getBytes(StandardCharsets.UTF_8);
        keys[ord] = key;
        int slot = hash(key, 0, key.length) & mask;
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = ord + 1;
      }
    }

    /** The ordinal of the key equal to the slice, or -1. */
    int find(byte[] bytes, int offset, int length) {
      int slot = hash(bytes, offset, length) & mask;
      while (true) {
        int entry = slots[slot];
        if (entry == 0) {
          return -1;
        }
        byte[] key = keys[entry - 1];
        if (Arrays.equals(key, 0, key.length, bytes, offset, offset + length)) {
          return entry - 1;
        }
        slot = (slot + 1) & mask;
      }
    }

    /**
     * Hashes the last 8 bytes and the length: Location ids end in a hash of their own ({@code
     * loc-<16 hex digits>}), so their tails spread well, and a site list is scanned often enough
     * that hashing whole ids showed in profiles.
     */
    private static int hash(byte[] bytes, int offset, int length) {
      int h = length;
      for (int i = Math.max(offset, offset + length - 8); i < offset + length; i++) {
        h = 31 * h + bytes[i];
      }
      return h ^ (h >>> 16);
    }
  }
}
