package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.search.TrialStore;

class EncodedJsonCacheTest {
  private static final String BASE = "http://example.org/fhir";

  private final AtomicReference<String> served = new AtomicReference<>("gen-1");
  private final AtomicInteger encoded = new AtomicInteger();

  /** A stand-in for the encoder: 1,000 bytes per resource, counting its calls. */
  private final Function<Resource, byte[]> encode =
      resource -> {
        encoded.incrementAndGet();
        byte[] json = new byte[1000];
        byte[] id = resource.getIdPart().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(id, 0, json, 0, id.length);
        return json;
      };

  private static Location location(String id, String version) {
    Location location = new Location();
    location.setId(id);
    if (version != null) {
      location.setUserData(TrialStore.VERSION_USER_DATA, version);
    }
    return location;
  }

  private EncodedJsonCache cache(long bytes) {
    return new EncodedJsonCache(bytes, served::get, Runnable::run);
  }

  @Test
  void aResourceOfTheServedGenerationIsEncodedOnce() {
    EncodedJsonCache cache = cache(1_000_000);
    byte[] first = cache.json(location("a", "gen-1"), BASE, encode);
    byte[] again = cache.json(location("a", "gen-1"), BASE, encode);
    assertArrayEquals(first, again);
    assertEquals(1, encoded.get());
    assertEquals(1, cache.hits());
    assertEquals(1, cache.misses());
  }

  @Test
  void theServerBaseIsPartOfTheKey() {
    EncodedJsonCache cache = cache(1_000_000);
    cache.json(location("a", "gen-1"), BASE, encode);
    cache.json(location("a", "gen-1"), "http://other.example.org/fhir", encode);
    assertEquals(2, encoded.get());
  }

  @Test
  void resourcesNotFromTheServedGenerationAreNeverCached() {
    EncodedJsonCache cache = cache(1_000_000);
    cache.json(location("a", null), BASE, encode);
    cache.json(location("a", null), BASE, encode);
    cache.json(location("b", "gen-0"), BASE, encode);
    cache.json(location("b", "gen-0"), BASE, encode);
    assertEquals(4, encoded.get());
    assertEquals(0, cache.size());
  }

  @Test
  void aNewGenerationDropsEveryEntryOfTheOld() {
    EncodedJsonCache cache = cache(1_000_000);
    cache.json(location("a", "gen-1"), BASE, encode);
    cache.json(location("b", "gen-1"), BASE, encode);
    assertEquals(2, cache.size());
    served.set("gen-2");
    // A search that started on the old generation still gets its bytes, encoded, not cached.
    cache.json(location("a", "gen-1"), BASE, encode);
    assertEquals(3, encoded.get());
    assertEquals(0, cache.size());
    cache.json(location("a", "gen-2"), BASE, encode);
    cache.json(location("a", "gen-2"), BASE, encode);
    assertEquals(4, encoded.get());
    assertEquals(1, cache.size());
  }

  @Test
  void theCacheHoldsNoMoreBytesThanItsBound() {
    long bound = 10_000;
    EncodedJsonCache cache = cache(bound);
    for (int i = 0; i < 100; i++) {
      cache.json(location("loc-" + i, "gen-1"), BASE, encode);
    }
    assertTrue(cache.weight() <= bound, "weight " + cache.weight());
    assertTrue(cache.size() > 0 && cache.size() < 10, "entries " + cache.size());
    // What was evicted is encoded again on its next use.
    int before = encoded.get();
    for (int i = 0; i < 100; i++) {
      cache.json(location("loc-" + i, "gen-1"), BASE, encode);
    }
    assertTrue(encoded.get() - before > 90, "re-encoded " + (encoded.get() - before));
  }

  @Test
  void aZeroBoundCachesNothing() {
    EncodedJsonCache cache = cache(0);
    cache.json(location("a", "gen-1"), BASE, encode);
    cache.json(location("a", "gen-1"), BASE, encode);
    assertEquals(2, encoded.get());
    assertEquals(0, cache.size());
    assertEquals(0, cache.weight());
  }
}
