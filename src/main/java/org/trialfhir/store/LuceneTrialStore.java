package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Weigher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.search.Criterion;
import org.trialfhir.search.IncludeSpec;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.ParamType;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;
import org.trialfhir.search.SortKey;
import org.trialfhir.search.StoredJson;
import org.trialfhir.search.TotalMode;
import org.trialfhir.search.TrialStore;

/**
 * The {@link TrialStore} over an index folder written by {@link TrialIndexWriter} (see {@link
 * IndexDirectory}): it serves the generation {@code CURRENT} names, keeps one reader open on it,
 * and switches to a new generation when an import replaces the pointer (checked every couple of
 * seconds, or on {@link #refresh()}). Searches that started on the old generation finish on it; its
 * files are closed when the last one is done.
 *
 * <p>Thread-safe. Results are ordered by the {@code _sort} keys, then by {@code _id}; without
 * {@code _sort}, by {@code _id}. Missing sort values come last in both directions.
 */
public final class LuceneTrialStore implements TrialStore {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneTrialStore.class);
  private static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

  /**
   * The system property that sizes the cache of parsed resources, in characters of their JSON
   * (default 32,000,000, about 100 to 200 MB of heap; 0 turns it off). A hit costs a copy of the
   * resource instead of parsing its JSON, which is about 15 times cheaper.
   */
  public static final String CACHE_PROPERTY = "trialfhir.store.cache-chars";

  private static final long DEFAULT_CACHE_CHARS = 32_000_000;

  /**
   * The system property that bounds the resources {@code _revinclude} adds to one page (default
   * 200: a Location's studies can be thousands, a study's JSON 0.1 MB or more, and the page is
   * built in memory); the number left out is reported with the page.
   */
  public static final String MAX_REVINCLUDES_PROPERTY = "trialfhir.store.max-revincludes";

  static final int DEFAULT_MAX_REVINCLUDES = 200;

  /**
   * The system property that sizes the cache of the stored JSON of included resources (Locations,
   * Organizations, Practitioners that many studies share), in bytes (default 64 MB; 0 turns it
   * off).
   */
  public static final String INCLUDED_CACHE_PROPERTY = "trialfhir.store.included-cache-bytes";

  private static final long DEFAULT_INCLUDED_CACHE_BYTES = 64L * 1024 * 1024;

  /**
   * The system property that sizes the cache of stored JSON, in bytes (default 256 MB, or an eighth
   * of the heap if that is less; 0 turns it off): the JSON of the resources pages were last read
   * from, by document, so the next page that holds them (the same search again, the next client's
   * walk over the same pages, a study many searches find) hands out its bytes without reading the
   * index. Reading stored JSON is mostly decompressing it: Lucene's LZ4 block of a 10 KB study is
   * about as costly as writing the whole answer, and a study with hundreds of sites weighs 100 KB
   * or more.
   */
  public static final String JSON_CACHE_PROPERTY = "trialfhir.store.json-cache-bytes";

  /** The default size of the cache of stored JSON for a heap of this many bytes at most. */
  static long defaultJsonCacheBytes(long maxHeapBytes) {
    return Math.min(256L * 1024 * 1024, maxHeapBytes / 8);
  }

  /**
   * The system property that sizes the cache of search pages: for each recent search (its type,
   * criteria, sort, offset, count and whether a total is wanted) the documents of its page and the
   * total, so the same search again only reads its resources. Its weight is the number of documents
   * held plus 8 per page (default 100,000, a few MB; 0 turns it off). An index generation never
   * changes, so a cached page is never stale; searches whose result depends on the time ({@code ap}
   * on a date) are not cached.
   */
  public static final String PAGE_CACHE_PROPERTY = "trialfhir.store.page-cache-docs";

  private static final long DEFAULT_PAGE_CACHE_DOCS = 100_000;

  /** Pages longer than this are not cached (candidate lists, tools). */
  private static final int LONGEST_CACHED_PAGE = 1_000;

  /**
   * Totals of searches remembered per generation (queries without site criteria: a few KB each).
   */
  private static final int TOTALS_CACHED = 4096;

  /** A parsed resource and the length of the JSON it came from (its weight in the cache). */
  private record Parsed(Resource resource, int chars) {}

  private final IndexDirectory folder;
  private final Clock clock;
  private volatile int maxRevIncludes =
      Integer.getInteger(MAX_REVINCLUDES_PROPERTY, DEFAULT_MAX_REVINCLUDES);
  private final AtomicReference<Generation> current = new AtomicReference<>();
  private final ScheduledExecutorService watcher;
  private volatile boolean closed;

  private LuceneTrialStore(IndexDirectory folder, Clock clock, Duration refreshEvery)
      throws IOException {
    this.folder = folder;
    this.clock = clock;
    String name =
        folder
            .current()
            .orElseThrow(
                () ->
                    new IOException(
                        "no index in "
                            + folder.root()
                            + ": write one with `trialfhir import <input> --index "
                            + folder.root()
                            + "`"));
    current.set(Generation.open(folder, name));
    if (refreshEvery == null) {
      watcher = null;
    } else {
      watcher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, "trialfhir-index-watcher");
                thread.setDaemon(true);
                return thread;
              });
      long millis = refreshEvery.toMillis();
      watcher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Opens the index folder and serves its current generation, checking for a new one every two
   * seconds.
   *
   * @throws IOException when the folder holds no index
   */
  public static LuceneTrialStore open(Path indexDir) throws IOException {
    return new LuceneTrialStore(new IndexDirectory(indexDir), Clock.systemUTC(), DEFAULT_REFRESH);
  }

  /**
   * Opens the index folder with a given clock (for the {@code ap} date prefix) and check interval
   * (null: only {@link #refresh()} switches generations).
   */
  public static LuceneTrialStore open(Path indexDir, Clock clock, Duration refreshEvery)
      throws IOException {
    return new LuceneTrialStore(new IndexDirectory(indexDir), clock, refreshEvery);
  }

  /**
   * Sets the most resources _revinclude adds to one page (tests; else {@link
   * #MAX_REVINCLUDES_PROPERTY}).
   */
  void maxRevIncludes(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max revincludes must be >= 0: " + max);
    }
    this.maxRevIncludes = max;
  }

  /** Switches to the generation {@code CURRENT} names, if it changed. Returns true when it did. */
  public synchronized boolean refresh() throws IOException {
    if (closed) {
      return false;
    }
    Optional<String> name = folder.current();
    Generation serving = current.get();
    if (name.isEmpty() || name.get().equals(serving.name)) {
      return false;
    }
    Generation next = Generation.open(folder, name.get());
    current.set(next);
    serving.decRef();
    LOG.info("serving index generation {} ({} documents)", next.name, next.reader.numDocs());
    return true;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not switch to the new index generation: {}", e.toString());
    }
  }

  @Override
  public String version() {
    return current.get().name;
  }

  /** The number of resources of a type in the served generation. */
  public int count(String resourceType) {
    Generation g = acquire();
    try {
      return g.searcher.count(new TermQuery(new Term(IndexFields.TYPE, resourceType)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.decRef();
    }
  }

  @Override
  public Optional<Resource> read(String resourceType, String id) {
    return read(resourceType, id, false);
  }

  @Override
  public Optional<Resource> read(String resourceType, String id, boolean unparsed) {
    if (resourceType == null || id == null) {
      return Optional.empty();
    }
    Generation g = acquire();
    try {
      TopDocs top =
          g.searcher.search(
              new TermQuery(new Term(IndexFields.KEY, IndexFields.key(resourceType, id))), 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      return Optional.of(g.load(g.searcher.storedFields(), top.scoreDocs[0].doc, unparsed));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.decRef();
    }
  }

  @Override
  public SearchResult search(SearchQuery query) {
    return search(query, false);
  }

  @Override
  public SearchResult search(SearchQuery query, boolean unparsed) {
    Generation g = acquire();
    try {
      return search(g, query, unparsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      g.decRef();
    }
  }

  /** Past this many matches a page is deep: the matches are counted before they are sorted. */
  private static final int DEEP_PAGE = 10_000;

  /** The matches of one page, before their resources are loaded. */
  private record Page(Integer total, List<Integer> docs, Map<Integer, Double> distances) {
    Page {
      docs = List.copyOf(docs);
      distances = Collections.unmodifiableMap(new LinkedHashMap<>(distances));
    }
  }

  private SearchResult search(Generation g, SearchQuery query, boolean unparsed)
      throws IOException {
    Page page = page(g, query);
    StoredFields stored = g.searcher.storedFields();
    List<Integer> docs = page.docs();
    List<SearchResult.Match> matches = new ArrayList<>(docs.size());
    // Unparsed matches are of the searched type (the query filters on it) and their ids are doc
    // values: their JSON is not read for them (as for included resources, the meta is left out).
    String[] ids = unparsed ? idsOf(g.reader, docs) : null;
    for (int i = 0; i < docs.size(); i++) {
      int doc = docs.get(i);
      Resource resource =
          ids != null && ids[i] != null
              ? g.loadUnparsed(stored, doc, query.resourceType(), ids[i])
              : g.load(stored, doc, unparsed);
      matches.add(new SearchResult.Match(resource, page.distances().get(doc)));
    }
    Included included = includes(g, query, matches, page.docs(), unparsed);
    return new SearchResult(page.total(), matches, included.resources(), included.leftOut());
  }

  /**
   * A match without its resource: the id and, for a near search, the distance in km to the nearest
   * site that satisfied it.
   */
  public record Hit(String id, Double distanceKm) {}

  /**
   * The ids of every match of a search, in result order, without loading any resource (the query's
   * offset and count are ignored; includes are not resolved). For candidate lists (trial matching)
   * and tools.
   */
  public List<Hit> searchIds(SearchQuery query) {
    Generation g = acquire();
    try {
      return ids(g, query.withPage(0, Math.max(1, g.reader.maxDoc())));
    } finally {
      g.decRef();
    }
  }

  /** The ids of one page of matches, read from the index's id doc values: no resource is loaded. */
  @Override
  public List<String> matchIds(SearchQuery query) {
    Generation g = acquire();
    try {
      return ids(g, query).stream().map(Hit::id).filter(Objects::nonNull).toList();
    } finally {
      g.decRef();
    }
  }

  private List<Hit> ids(Generation g, SearchQuery query) {
    try {
      Page page = page(g, query);
      String[] ids = idsOf(g.reader, page.docs());
      List<Hit> hits = new ArrayList<>(ids.length);
      for (int i = 0; i < ids.length; i++) {
        hits.add(new Hit(ids[i], page.distances().get(page.docs().get(i))));
      }
      return hits;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Page page(Generation g, SearchQuery query) throws IOException {
    PageKey key = PageKey.of(query);
    if (key == null || g.pages == null) {
      return findPage(g, query);
    }
    Page page = g.pages.getIfPresent(key);
    if (page == null) {
      page = findPage(g, query);
      g.pages.put(key, page);
    }
    return page;
  }

  /**
   * What a search's page depends on, or null when it must not be cached: pages longer than {@link
   * #LONGEST_CACHED_PAGE}, and criteria on dates (the {@code ap} prefix depends on the time).
   */
  private record PageKey(
      String type,
      List<Criterion> criteria,
      List<SortKey> sort,
      int offset,
      int count,
      boolean total) {
    static PageKey of(SearchQuery query) {
      if (query.count() > LONGEST_CACHED_PAGE
          || query.criteria().stream().anyMatch(c -> c.param().type() == ParamType.DATE)) {
        return null;
      }
      return new PageKey(
          query.resourceType(),
          query.criteria(),
          query.sort(),
          query.offset(),
          query.count(),
          query.total() != TotalMode.NONE);
    }
  }

  private Page findPage(Generation g, SearchQuery query) throws IOException {
    IndexSearcher searcher = g.searcher;
    QueryBuilder.Built built = new QueryBuilder(clock.millis(), searcher).build(query);
    boolean byDistance = query.sort().stream().anyMatch(k -> k.param().equals("near"));
    boolean wantTotal = query.total() != TotalMode.NONE;
    List<Integer> page = new ArrayList<>();
    Map<Integer, Double> distances = new LinkedHashMap<>();
    Integer total;
    if (byDistance && nearestFirst(query, built)) {
      return walkNearest(searcher, built, query, wantTotal);
    } else if (byDistance) {
      List<Row> rows = rows(searcher, built, query.sort());
      total = rows.size();
      long end = Math.min(rows.size(), (long) query.offset() + query.count());
      for (int i = query.offset(); i < end; i++) {
        page.add(rows.get(i).doc);
        distances.put(rows.get(i).doc, rows.get(i).distance);
      }
    } else if (query.count() == 0) {
      total = wantTotal ? g.count(built) : null;
    } else {
      long wanted = (long) query.offset() + query.count();
      Integer matches = null;
      if (wanted > DEEP_PAGE) {
        // A deep page: the collector's queue is as long as offset + count, so bound it by the
        // number of matches first (counting is cheap), and answer past the end at once.
        matches = g.count(built);
        if (query.offset() >= matches) {
          return new Page(wantTotal ? matches : null, page, distances);
        }
        wanted = Math.min(wanted, matches);
      }
      int numHits = (int) Math.max(1, Math.min(wanted, searcher.getIndexReader().maxDoc()));
      // The index is sorted by id (TrialIndexWriter), so in the default order collection stops
      // after the page; the total, when wanted, is a separate count, which needs no sorting.
      TopFieldCollectorManager manager =
          new TopFieldCollectorManager(sort(query.sort()), numHits, null, numHits);
      TopFieldDocs top = searcher.search(built.query(), manager);
      if (wantTotal && matches == null) {
        matches = g.count(built);
      }
      total = wantTotal ? matches : null;
      for (int i = query.offset(); i < top.scoreDocs.length; i++) {
        page.add(top.scoreDocs[i].doc);
      }
      if (built.sites() != null && !built.sites().near().isEmpty()) {
        SitePredicate predicate = built.sites();
        Double[] km = new Double[page.size()];
        packedSites(
            searcher.getIndexReader(),
            page,
            (i, packed) -> km[i] = SitePredicate.km(predicate.nearest(packed)));
        for (int i = 0; i < km.length; i++) {
          distances.put(page.get(i), km[i]);
        }
      }
    }
    return new Page(total, page, distances);
  }

  /**
   * Whether a distance-sorted search can be answered by {@link #walkNearest}: studies, ordered by
   * distance alone, ascending, to the points of a single near criterion.
   */
  private static boolean nearestFirst(SearchQuery query, QueryBuilder.Built built) {
    return query.resourceType().equals("ResearchStudy")
        && query.sort().size() == 1
        && query.sort().get(0).param().equals("near")
        && !query.sort().get(0).descending()
        && built.sites() != null
        && built.sites().near().size() == 1;
  }

  /**
   * A page of studies nearest first, without finding every match's nearest site: the matches are
   * collected, then the Locations within the distance are walked nearest first, and a match takes
   * the distance of the first Location at which one of its sites matches, which is its nearest
   * matching site. Where the query's site-level criteria are exact terms ({@link
   * QueryBuilder.SiteTerms}), the walk reads those terms' postings at each Location and no study's
   * sites; otherwise it reads the Location's {@code site.r} postings and checks the sites there
   * with the predicate. The walk stops once the page is full and the next Location is farther than
   * its last study (ties by id are complete, as every study at a Location is taken with it).
   */
  private static Page walkNearest(
      IndexSearcher searcher, QueryBuilder.Built built, SearchQuery query, boolean wantTotal)
      throws IOException {
    SitePredicate predicate = built.sites();
    IndexReader reader = searcher.getIndexReader();
    FixedBitSet matched = new FixedBitSet(Math.max(1, reader.maxDoc()));
    searcher.search(
        built.query(),
        new SimpleCollector() {
          private int base;

          @Override
          protected void doSetNextReader(LeafReaderContext context) {
            base = context.docBase;
          }

          @Override
          public void collect(int doc) {
            matched.set(base + doc);
          }

          @Override
          public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
          }
        });
    List<Map.Entry<String, Double>> locations = new ArrayList<>(predicate.near().get(0).entrySet());
    locations.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry::getKey));
    long wanted = (long) query.offset() + query.count();
    // Exact terms: a matched study with one of a Location's terms has a matching site there.
    // Otherwise its site.r term only says it has a site there, which the predicate checks.
    QueryBuilder.SiteTerms exact = built.terms();
    String field = exact != null ? exact.field() : IndexFields.field("site", "r");
    // A match taken by a Location is cleared: one bit set of the index's size, not two (each is
    // half a megabyte or more at 570,000 studies, which G1 allocates outside the young generation).
    Integer total = wantTotal ? matched.cardinality() : null;
    List<Row> rows = new ArrayList<>();
    // One terms enum per segment, sought for each Location's terms (a Location is one term among
    // millions, looked up in each segment: a new enum each time allocated more than the search).
    List<LeafReaderContext> leaves = reader.leaves();
    TermsEnum[] enums = new TermsEnum[leaves.size()];
    for (int i = 0; i < enums.length; i++) {
      Terms terms = leaves.get(i).reader().terms(field);
      enums[i] = terms == null ? null : terms.iterator();
    }
    PostingsEnum postings = null;
    for (Map.Entry<String, Double> location : locations) {
      double km = location.getValue();
      if (rows.size() >= wanted && km > rows.get((int) wanted - 1).distance()) {
        break;
      }
      byte[] id = location.getKey().getBytes(StandardCharsets.UTF_8);
      List<BytesRef> terms =
          exact != null
              ? exact.at(location.getKey())
              : List.of(new BytesRef("Location/" + location.getKey()));
      for (int l = 0; l < enums.length; l++) {
        if (enums[l] == null) {
          continue;
        }
        LeafReaderContext leaf = leaves.get(l);
        for (BytesRef term : terms) {
          if (!enums[l].seekExact(term)) {
            continue;
          }
          postings = enums[l].postings(postings, PostingsEnum.NONE);
          // Per term, as doc values move forward only: a Location's terms are in few segments,
          // and the packed sites allocate a buffer of their segment's longest value.
          BinaryDocValues sites =
              exact != null ? null : leaf.reader().getBinaryDocValues(IndexFields.SITES);
          SortedDocValues ids = leaf.reader().getSortedDocValues(IndexFields.sortField("_id"));
          for (int doc = postings.nextDoc();
              doc != DocIdSetIterator.NO_MORE_DOCS;
              doc = postings.nextDoc()) {
            int global = leaf.docBase + doc;
            if (!matched.get(global)) {
              continue;
            }
            if (exact == null
                && (sites == null
                    || !sites.advanceExact(doc)
                    || !predicate.matchesAt(sites.binaryValue(), id))) {
              continue;
            }
            matched.clear(global);
            String studyId =
                ids != null && ids.advanceExact(doc)
                    ? ids.lookupOrd(ids.ordValue()).utf8ToString()
                    : "";
            rows.add(new Row(global, km, new Comparable<?>[] {km}, studyId));
          }
        }
      }
    }
    rows.sort(Comparator.comparingDouble(Row::distance).thenComparing(Row::id));
    List<Integer> page = new ArrayList<>();
    Map<Integer, Double> distances = new LinkedHashMap<>();
    long end = Math.min(rows.size(), wanted);
    for (int i = query.offset(); i < end; i++) {
      page.add(rows.get(i).doc());
      distances.put(rows.get(i).doc(), rows.get(i).distance());
    }
    return new Page(total, page, distances);
  }

  /** A match of a distance-sorted search, with its distance and other sort values. */
  private record Row(int doc, Double distance, Comparable<?>[] values, String id) {}

  /** Every match of a search sorted by distance (near results are local, so this stays small). */
  private static List<Row> rows(
      IndexSearcher searcher, QueryBuilder.Built built, List<SortKey> keys) throws IOException {
    List<Row> rows = new ArrayList<>();
    SitePredicate predicate = built.sites();
    // The nearest matching site is found while collecting, which also decides whether a site
    // matches at all: the prefilter without the site confirmation avoids reading each study's
    // sites twice.
    searcher.search(
        predicate == null ? built.query() : built.prefilter(),
        new SimpleCollector() {
          private int base;
          private BinaryDocValues sites;
          private SortedDocValues ids;
          private final Object[] columns = new Object[keys.size()];

          @Override
          protected void doSetNextReader(LeafReaderContext context) throws IOException {
            base = context.docBase;
            sites = context.reader().getBinaryDocValues(IndexFields.SITES);
            ids = context.reader().getSortedDocValues(IndexFields.sortField("_id"));
            for (int i = 0; i < keys.size(); i++) {
              String field = IndexFields.sortField(keys.get(i).param());
              columns[i] =
                  isNumeric(keys.get(i).param())
                      ? context.reader().getNumericDocValues(field)
                      : context.reader().getSortedDocValues(field);
            }
          }

          @Override
          public void collect(int doc) throws IOException {
            Double distance = null;
            if (predicate != null) {
              if (sites == null || !sites.advanceExact(doc)) {
                return;
              }
              double km = predicate.nearest(sites.binaryValue());
              if (Double.isNaN(km)) {
                return;
              }
              distance = SitePredicate.km(km);
            }
            Comparable<?>[] values = new Comparable<?>[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
              if (keys.get(i).param().equals("near")) {
                values[i] = distance;
              } else if (columns[i] instanceof NumericDocValues numbers) {
                values[i] = numbers.advanceExact(doc) ? numbers.longValue() : null;
              } else if (columns[i] instanceof SortedDocValues strings) {
                values[i] =
                    strings.advanceExact(doc)
                        ? strings.lookupOrd(strings.ordValue()).utf8ToString()
                        : null;
              }
            }
            String id = ids.advanceExact(doc) ? ids.lookupOrd(ids.ordValue()).utf8ToString() : "";
            rows.add(new Row(base + doc, distance, values, id));
          }

          @Override
          public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
          }
        });
    rows.sort(rowOrder(keys));
    return rows;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<Row> rowOrder(List<SortKey> keys) {
    Comparator<Row> order = (a, b) -> 0;
    for (int i = 0; i < keys.size(); i++) {
      int column = i;
      boolean descending = keys.get(i).descending();
      order =
          order.thenComparing(
              (a, b) -> {
                Comparable x = a.values[column];
                Comparable y = b.values[column];
                if (x == null || y == null) {
                  return x == null ? (y == null ? 0 : 1) : -1;
                }
                int c = x.compareTo(y);
                return descending ? -c : c;
              });
    }
    return order.thenComparing(Row::id);
  }

  private static boolean isNumeric(String key) {
    return key.equals("_lastUpdated") || key.equals("date");
  }

  /** The Lucene sort for the keys, with missing values last and _id as the final tie-breaker. */
  private static Sort sort(List<SortKey> keys) {
    List<SortField> fields = new ArrayList<>();
    boolean byId = false;
    for (SortKey key : keys) {
      String field = IndexFields.sortField(key.param());
      boolean reverse = key.descending();
      SortField sortField;
      if (isNumeric(key.param())) {
        sortField = new SortField(field, SortField.Type.LONG, reverse);
        sortField.setMissingValue(reverse ? Long.MIN_VALUE : Long.MAX_VALUE);
      } else {
        sortField = new SortField(field, SortField.Type.STRING, reverse);
        sortField.setMissingValue(reverse ? SortField.STRING_FIRST : SortField.STRING_LAST);
      }
      fields.add(sortField);
      byId |= key.param().equals("_id");
    }
    if (!byId) {
      fields.add(TrialIndexWriter.ID_ORDER);
    }
    return new Sort(fields.toArray(SortField[]::new));
  }

  /**
   * _include and _revinclude targets of the page, each once, none that is also a match: the
   * _include targets in the order of the matches and their references (bounded by the page's size),
   * then what the _revincludes find, by id, at most {@link #maxRevIncludes} of them (a Location may
   * have thousands of studies).
   */
  private Included includes(
      Generation g,
      SearchQuery query,
      List<SearchResult.Match> matches,
      List<Integer> docs,
      boolean unparsed)
      throws IOException {
    if (matches.isEmpty() || query.includes().isEmpty() && query.revIncludes().isEmpty()) {
      return new Included(List.of(), 0);
    }
    int leftOut = 0;
    int revIncluded = 0;
    Set<String> seen = new LinkedHashSet<>();
    for (SearchResult.Match match : matches) {
      seen.add(IndexFields.key(match.resource().fhirType(), match.resource().getIdPart()));
    }
    List<Resource> included = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    for (IncludeSpec include : query.includes()) {
      // The packed sites hold the Location ids of each study's site references, in their order:
      // no need to read the studies' JSON for them.
      List<List<String>> sites =
          include.param().equals("site") && include.targetType().equals("Location")
              ? siteKeys(g, matches, docs)
              : null;
      for (int i = 0; i < matches.size(); i++) {
        List<String> packed = sites == null ? null : sites.get(i);
        if (packed != null) {
          for (String key : packed) {
            if (!seen.contains(key)) {
              keys.add(key);
            }
          }
          continue;
        }
        for (IIdType target : references(matches.get(i).resource(), include)) {
          if (target.hasResourceType()
              && target.getResourceType().equals(include.targetType())
              && target.hasIdPart()) {
            String key = IndexFields.key(target.getResourceType(), target.getIdPart());
            if (!seen.contains(key)) {
              keys.add(key);
            }
          }
        }
      }
    }
    if (!keys.isEmpty()) {
      Map<String, Resource> loaded = loadByKey(g, keys, unparsed);
      for (String key : keys) {
        Resource resource = loaded.get(key);
        if (resource != null && seen.add(key)) {
          included.add(resource);
        }
      }
    }
    for (IncludeSpec rev : query.revIncludes()) {
      List<BytesRef> targets = new ArrayList<>();
      for (SearchResult.Match match : matches) {
        targets.add(
            new BytesRef(
                IndexFields.key(match.resource().fhirType(), match.resource().getIdPart())));
      }
      Query referring =
          new BooleanQuery.Builder()
              .add(new TermQuery(new Term(IndexFields.TYPE, rev.sourceType())), Occur.FILTER)
              .add(new TermInSetQuery(IndexFields.field(rev.param(), "r"), targets), Occur.FILTER)
              .build();
      int n = g.searcher.count(referring);
      int room = Math.max(0, maxRevIncludes - revIncluded);
      leftOut += Math.max(0, n - room);
      if (n == 0 || room == 0) {
        continue;
      }
      TopFieldDocs top =
          g.searcher.search(
              referring,
              Math.min(n, room),
              new Sort(new SortField(IndexFields.sortField("_id"), SortField.Type.STRING)));
      StoredFields stored = g.searcher.storedFields();
      for (ScoreDoc hit : top.scoreDocs) {
        Resource resource = g.load(stored, hit.doc, unparsed);
        if (seen.add(IndexFields.key(resource.fhirType(), resource.getIdPart()))) {
          included.add(resource);
          revIncluded++;
        }
      }
    }
    return new Included(included, leftOut);
  }

  /**
   * The resources the includes of a page add, and how many more _revinclude found than it may
   * carry.
   */
  private record Included(List<Resource> resources, int leftOut) {}

  /**
   * The targets of the references an _include follows, by its parameter name: read from the
   * resource, or from the JSON of an unparsed one.
   */
  private static List<IIdType> references(Resource resource, IncludeSpec include) {
    if (!(resource instanceof ResearchStudy rs)) {
      return List.of();
    }
    String param = include.param();
    String member =
        switch (param) {
          case "site" -> "site";
          case "sponsor" -> "sponsor";
          case "enrollment" -> "enrollment";
          case "protocol" -> "protocol";
          case "principalinvestigator" -> "principalInvestigator";
          default -> throw new InvalidSearchException("_include", "Unsupported _include " + param);
        };
    byte[] json = StoredJson.json(resource);
    if (json != null) {
      return StoredJson.references(json, member).stream()
          .map(reference -> (IIdType) new IdType(reference))
          .toList();
    }
    List<Reference> references =
        switch (member) {
          case "site" -> rs.getSite();
          case "sponsor" -> rs.hasSponsor() ? List.of(rs.getSponsor()) : List.of();
          case "enrollment" -> rs.getEnrollment();
          case "protocol" -> rs.getProtocol();
          default ->
              rs.hasPrincipalInvestigator() ? List.of(rs.getPrincipalInvestigator()) : List.of();
        };
    return references.stream().map(Reference::getReferenceElement).toList();
  }

  /**
   * For each match, the keys of the Locations its sites refer to, in their order, from its packed
   * sites; null for a match that is not a study or has none packed.
   */
  private static List<List<String>> siteKeys(
      Generation g, List<SearchResult.Match> matches, List<Integer> docs) throws IOException {
    List<List<String>> keys = new ArrayList<>(Collections.nCopies(matches.size(), null));
    packedSites(
        g.reader,
        docs,
        (i, packed) -> {
          if (!(matches.get(i).resource() instanceof ResearchStudy)) {
            return;
          }
          List<String> sites = new ArrayList<>();
          Sites.Cursor site = new Sites.Cursor(packed);
          while (site.next()) {
            sites.add(
                "Location/"
                    + new String(site.bytes, site.idOffset, site.idLength, StandardCharsets.UTF_8));
          }
          keys.set(i, sites);
        });
    return keys;
  }

  /** Told the packed sites of a document by {@link #packedSites}. */
  @FunctionalInterface
  private interface PackedSitesVisitor {
    /** The document at this position of the list, and its packed sites. */
    void visit(int position, BytesRef packed) throws IOException;
  }

  /**
   * Visits the packed sites of each of these documents that has some, in document order, with one
   * doc-values iterator per segment: each allocates a buffer of its segment's longest value (a
   * study with thousands of sites packs to 100 KB and more), so one per document would cost more
   * than reading them.
   */
  private static void packedSites(
      IndexReader reader, List<Integer> docs, PackedSitesVisitor visitor) throws IOException {
    inDocOrder(
        reader,
        docs,
        leaf -> leaf.getBinaryDocValues(IndexFields.SITES),
        (i, sites, doc) -> {
          if (sites != null && sites.advanceExact(doc)) {
            visitor.visit(i, sites.binaryValue());
          }
        });
  }

  /** The ids of these documents ({@code _id}'s doc values), in their order; null where none. */
  private static String[] idsOf(IndexReader reader, List<Integer> docs) throws IOException {
    String[] ids = new String[docs.size()];
    inDocOrder(
        reader,
        docs,
        leaf -> leaf.getSortedDocValues(IndexFields.sortField("_id")),
        (i, values, doc) -> {
          if (values != null && values.advanceExact(doc)) {
            ids[i] = values.lookupOrd(values.ordValue()).utf8ToString();
          }
        });
    return ids;
  }

  /** Opens a segment's doc values. */
  @FunctionalInterface
  private interface DocValuesOpener<V> {
    V open(LeafReader leaf) throws IOException;
  }

  /** Told a document, its segment's doc values and its doc id in the segment. */
  @FunctionalInterface
  private interface DocValuesVisitor<V> {
    void visit(int position, V values, int segmentDoc) throws IOException;
  }

  /**
   * Visits these documents in document order (doc values move forward only), each with its position
   * in the list and the doc values of its segment, opened once per segment.
   */
  private static <V> void inDocOrder(
      IndexReader reader,
      List<Integer> docs,
      DocValuesOpener<V> opener,
      DocValuesVisitor<V> visitor)
      throws IOException {
    Integer[] order = new Integer[docs.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(docs::get));
    List<LeafReaderContext> leaves = reader.leaves();
    LeafReaderContext leaf = null;
    V values = null;
    for (int i : order) {
      int doc = docs.get(i);
      if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
        leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        values = opener.open(leaf.reader());
      }
      visitor.visit(i, values, doc - leaf.docBase);
    }
  }

  /**
   * The resources of these keys that exist: those an earlier include read taken from the
   * generation's cache, the others looked up in the terms of each segment in key order (no query to
   * rewrite), their documents then read in index order.
   */
  private static Map<String, Resource> loadByKey(Generation g, Set<String> keys, boolean unparsed)
      throws IOException {
    Map<String, Resource> byKey = new HashMap<>();
    List<String> left = new ArrayList<>(keys.size());
    for (String key : keys) {
      Resource cached = unparsed ? g.cachedIncluded(key) : null;
      if (cached != null) {
        byKey.put(key, cached);
      } else {
        left.add(key);
      }
    }
    // In term order a segment's terms enum moves forward through its blocks.
    Collections.sort(left);
    BytesRef[] wanted = new BytesRef[left.size()];
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = new BytesRef(left.get(i));
    }
    int[] docs = new int[wanted.length];
    int found = 0;
    for (LeafReaderContext leaf : g.reader.leaves()) {
      Terms terms = leaf.reader().terms(IndexFields.KEY);
      if (terms == null || found == wanted.length) {
        continue;
      }
      TermsEnum keysOfLeaf = terms.iterator();
      Bits live = leaf.reader().getLiveDocs();
      PostingsEnum postings = null;
      for (int i = 0; i < wanted.length; i++) {
        if (wanted[i] == null || !keysOfLeaf.seekExact(wanted[i])) {
          continue;
        }
        postings = keysOfLeaf.postings(postings, PostingsEnum.NONE);
        for (int doc = postings.nextDoc();
            doc != DocIdSetIterator.NO_MORE_DOCS;
            doc = postings.nextDoc()) {
          if (live == null || live.get(doc)) {
            docs[found++] = leaf.docBase + doc;
            wanted[i] = null;
            break;
          }
        }
      }
    }
    Arrays.sort(docs, 0, found);
    StoredFields stored = g.searcher.storedFields();
    for (int i = 0; i < found; i++) {
      Resource resource = g.loadIncluded(stored, docs[i], unparsed);
      byKey.put(IndexFields.key(resource.fhirType(), resource.getIdPart()), resource);
    }
    return byKey;
  }

  /**
   * The stored JSON of a document, read into an array of its size (and no further copy: a study
   * with hundreds of sites weighs up to megabytes).
   */
  private static byte[] storedJson(StoredFields stored, int doc) throws IOException {
    JsonVisitor visitor = new JsonVisitor();
    stored.document(doc, visitor);
    if (visitor.json == null) {
      throw new IllegalStateException("document " + doc + " has no stored JSON");
    }
    return visitor.json;
  }

  /** Reads the stored JSON field alone, then stops. */
  private static final class JsonVisitor extends StoredFieldVisitor {
    byte[] json;

    @Override
    public Status needsField(FieldInfo field) {
      if (json != null) {
        return Status.STOP;
      }
      return field.name.equals(IndexFields.JSON) ? Status.YES : Status.NO;
    }

    @Override
    public void binaryField(FieldInfo field, byte[] value) {
      json = value;
    }
  }

  private static Parsed parse(byte[] json) {
    String text = new String(json, StandardCharsets.UTF_8);
    return new Parsed(
        (Resource) FhirContext.forR4Cached().newJsonParser().parseResource(text), text.length());
  }

  private Generation acquire() {
    while (true) {
      if (closed) {
        throw new IllegalStateException("the store is closed");
      }
      Generation g = current.get();
      if (g.tryIncRef()) {
        return g;
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (watcher != null) {
      watcher.shutdownNow();
    }
    current.get().decRef();
  }

  /** One open generation, reference-counted so a switch never closes it under a search. */
  private static final class Generation {
    final String name;
    final Directory directory;
    final DirectoryReader reader;
    final IndexSearcher searcher;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final Cache<Integer, Parsed> parsed;
    private final Cache<String, byte[]> included;
    private final Cache<Integer, byte[]> json;
    private final Cache<PageKey, Page> pages;
    private final Cache<Query, Integer> totals =
        Caffeine.newBuilder().maximumSize(TOTALS_CACHED).build();

    private Generation(String name, Directory directory, DirectoryReader reader) {
      this.name = name;
      this.directory = directory;
      this.reader = reader;
      this.searcher = new IndexSearcher(reader);
      this.parsed =
          weighed(CACHE_PROPERTY, DEFAULT_CACHE_CHARS, (Integer doc, Parsed p) -> p.chars());
      // A page weighs at least 8, so that pages without documents (counts) are bounded in number
      // too: their keys hold the criteria.
      this.pages =
          weighed(
              PAGE_CACHE_PROPERTY,
              DEFAULT_PAGE_CACHE_DOCS,
              (PageKey key, Page page) -> 8 + page.docs().size());
      this.included =
          weighed(
              INCLUDED_CACHE_PROPERTY,
              DEFAULT_INCLUDED_CACHE_BYTES,
              (String key, byte[] json) -> key.length() + json.length + 48);
      // An entry weighs its bytes and about 80 more: Caffeine's node, the key, the array header.
      this.json =
          weighed(
              JSON_CACHE_PROPERTY,
              defaultJsonCacheBytes(Runtime.getRuntime().maxMemory()),
              (Integer doc, byte[] bytes) -> bytes.length + 80);
    }

    /**
     * A cache of at most the weight a system property sets (else the default), or null when that is
     * 0 or less (the cache is off).
     */
    private static <K, V> Cache<K, V> weighed(
        String property, long defaultWeight, Weigher<K, V> weigher) {
      long budget = Long.getLong(property, defaultWeight);
      return budget <= 0
          ? null
          : Caffeine.newBuilder().maximumWeight(budget).weigher(weigher).build();
    }

    /**
     * The resource of a document: parsed from its stored JSON, or copied from the cache of parsed
     * resources (a copy, so callers may change what they get), or with {@code unparsed} its stored
     * JSON as it is ({@link StoredJson#unparsed}), marked with this generation's name ({@link
     * TrialStore#VERSION_USER_DATA}).
     */
    Resource load(StoredFields stored, int doc, boolean unparsed) throws IOException {
      return load(stored, doc, unparsed, true);
    }

    /**
     * The unparsed resource of a document whose type and id are known: its stored JSON, not read
     * for its id and meta ({@link StoredJson#unparsed(FhirContext, String, String, byte[])}).
     */
    Resource loadUnparsed(StoredFields stored, int doc, String type, String id) throws IOException {
      Resource resource =
          StoredJson.unparsed(FhirContext.forR4Cached(), type, id, json(stored, doc, true));
      resource.setUserData(TrialStore.VERSION_USER_DATA, name);
      return resource;
    }

    /**
     * As {@link #load(StoredFields, int, boolean)}; with {@code keep} false a document's JSON read
     * from the index is not added to the cache of stored JSON (the caller keeps it otherwise).
     */
    private Resource load(StoredFields stored, int doc, boolean unparsed, boolean keep)
        throws IOException {
      Resource resource;
      if (unparsed) {
        resource = StoredJson.unparsed(FhirContext.forR4Cached(), json(stored, doc, keep));
      } else if (parsed == null) {
        resource = parse(json(stored, doc, keep)).resource();
      } else {
        Parsed cached = parsed.getIfPresent(doc);
        if (cached == null) {
          // Kept parsed: its JSON is not kept too.
          cached = parse(json(stored, doc, false));
          parsed.put(doc, cached);
        }
        resource = cached.resource().copy();
      }
      resource.setUserData(TrialStore.VERSION_USER_DATA, name);
      return resource;
    }

    /**
     * The stored JSON of a document, from the cache of stored JSON if it is there, else read from
     * the index and, with {@code keep}, kept there (never changed by callers: {@link StoredJson}
     * hands it out as it is, a parse only reads it).
     */
    private byte[] json(StoredFields stored, int doc, boolean keep) throws IOException {
      byte[] bytes = json == null ? null : json.getIfPresent(doc);
      if (bytes == null) {
        bytes = storedJson(stored, doc);
        if (keep && json != null) {
          json.put(doc, bytes);
        }
      }
      return bytes;
    }

    /**
     * As {@link #load}, for a resource an {@code _include} follows: the sites, sponsors and
     * investigators that many studies share, so with {@code unparsed} their stored JSON is kept, by
     * key, for the next page ({@link #cachedIncluded}).
     */
    Resource loadIncluded(StoredFields stored, int doc, boolean unparsed) throws IOException {
      if (!unparsed || included == null) {
        return load(stored, doc, unparsed);
      }
      // Kept by key (below), not by document too.
      Resource resource = load(stored, doc, true, false);
      byte[] json = StoredJson.json(resource);
      if (json != null) {
        included.put(IndexFields.key(resource.fhirType(), resource.getIdPart()), json);
      }
      return resource;
    }

    /**
     * The unparsed resource of this key if {@link #loadIncluded} kept its JSON; null if not (the
     * key is then looked up in the index). Its type and id are the key's, its JSON is not read (an
     * included Location of a page of studies with many sites is one of thousands).
     */
    Resource cachedIncluded(String key) {
      byte[] json = included == null ? null : included.getIfPresent(key);
      if (json == null) {
        return null;
      }
      int slash = key.indexOf('/');
      Resource resource =
          StoredJson.unparsed(
              FhirContext.forR4Cached(), key.substring(0, slash), key.substring(slash + 1), json);
      resource.setUserData(TrialStore.VERSION_USER_DATA, name);
      return resource;
    }

    /**
     * The number of matches of a built query, remembered for the next page and the next client
     * asking the same (this generation's index never changes). Queries with site criteria are
     * counted every time: their term lists can be long, and their searches count as they collect.
     */
    int count(QueryBuilder.Built built) throws IOException {
      Query query = built.query();
      if (built.sites() != null) {
        return searcher.count(query);
      }
      Integer total = totals.getIfPresent(query);
      if (total == null) {
        total = searcher.count(query);
        totals.put(query, total);
      }
      return total;
    }

    static Generation open(IndexDirectory folder, String name) throws IOException {
      Directory directory = new MMapDirectory(folder.generation(name));
      try {
        return new Generation(name, directory, DirectoryReader.open(directory));
      } catch (IOException | RuntimeException e) {
        directory.close();
        throw e;
      }
    }

    boolean tryIncRef() {
      while (true) {
        int n = refs.get();
        if (n <= 0) {
          return false;
        }
        if (refs.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void decRef() {
      if (refs.decrementAndGet() == 0) {
        try {
          reader.close();
          directory.close();
        } catch (IOException e) {
          LOG.warn("could not close index generation {}: {}", name, e.toString());
        }
      }
    }
  }
}
