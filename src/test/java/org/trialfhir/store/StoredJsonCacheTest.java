package org.trialfhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trialfhir.store.Corpus.query;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.search.SearchResult;
import org.trialfhir.search.StoredJson;

/**
 * The store's cache of stored JSON ({@link LuceneTrialStore#JSON_CACHE_PROPERTY}) hands out what
 * the index holds: every study of the corpus read from the same index opened with the cache and
 * without, unparsed and parsed, twice; with the cache the second read is the first one's array
 * (kept), without it a new one.
 */
class StoredJsonCacheTest {
  private static LuceneTrialStore cached;
  private static LuceneTrialStore uncached;

  @BeforeAll
  static void open() throws IOException {
    cached =
        LuceneTrialStore.open(Corpus.sharedDir(), Clock.fixed(Corpus.NOW, ZoneOffset.UTC), null);
    System.setProperty(LuceneTrialStore.JSON_CACHE_PROPERTY, "0");
    try {
      uncached =
          LuceneTrialStore.open(Corpus.sharedDir(), Clock.fixed(Corpus.NOW, ZoneOffset.UTC), null);
    } finally {
      System.clearProperty(LuceneTrialStore.JSON_CACHE_PROPERTY);
    }
  }

  @AfterAll
  static void close() {
    cached.close();
    uncached.close();
  }

  @Test
  void everyStudyReadsAsTheIndexHoldsItAndIsKept() {
    List<String> ids = new ArrayList<>();
    Corpus.resources("ResearchStudy").forEach(r -> ids.add(r.getIdPart()));
    assertThat(ids).hasSizeGreaterThan(100);
    for (int round = 0; round < 2; round++) {
      for (String id : ids) {
        byte[] expected = json(uncached, id);
        byte[] first = json(cached, id);
        byte[] second = json(cached, id);
        assertThat(first).as(id).isEqualTo(expected);
        assertThat(second).as(id + " is kept").isSameAs(first);
        assertThat(json(uncached, id)).as(id + " is read anew").isNotSameAs(expected);
        String parsed = parsedJson(cached, id);
        assertThat(parsed).as(id).isEqualTo(parsedJson(uncached, id));
      }
    }
  }

  @Test
  void theDefaultSizeIsAnEighthOfTheHeapUpTo256Megabytes() {
    long mb = 1024L * 1024;
    assertThat(LuceneTrialStore.defaultJsonCacheBytes(2048 * mb)).isEqualTo(256 * mb);
    assertThat(LuceneTrialStore.defaultJsonCacheBytes(8192 * mb)).isEqualTo(256 * mb);
    assertThat(LuceneTrialStore.defaultJsonCacheBytes(512 * mb)).isEqualTo(64 * mb);
  }

  private static byte[] json(LuceneTrialStore store, String id) {
    SearchResult result = store.search(query("ResearchStudy", "_id=" + id), true);
    assertThat(result.matches()).as(id).hasSize(1);
    byte[] json = StoredJson.json(result.matches().get(0).resource());
    assertThat(json).as(id + " unparsed").isNotNull();
    return json;
  }

  private static String parsedJson(LuceneTrialStore store, String id) {
    SearchResult result = store.search(query("ResearchStudy", "_id=" + id), false);
    assertThat(result.matches()).as(id).hasSize(1);
    Resource resource = result.matches().get(0).resource();
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource);
  }
}
