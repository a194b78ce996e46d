package org.trialfhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trialfhir.store.Corpus.query;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;

/**
 * The store's cache of search pages ({@link LuceneTrialStore#PAGE_CACHE_PROPERTY}) answers what the
 * search itself answers: the same corpus index opened twice, with the cache and without, asked
 * searches that differ in one thing each (criteria, offset, count, sort, total, type, includes),
 * each twice, in two orders; and a search whose result depends on the time is searched again when
 * the time has moved.
 */
class PageCacheTest {
  private static final MovingClock CLOCK = new MovingClock(Corpus.NOW);
  private static LuceneTrialStore cached;
  private static LuceneTrialStore uncached;

  @BeforeAll
  static void open() throws IOException {
    cached = LuceneTrialStore.open(Corpus.sharedDir(), CLOCK, null);
    System.setProperty(LuceneTrialStore.PAGE_CACHE_PROPERTY, "0");
    try {
      uncached = LuceneTrialStore.open(Corpus.sharedDir(), CLOCK, null);
    } finally {
      System.clearProperty(LuceneTrialStore.PAGE_CACHE_PROPERTY);
    }
  }

  @AfterAll
  static void close() throws IOException {
    cached.close();
    uncached.close();
  }

  @Test
  void cachedPagesAreWhatTheSearchFinds() {
    List<SearchQuery> queries =
        List.of(
            query("ResearchStudy", "status=active", "_count=5"),
            query("ResearchStudy", "status=active", "_count=5").withPage(5, 5),
            query("ResearchStudy", "status=active", "_count=7"),
            query("ResearchStudy", "status=active", "_count=5", "_sort=-title"),
            query("ResearchStudy", "status=active", "_count=5", "_total=none"),
            query("ResearchStudy", "status=active", "_count=0", "_summary=count"),
            query("ResearchStudy", "status=completed", "_count=5"),
            query("ResearchStudy", "status=active,completed", "_count=5"),
            query("ResearchStudy", "status:not=active", "_count=5"),
            query("ResearchStudy", "status=active", "_count=5", "_include=ResearchStudy:site"),
            query("Location", "_count=5"),
            query("Location", "_count=5", "_revinclude=ResearchStudy:site"),
            query(
                "ResearchStudy",
                "near=42.36|-71.06|100|km",
                "site-status=RECRUITING",
                "_sort=near",
                "_count=5"),
            query("ResearchStudy", "near=42.36|-71.06|100|km", "_sort=near", "_count=5"),
            query("ResearchStudy", "near=42.36|-71.06|100|km", "_sort=near", "_count=5")
                .withPage(5, 5));
    List<SearchQuery> twice = new ArrayList<>(queries);
    List<SearchQuery> reversed = new ArrayList<>(queries);
    Collections.reverse(reversed);
    twice.addAll(reversed);
    twice.addAll(queries);
    for (SearchQuery q : twice) {
      assertThat(answer(cached, q)).as(q.toString()).isEqualTo(answer(uncached, q));
    }
    assertThat(answer(uncached, queries.get(0))).isNotEqualTo(answer(uncached, queries.get(1)));
  }

  @Test
  void searchesThatDependOnTheTimeAreSearchedAgainWhenItMoves() {
    SearchQuery approximately = query("ResearchStudy", "date=ap2010-06-01", "_count=500");
    Map<Instant, String> answers = new LinkedHashMap<>();
    try {
      for (Instant now : List.of(Corpus.NOW, Instant.parse("2090-01-01T00:00:00Z"), Corpus.NOW)) {
        CLOCK.now = now;
        String answer = answer(cached, approximately);
        assertThat(answer).as(now.toString()).isEqualTo(answer(uncached, approximately));
        answers.put(now, answer);
      }
    } finally {
      CLOCK.now = Corpus.NOW;
    }
    // The margin of ap grows with the distance from now, so the two times find different studies.
    assertThat(answers).hasSize(2);
    assertThat(answers.values()).doesNotHaveDuplicates();
  }

  /** The total, then each match's id, distance and the ids of the included resources. */
  private static String answer(LuceneTrialStore store, SearchQuery q) {
    SearchResult result = store.search(q, true);
    StringBuilder answer = new StringBuilder("total " + result.total());
    result
        .matches()
        .forEach(
            m ->
                answer
                    .append(' ')
                    .append(m.resource().getIdPart())
                    .append('@')
                    .append(m.distanceKm()));
    answer.append(" included");
    for (Resource r : result.included()) {
      answer.append(' ').append(r.fhirType()).append('/').append(r.getIdPart());
    }
    return answer.toString();
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    volatile Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
