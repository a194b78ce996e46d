package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.json.FhirJsonEncoder;
import org.trialfhir.mapping.Fhir;
import org.trialfhir.mapping.TrialGraph;

/**
 * Writes one new index generation: every resource of every study added, shared Locations and
 * Organizations once each, committed once at the end and then switched in atomically. Thread-safe:
 * call {@link #add} from several threads.
 *
 * <p>Shared resources come from many studies; when two studies give different content for one id
 * (the same site last updated on two dates, or geocoded differently), the index keeps one chosen by
 * content alone (the longest JSON, then the larger hash), so the result does not depend on the
 * order of the input or of the threads; studies are searched by {@code near} at the position of the
 * version kept. A study read twice is replaced by the later record (the higher sequence number).
 */
public final class TrialIndexWriter implements Closeable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TrialIndexWriter.class);

  /**
   * The order of documents in every segment: by id, the default order of search results, so that a
   * search in that order stops collecting after its page.
   */
  static final SortField ID_ORDER =
      new SortField(IndexFields.sortField("_id"), SortField.Type.STRING);

  /** RAM buffered before a segment is flushed (issue 4: bulk loads of 570,000 studies). */
  static final double RAM_BUFFER_MB = 256;

  /**
   * The size the optional final merge ({@link #mergingSegments}) aims at for each segment. Every
   * search, lookup by id and include looks in each segment: at 570,000 studies an import flushes 15
   * segments of about 0.45 GB; merged into 4 or 5, uncached near and _include searches took about a
   * fifth less time (StoreBench), and the merge took 100–130 s on 2 cores.
   */
  static final long SEGMENT_TARGET_BYTES = 2L << 30;

  private final IndexDirectory folder;
  private final FileLock lock;
  private final String generation;
  private final Directory directory;
  private final IndexWriter writer;
  private final ConcurrentMergeScheduler scheduler;
  private boolean mergeSegments;
  private final ConcurrentHashMap<String, Long> studies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> shared = new ConcurrentHashMap<>();
  private final AtomicLong resources = new AtomicLong();
  private final ThreadLocal<IParser> parsers =
      ThreadLocal.withInitial(() -> FhirContext.forR4Cached().newJsonParser());

  /** Writes the stored JSON: byte for byte what HAPI's parser writes, several times faster. */
  private static final FhirJsonEncoder ENCODER = new FhirJsonEncoder(Fhir.context());

  private boolean finished;

  private TrialIndexWriter(IndexDirectory folder) throws IOException {
    this.folder = folder;
    this.lock = folder.lock();
    try {
      this.generation = folder.newGeneration();
      this.directory = FSDirectory.open(folder.generation(generation));
      IndexWriterConfig config = new IndexWriterConfig(TextAnalysis.INSTANCE);
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      config.setRAMBufferSizeMB(RAM_BUFFER_MB);
      config.setCommitOnClose(false);
      config.setIndexSort(new Sort(ID_ORDER));
      config.setUseCompoundFile(false);
      // Stored JSON is most of the index, and what every answer reads (served as it is): LZ4
      // (BEST_SPEED) rather than DEFLATE. Measured on 50,000 generated studies: 23 % less import
      // CPU and cheaper reads, for an index 1.6 times the size (570,000 studies: about 6.3 GB of
      // the 8 GB allowed).
      config.setCodec(new Lucene912Codec(Lucene912Codec.Mode.BEST_SPEED));
      TieredMergePolicy merges = new TieredMergePolicy();
      merges.setSegmentsPerTier(8);
      merges.setFloorSegmentMB(16);
      config.setMergePolicy(merges);
      this.scheduler = new ConcurrentMergeScheduler();
      // One merge thread while the other threads map and index; the final merge gets them all.
      scheduler.setMaxMergesAndThreads(4, 1);
      config.setMergeScheduler(scheduler);
      this.writer = new IndexWriter(directory, config);
    } catch (IOException | RuntimeException e) {
      lock.channel().close();
      throw e;
    }
  }

  /** Starts a new generation in the index folder (creating the folder if needed). */
  public static TrialIndexWriter create(java.nio.file.Path indexDir) throws IOException {
    return new TrialIndexWriter(new IndexDirectory(indexDir));
  }

  /** The name of the generation being written. */
  public String generation() {
    return generation;
  }

  /** How many resources are in the generation so far. */
  public long resources() {
    return resources.get();
  }

  /**
   * Adds every resource of a study's graph.
   *
   * @param sequence the record's position in the input: a later record of the same NCT id replaces
   *     an earlier one, whatever the order of the calls
   */
  public void add(TrialGraph graph, long sequence) throws IOException {
    Map<String, Location> locations = new HashMap<>();
    graph.locations().forEach(l -> locations.put(l.getIdPart(), l));
    String nctId = graph.researchStudy().getIdPart();
    List<Document> owned = new java.util.ArrayList<>();
    for (Resource resource : graph.resources()) {
      String json = ENCODER.encode(resource);
      if (resource instanceof Location || resource instanceof Organization) {
        addShared(resource, json, locations);
      } else {
        IndexFields fields = IndexValues.fields(resource, graph.eligibility(), locations);
        fields.owner(nctId);
        fields.json(json);
        owned.add(fields.document());
      }
    }
    try {
      studies.compute(
          nctId,
          (id, previous) -> {
            if (previous != null && previous > sequence) {
              return previous;
            }
            try {
              if (previous != null) {
                writer.deleteDocuments(new Term(IndexFields.OWNER, id));
                resources.addAndGet(-countOwned(id));
              }
              writer.addDocuments(owned);
              ownedCounts.put(id, owned.size());
              resources.addAndGet(owned.size());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return sequence;
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private final ConcurrentHashMap<String, Integer> ownedCounts = new ConcurrentHashMap<>();

  private int countOwned(String nctId) {
    Integer n = ownedCounts.get(nctId);
    return n == null ? 0 : n;
  }

  /** Bits of a shared entry: a version with a position, one without; the rank above them. */
  private static final long WITH_POSITION = 1;

  private static final long WITHOUT_POSITION = 2;

  private void addShared(Resource resource, String json, Map<String, Location> locations)
      throws IOException {
    String key = IndexFields.key(resource.fhirType(), resource.getIdPart());
    long rank = rank(json);
    long seen =
        resource instanceof Location location
            ? (location.hasPosition() ? WITH_POSITION : WITHOUT_POSITION)
            : 0;
    // Most sites and sponsors arrive again and again, and most arrivals do not replace the version
    // kept: those only record whether they had a position, without building a document.
    Long known = shared.get(key);
    if (known != null && rank <= known >>> 2) {
      // Ranks only grow, so this version will never be the one kept.
      shared.computeIfPresent(key, (k, previous) -> previous | seen);
      return;
    }
    IndexFields fields = IndexValues.fields(resource, null, locations);
    fields.json(json);
    Document document = fields.document();
    try {
      shared.compute(
          key,
          (k, previous) -> {
            try {
              if (previous == null) {
                writer.addDocument(document);
                resources.incrementAndGet();
                return rank << 2 | seen;
              }
              long bits = (previous & 3) | seen;
              if (rank > previous >>> 2) {
                writer.updateDocument(new Term(IndexFields.KEY, k), document);
                return rank << 2 | bits;
              }
              return (previous & ~3L) | bits;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Re-indexes the studies with a site whose Location came with a position from some studies and
   * without one from others, so that whether near has a value for them ({@code near:missing})
   * follows the Location version the index serves (what {@code ResearchStudy.site.resolve()
   * .position} gives). Positions themselves need nothing: near is resolved against the served
   * Locations at search time.
   */
  private void reconcilePositions() throws IOException {
    List<String> conflicted =
        shared.entrySet().stream()
            .filter(e -> (e.getValue() & 3) == (WITH_POSITION | WITHOUT_POSITION))
            .map(e -> e.getKey().substring("Location/".length()))
            .sorted()
            .toList();
    if (conflicted.isEmpty()) {
      return;
    }
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      Set<String> studyIds = new TreeSet<>();
      for (String id : conflicted) {
        TopDocs hits =
            searcher.search(
                new TermQuery(new Term(IndexFields.field("site", "r"), "Location/" + id)),
                Math.max(1, reader.maxDoc()));
        for (ScoreDoc hit : hits.scoreDocs) {
          studyIds.add(idOf(reader, hit.doc));
        }
      }
      IParser parser = parsers.get();
      Map<String, Location> served = new HashMap<>();
      for (String nctId : studyIds) {
        String key = IndexFields.key("ResearchStudy", nctId);
        String json = json(searcher, key);
        ResearchStudy study = parser.parseResource(ResearchStudy.class, json);
        Group eligibility = null;
        if (study.hasEnrollment()) {
          String groupJson = json(searcher, study.getEnrollmentFirstRep().getReference());
          eligibility = groupJson == null ? null : parser.parseResource(Group.class, groupJson);
        }
        Map<String, Location> locations = new HashMap<>();
        for (Reference site : study.getSite()) {
          String id = site.getReferenceElement().getIdPart();
          Location location = served.computeIfAbsent(id, k -> position(searcher, k));
          if (location != null) {
            locations.put(id, location);
          }
        }
        IndexFields fields = IndexValues.fields(study, eligibility, locations);
        fields.owner(nctId);
        fields.json(json);
        writer.updateDocument(new Term(IndexFields.KEY, key), fields.document());
      }
      LOG.info(
          "{} sites came with a position from some studies and without from others; re-indexed"
              + " the {} studies at them with the Locations served",
          conflicted.size(),
          studyIds.size());
    }
  }

  private static String idOf(IndexReader reader, int doc) throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    SortedDocValues ids = leaf.reader().getSortedDocValues(IndexFields.sortField("_id"));
    if (ids == null || !ids.advanceExact(doc - leaf.docBase)) {
      throw new IllegalStateException("a document without an id");
    }
    return ids.lookupOrd(ids.ordValue()).utf8ToString();
  }

  /**
   * The served Location's position alone (read from its sites doc value, not parsed), or null when
   * the index has no such Location.
   */
  private static Location position(IndexSearcher searcher, String id) {
    try {
      TopDocs hits =
          searcher.search(
              new TermQuery(new Term(IndexFields.KEY, IndexFields.key("Location", id))), 1);
      if (hits.scoreDocs.length == 0) {
        return null;
      }
      int doc = hits.scoreDocs[0].doc;
      List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
      Location location = new Location();
      location.setId(id);
      BinaryDocValues sites = leaf.reader().getBinaryDocValues(IndexFields.POSITION);
      if (sites != null && sites.advanceExact(doc - leaf.docBase)) {
        double[] position = Sites.decodePosition(sites.binaryValue());
        location.getPosition().setLatitude(position[0]).setLongitude(position[1]);
      }
      return location;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored JSON of the resource with this key, or null. */
  private static String json(IndexSearcher searcher, String key) throws IOException {
    TopDocs hits = searcher.search(new TermQuery(new Term(IndexFields.KEY, key)), 1);
    if (hits.scoreDocs.length == 0) {
      return null;
    }
    BytesRef json =
        searcher
            .storedFields()
            .document(hits.scoreDocs[0].doc, Set.of(IndexFields.JSON))
            .getBinaryValue(IndexFields.JSON);
    return new String(json.bytes, json.offset, json.length, StandardCharsets.UTF_8);
  }

  /**
   * The order in which versions of a shared resource are preferred: the longest JSON, then the
   * larger hash. It depends on the content alone, so the kept version does not depend on the order
   * in which studies arrive.
   */
  static long rank(String json) {
    return ((long) json.length() << 32) | (json.hashCode() & 0xffffffffL);
  }

  /** How many distinct studies were added. */
  public int studies() {
    return studies.size();
  }

  /**
   * Commits the generation (once), points {@code CURRENT} at it, and removes every other
   * generation. Returns the generation's name.
   */
  public String commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    try {
      try {
        reconcilePositions();
        if (mergeSegments) {
          mergeSegments();
        }
        writer.commit();
        writer.close();
        directory.close();
        folder.switchTo(generation);
      } catch (IOException | RuntimeException e) {
        abortQuietly();
        throw e;
      }
      try {
        folder.removeAllBut(generation);
      } catch (IOException e) {
        // The new generation serves; the next import retries the clean-up.
        LOG.warn("could not remove old generations in {}: {}", folder.root(), e.toString());
      }
      return generation;
    } finally {
      lock.channel().close();
    }
  }

  /**
   * Whether {@link #commit} first merges the generation into segments of about {@link
   * #SEGMENT_TARGET_BYTES}: searches then cost less, the import takes longer.
   */
  public TrialIndexWriter mergingSegments(boolean merge) {
    this.mergeSegments = merge;
    return this;
  }

  /**
   * Merges the generation into segments of about {@link #SEGMENT_TARGET_BYTES} (one for a small
   * index), with as many merge threads as cores now that mapping is done.
   */
  private void mergeSegments() throws IOException {
    writer.flush();
    long bytes = 0;
    int segments = 0;
    for (String file : directory.listAll()) {
      bytes += directory.fileLength(file);
      segments += file.endsWith(".si") ? 1 : 0;
    }
    int target = (int) Math.max(1, (bytes + SEGMENT_TARGET_BYTES - 1) / SEGMENT_TARGET_BYTES);
    if (segments <= target) {
      return;
    }
    LOG.info(
        "merging the index's {} segments into {} ({} MB): searches look in each segment",
        segments,
        target,
        bytes >> 20);
    long start = System.nanoTime();
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    scheduler.setMaxMergesAndThreads(Math.max(4, cores + 2), cores);
    writer.forceMerge(target);
    LOG.info("merged in {} s", (System.nanoTime() - start) / 1_000_000_000);
  }

  /** Drops the generation being written; the served one is untouched. */
  public void abort() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      abortQuietly();
    } finally {
      lock.channel().close();
    }
  }

  private void abortQuietly() {
    try {
      writer.rollback();
    } catch (IOException | RuntimeException ignored) {
      // Already failing; the folder is removed below.
    }
    try {
      directory.close();
    } catch (IOException ignored) {
      // Idem.
    }
    try {
      IndexDirectory.deleteTree(folder.generation(generation));
    } catch (IOException ignored) {
      // The next import removes it.
    }
  }

  /** Aborts unless committed. */
  @Override
  public void close() throws IOException {
    abort();
  }
}
