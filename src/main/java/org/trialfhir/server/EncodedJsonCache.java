package org.trialfhir.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.search.TrialStore;

/**
 * The compact JSON (UTF-8) of the store's resources as the server writes them, so that a page of
 * search results is written by splicing the entries' bytes instead of encoding every resource
 * again. Keyed by the index generation a resource was read from ({@link TrialStore#versionOf}), its
 * type and id; bounded by the bytes it holds. Only resources of the generation the store serves now
 * are cached, and when the store switches to a new generation every entry of the old one is dropped
 * at the next use.
 */
final class EncodedJsonCache {
  /** The system property that bounds the cache, in bytes of JSON (default 64 MB; 0: no cache). */
  static final String BYTES_PROPERTY = "trialfhir.server.json-cache-bytes";

  static final long DEFAULT_BYTES = 64L * 1024 * 1024;

  /** The server base is part of the key: HAPI relativizes references on it while encoding. */
  private record Key(String version, String base, String type, String id) {}

  private final Cache<Key, byte[]> cache;
  private final Supplier<String> storeVersion;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private volatile String serving;

  /**
   * @param maxBytes the most bytes of JSON held (0 or less: nothing is cached)
   * @param storeVersion the version the store serves now
   */
  EncodedJsonCache(long maxBytes, Supplier<String> storeVersion) {
    this(maxBytes, storeVersion, null);
  }

  /** As above, with the executor Caffeine runs its maintenance on (tests: the calling thread). */
  EncodedJsonCache(long maxBytes, Supplier<String> storeVersion, Executor executor) {
    this.storeVersion = storeVersion;
    if (maxBytes <= 0) {
      this.cache = null;
    } else {
      Caffeine<Key, byte[]> builder =
          Caffeine.newBuilder()
              .maximumWeight(maxBytes)
              .weigher((Key k, byte[] json) -> json.length + k.id().length() + 64);
      if (executor != null) {
        builder.executor(executor);
      }
      this.cache = builder.build();
    }
  }

  /** The cache sized by {@link #BYTES_PROPERTY}. */
  static EncodedJsonCache fromSystemProperty(Supplier<String> storeVersion) {
    return new EncodedJsonCache(Long.getLong(BYTES_PROPERTY, DEFAULT_BYTES), storeVersion);
  }

  /**
   * The compact JSON of a resource as written for a server base: cached when the store marked it
   * with the generation it serves now, else (or on a miss) {@code encode}d, and kept when it is of
   * that generation.
   */
  byte[] json(Resource resource, String serverBase, Function<Resource, byte[]> encode) {
    String version = cache == null ? null : TrialStore.versionOf(resource);
    if (version == null || resource.getIdPart() == null || !version.equals(current())) {
      return encode.apply(resource);
    }
    Key key = new Key(version, serverBase, resource.fhirType(), resource.getIdPart());
    byte[] json = cache.getIfPresent(key);
    if (json != null) {
      hits.increment();
      return json;
    }
    misses.increment();
    json = encode.apply(resource);
    cache.put(key, json);
    return json;
  }

  /** The store's version now; entries of any other are dropped when it changes. */
  private String current() {
    String now = storeVersion.get();
    if (!now.equals(serving)) {
      synchronized (this) {
        if (!now.equals(serving)) {
          cache.asMap().keySet().removeIf(k -> !k.version().equals(now));
          serving = now;
        }
      }
    }
    return now;
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  /** Entries held now (after pending evictions). */
  long size() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Bytes held now (the weights of the entries, after pending evictions). */
  long weight() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }
}
