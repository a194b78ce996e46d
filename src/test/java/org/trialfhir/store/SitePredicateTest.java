package org.trialfhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.trialfhir.search.SearchValues.Token;

/** Site-level criteria read straight from the packed site list. */
class SitePredicateTest {
  private static final String SYSTEM = "http://example.org/site-status";

  private static BytesRef sites(Sites.Site... sites) {
    BytesRef packed = Sites.encode(List.of(sites));
    // Read from the middle of a larger array, as doc values hand it out.
    byte[] padded = new byte[packed.length + 10];
    System.arraycopy(packed.bytes, packed.offset, padded, 7, packed.length);
    return new BytesRef(padded, 7, packed.length);
  }

  private static SitePredicate.StatusGroup status(boolean negated, String... codes) {
    List<Token> tokens = new ArrayList<>();
    for (String code : codes) {
      tokens.add(new Token(null, code));
    }
    return new SitePredicate.StatusGroup(tokens, negated, SYSTEM);
  }

  private static Double nearestKm(SitePredicate predicate, BytesRef sites) {
    return SitePredicate.km(predicate.nearest(sites));
  }

  @Test
  void theNearestSiteThatIsWithinAndHasTheStatusGivesTheDistance() {
    SitePredicate predicate =
        new SitePredicate(
            List.of(Map.of("loc-a", 12.5, "loc-b", 3.0, "loc-c", 7.0)),
            List.of(status(false, "RECRUITING")));
    BytesRef packed =
        sites(
            new Sites.Site("loc-b", "COMPLETED"),
            new Sites.Site("loc-a", "RECRUITING"),
            new Sites.Site("loc-x", "RECRUITING"),
            new Sites.Site("loc-c", "RECRUITING"));
    assertThat(predicate.matches(packed)).isTrue();
    assertThat(nearestKm(predicate, packed)).isEqualTo(7.0);
    assertThat(predicate.nearest(packed)).isEqualTo(7.0);
  }

  @Test
  void noSiteSatisfyingEveryCriterionIsNoMatch() {
    SitePredicate predicate =
        new SitePredicate(List.of(Map.of("loc-a", 1.0)), List.of(status(false, "RECRUITING")));
    BytesRef packed =
        sites(new Sites.Site("loc-a", "COMPLETED"), new Sites.Site("loc-b", "RECRUITING"));
    assertThat(predicate.matches(packed)).isFalse();
    assertThat(nearestKm(predicate, packed)).isNull();
    assertThat(predicate.nearest(packed)).isNaN();
  }

  @Test
  void everyNearCriterionMustHoldForTheSameSite() {
    SitePredicate predicate =
        new SitePredicate(
            List.of(Map.of("loc-a", 5.0, "loc-b", 9.0), Map.of("loc-b", 2.0)), List.of());
    assertThat(nearestKm(predicate, sites(new Sites.Site("loc-a", null)))).isNull();
    assertThat(
            nearestKm(
                predicate, sites(new Sites.Site("loc-a", null), new Sites.Site("loc-b", null))))
        .isEqualTo(2.0);
  }

  @Test
  void negatedStatusesAndSitesWithoutAStatus() {
    SitePredicate notRecruiting =
        new SitePredicate(List.of(), List.of(status(true, "RECRUITING", "NOT_YET_RECRUITING")));
    assertThat(notRecruiting.matches(sites(new Sites.Site("loc-a", "RECRUITING")))).isFalse();
    assertThat(notRecruiting.matches(sites(new Sites.Site("loc-a", "COMPLETED")))).isTrue();
    // A site without a status has none of the statuses: :not holds, a positive criterion does not.
    assertThat(notRecruiting.matches(sites(new Sites.Site("loc-a", null)))).isTrue();
    SitePredicate recruiting = new SitePredicate(List.of(), List.of(status(false, "RECRUITING")));
    assertThat(recruiting.matches(sites(new Sites.Site("loc-a", null)))).isFalse();
    assertThat(nearestKm(recruiting, sites(new Sites.Site("loc-a", "RECRUITING")))).isNull();
    assertThat(recruiting.nearest(sites(new Sites.Site("loc-a", "RECRUITING"))))
        .isEqualTo(Double.POSITIVE_INFINITY);
    // A prefix of a status is not the status.
    assertThat(recruiting.matches(sites(new Sites.Site("loc-a", "RECRUITIN")))).isFalse();
  }

  @Test
  void aTokenOfAnotherSystemMatchesNoSite() {
    SitePredicate other =
        new SitePredicate(
            List.of(),
            List.of(
                new SitePredicate.StatusGroup(
                    List.of(new Token("http://other", "RECRUITING")), false, SYSTEM)));
    assertThat(other.matches(sites(new Sites.Site("loc-a", "RECRUITING")))).isFalse();
    SitePredicate any =
        new SitePredicate(
            List.of(),
            List.of(
                new SitePredicate.StatusGroup(List.of(new Token(SYSTEM, null)), false, SYSTEM)));
    assertThat(any.matches(sites(new Sites.Site("loc-a", "COMPLETED")))).isTrue();
  }

  @Test
  void aStudyMatchesAtALocationOnlyWhenItsSiteThereHasTheStatus() {
    SitePredicate predicate =
        new SitePredicate(
            List.of(Map.of("loc-a", 1.0, "loc-b", 2.0)), List.of(status(false, "RECRUITING")));
    BytesRef packed =
        sites(
            new Sites.Site("loc-a", "COMPLETED"),
            new Sites.Site("loc-b", "RECRUITING"),
            new Sites.Site("loc-a", null));
    assertThat(predicate.matchesAt(packed, "loc-a".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(predicate.matchesAt(packed, "loc-b".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(predicate.matchesAt(packed, "loc-".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(predicate.matchesAt(packed, "loc-c".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void byteKeysFindEverySliceAndNothingElse() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      ids.add("loc-" + Integer.toHexString(i * 7919));
    }
    SitePredicate.ByteKeys keys = new SitePredicate.ByteKeys(ids);
    for (int i = 0; i < ids.size(); i++) {
      byte[] slice = ("xx" + ids.get(i) + "yy").getBytes(StandardCharsets.UTF_8);
      assertThat(keys.find(slice, 2, slice.length - 4)).isEqualTo(i);
    }
    byte[] missing = "loc-zzz".getBytes(StandardCharsets.UTF_8);
    assertThat(keys.find(missing, 0, missing.length)).isEqualTo(-1);
    assertThat(keys.find(missing, 0, 0)).isEqualTo(-1);
    assertThat(new SitePredicate.ByteKeys(List.of()).find(missing, 0, 3)).isEqualTo(-1);
  }
}
