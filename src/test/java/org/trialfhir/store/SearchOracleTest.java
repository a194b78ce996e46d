package org.trialfhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.index.Terms;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.Sort;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialGraph;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.QueryParser;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;

/**
 * The oracle test: a few hundred generated searches (seeded random combinations of parameters,
 * modifiers, prefixes and OR lists, with values drawn from the corpus) must give exactly the ids
 * that a brute-force evaluation over the mapped resources gives ({@link Oracle}: each parameter's
 * published FHIRPath expression, evaluated by HAPI's FHIRPathEngine, and the search rules written
 * out separately). Near searches also compare each match's distance with Vincenty's formula.
 */
class SearchOracleTest {
  private static final int QUERIES = 400;
  private static final long SEED = 20250601L;

  static LuceneTrialStore store;
  static Oracle oracle;
  private final QueryParser parser = new QueryParser();
  private long oracleNanos;
  private long storeNanos;

  @BeforeAll
  static void indexTheCorpus() {
    long start = System.nanoTime();
    Corpus.graphs();
    long mapped = System.nanoTime();
    store = Corpus.sharedStore();
    long indexed = System.nanoTime();
    oracle = new Oracle(Corpus.NOW.toEpochMilli());
    System.out.printf(
        "oracle setup: mapped in %.1f s, indexed in %.1f s, oracle in %.1f s%n",
        (mapped - start) / 1e9, (indexed - mapped) / 1e9, (System.nanoTime() - indexed) / 1e9);
  }

  @Test
  void generatedSearchesEqualBruteForce() {
    Generator generator = new Generator(new Random(SEED));
    List<String> failures = new ArrayList<>();
    int nonEmpty = 0;
    int empty = 0;
    int refused = 0;
    Set<String> paramsSeen = new TreeSet<>();
    for (int i = 0; i < QUERIES; i++) {
      Generator.Search search = generator.next();
      SearchQuery query = parser.parse(search.type(), search.params(), false);
      query.criteria().forEach(c -> paramsSeen.add(search.type() + "." + c.name()));
      Set<String> expected;
      long t0 = System.nanoTime();
      try {
        expected = oracle.evaluate(query);
      } catch (InvalidSearchException e) {
        expected = null;
      }
      long t1 = System.nanoTime();
      List<LuceneTrialStore.Hit> actual;
      try {
        actual = store.searchIds(query);
      } catch (InvalidSearchException e) {
        actual = null;
      }
      oracleNanos += t1 - t0;
      storeNanos += System.nanoTime() - t1;
      String label = search.type() + "?" + describe(search.params());
      if (expected == null || actual == null) {
        if ((expected == null) != (actual == null)) {
          failures.add(label + ": refused by only one of store and oracle");
        }
        refused++;
        continue;
      }
      Set<String> ids = actual.stream().map(LuceneTrialStore.Hit::id).collect(Collectors.toSet());
      if (!ids.equals(expected)) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(ids);
        Set<String> extra = new TreeSet<>(ids);
        extra.removeAll(expected);
        failures.add(label + ": missing " + first(missing) + ", unexpected " + first(extra));
        continue;
      }
      if (ids.size() != actual.size()) {
        failures.add(label + ": duplicates across pages");
      }
      checkDistances(query, actual, label, failures);
      if (i % 8 == 0 && actual.size() <= 300) {
        // The paged search, loading resources, returns the same matches in the same order.
        List<SearchResult.Match> paged = all(query.withPage(0, 50));
        List<String> pagedIds = paged.stream().map(m -> m.resource().getIdPart()).toList();
        if (!pagedIds.equals(actual.stream().map(LuceneTrialStore.Hit::id).toList())) {
          failures.add(label + ": paged results differ from searchIds");
        }
        for (int k = 0; k < paged.size(); k++) {
          if (!java.util.Objects.equals(paged.get(k).distanceKm(), actual.get(k).distanceKm())) {
            failures.add(label + ": paged distance differs");
          }
        }
      }
      if (ids.isEmpty()) {
        empty++;
      } else {
        nonEmpty++;
      }
    }
    System.out.printf("oracle %.1f s, store %.1f s%n", oracleNanos / 1e9, storeNanos / 1e9);
    System.out.printf(
        "oracle: %d searches (%d with results, %d without, %d refused), %d parameters%n",
        QUERIES, nonEmpty, empty, refused, paramsSeen.size());
    assertThat(failures).as("searches whose results differ from brute force").isEmpty();
    // The generator must exercise both outcomes, and most parameters.
    assertThat(nonEmpty).isGreaterThan(QUERIES / 2);
    assertThat(empty).isGreaterThan(QUERIES / 50);
    assertThat(paramsSeen.size()).isGreaterThan(50);
  }

  private static final String SITE_STATUS =
      "http://trialfhir.org/fhir/CodeSystem/ctgov-site-status";

  /**
   * Site-level criteria beside one near, as extra parameters, and whether the (Location, status)
   * terms answer them exactly (otherwise the packed sites confirm each candidate).
   */
  private record SiteCriteria(boolean exact, String... params) {
    @Override
    public String toString() {
      return String.join(" ", params);
    }
  }

  private static final List<SiteCriteria> SITE_CRITERIA =
      List.of(
          new SiteCriteria(true),
          new SiteCriteria(true, "site-status", "RECRUITING"),
          new SiteCriteria(true, "site-status", "RECRUITING,NOT_YET_RECRUITING"),
          new SiteCriteria(
              true,
              "site-status",
              "RECRUITING,COMPLETED",
              "site-status",
              "COMPLETED,ACTIVE_NOT_RECRUITING"),
          new SiteCriteria(true, "site-status", "RECRUITING", "site-status", "COMPLETED"),
          new SiteCriteria(false, "site-status:not", "RECRUITING"),
          new SiteCriteria(false, "site-status:not", "COMPLETED", "site-status", "RECRUITING"),
          new SiteCriteria(true, "site-status", SITE_STATUS + "|RECRUITING"),
          new SiteCriteria(true, "site-status", "http://example.org/other|RECRUITING,COMPLETED"),
          new SiteCriteria(true, "site-status", "|RECRUITING"),
          new SiteCriteria(false, "site-status", SITE_STATUS + "|"),
          new SiteCriteria(
              true, "site-status", SITE_STATUS + "|", "site-status", "RECRUITING,COMPLETED"),
          new SiteCriteria(true, "site-status", "recruiting"),
          // A second near criterion (the same point, half the distance) on the same site.
          new SiteCriteria(false, "near", "", "site-status", "RECRUITING"));

  private static Path legacyDir;

  @AfterAll
  static void deleteTheLegacyIndex() throws IOException {
    if (legacyDir != null) {
      IndexDirectory.deleteTree(legacyDir);
    }
  }

  /**
   * An index as written before the (Location, status) terms: the corpus index without {@link
   * IndexFields#SITE_STATUS_AT}, built once.
   */
  private static synchronized Path legacyIndex() throws IOException {
    if (legacyDir == null) {
      IndexDirectory source = new IndexDirectory(Corpus.sharedDir());
      Path dir = Files.createTempDirectory("trialfhir-legacy-index");
      IndexDirectory target = new IndexDirectory(dir);
      String generation = target.newGeneration();
      try (Directory in = FSDirectory.open(source.generation(source.current().orElseThrow()));
          DirectoryReader reader = DirectoryReader.open(in);
          Directory out = FSDirectory.open(target.generation(generation));
          IndexWriter writer =
              new IndexWriter(
                  out,
                  new IndexWriterConfig(TextAnalysis.INSTANCE)
                      .setIndexSort(new Sort(TrialIndexWriter.ID_ORDER)))) {
        List<CodecReader> leaves = new ArrayList<>();
        for (LeafReaderContext leaf : reader.leaves()) {
          leaves.add(SlowCodecReaderWrapper.wrap(new WithoutSiteStatusAt(leaf.reader())));
        }
        writer.addIndexes(leaves.toArray(CodecReader[]::new));
        writer.commit();
      }
      target.switchTo(generation);
      legacyDir = dir;
    }
    return legacyDir;
  }

  /** A segment as an index written before {@link IndexFields#SITE_STATUS_AT} has it. */
  private static final class WithoutSiteStatusAt extends FilterLeafReader {
    private final FieldInfos infos;

    WithoutSiteStatusAt(LeafReader in) {
      super(in);
      List<FieldInfo> kept = new ArrayList<>();
      for (FieldInfo info : in.getFieldInfos()) {
        if (!info.name.equals(IndexFields.SITE_STATUS_AT)) {
          kept.add(info);
        }
      }
      infos = new FieldInfos(kept.toArray(FieldInfo[]::new));
    }

    @Override
    public FieldInfos getFieldInfos() {
      return infos;
    }

    @Override
    public Terms terms(String field) throws IOException {
      return field.equals(IndexFields.SITE_STATUS_AT) ? null : super.terms(field);
    }

    @Override
    public CacheHelper getCoreCacheHelper() {
      return null;
    }

    @Override
    public CacheHelper getReaderCacheHelper() {
      return null;
    }
  }

  /** A near search around a Location of the corpus, with the extra parameters. */
  private SearchQuery nearSearch(
      String type, double lat, double lon, String km, SiteCriteria criteria, boolean sorted) {
    String near = String.format(java.util.Locale.ROOT, "%.4f|%.4f|%s|km", lat, lon, km);
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.computeIfAbsent("near", k -> new ArrayList<>()).add(near);
    String[] extra = criteria.params();
    for (int i = 0; i < extra.length; i += 2) {
      // An empty near is a second near criterion: the same point, half the distance.
      String value =
          extra[i].equals("near")
              ? String.format(java.util.Locale.ROOT, "%.4f|%.4f|%s|km", lat, lon, half(km))
              : extra[i + 1];
      params.computeIfAbsent(extra[i], k -> new ArrayList<>()).add(value);
    }
    if (sorted) {
      params.put("_sort", List.of("near"));
    }
    Map<String, String[]> map = new LinkedHashMap<>();
    params.forEach((k, v) -> map.put(k, v.toArray(String[]::new)));
    return parser.parse(type, map, false).withPage(0, 7);
  }

  private static String half(String km) {
    return Double.toString(Double.parseDouble(km) / 2);
  }

  /**
   * near with site-status in each form, sorted by distance or not, on the corpus index (answered
   * from the (Location, status) terms where exact) and on an index without them (answered from the
   * packed sites): the same matches as brute force, with its distances, and the same pages, order,
   * distances and totals on both indexes.
   */
  @Test
  void nearWithSiteStatusEqualsBruteForceWithAndWithoutTheSiteStatusTerms() throws IOException {
    Random random = new Random(SEED);
    List<Location> located =
        Corpus.resources("Location").stream()
            .map(Location.class::cast)
            .filter(Location::hasPosition)
            .toList();
    List<String> failures = new ArrayList<>();
    int nonEmpty = 0;
    int searches = 0;
    try (LuceneTrialStore legacy =
        LuceneTrialStore.open(legacyIndex(), Clock.fixed(Corpus.NOW, ZoneOffset.UTC), null)) {
      for (int i = 0; i < 6; i++) {
        Location l = located.get(random.nextInt(located.size()));
        double lat = l.getPosition().getLatitude().doubleValue();
        double lon = l.getPosition().getLongitude().doubleValue();
        String km = List.of("25", "100", "400").get(i % 3);
        for (SiteCriteria criteria : SITE_CRITERIA) {
          List<String> types =
              criteria.params().length == 0
                  ? List.of("ResearchStudy", "Location")
                  : List.of("ResearchStudy");
          for (String type : types) {
            for (boolean sorted : new boolean[] {false, true}) {
              SearchQuery query = nearSearch(type, lat, lon, km, criteria, sorted);
              String label =
                  type
                      + " near "
                      + lat
                      + ","
                      + lon
                      + " "
                      + km
                      + " km "
                      + criteria
                      + (sorted ? " _sort=near" : "");
              searches++;
              Set<String> expected = oracle.evaluate(query);
              List<LuceneTrialStore.Hit> actual = store.searchIds(query);
              List<String> ids = actual.stream().map(LuceneTrialStore.Hit::id).toList();
              if (!new java.util.HashSet<>(ids).equals(expected) || ids.size() != expected.size()) {
                failures.add(
                    label + ": " + ids.size() + " matches, brute force " + expected.size());
                continue;
              }
              checkDistances(query, actual, label, failures);
              nonEmpty += ids.isEmpty() ? 0 : 1;
              for (LuceneTrialStore s : List.of(store, legacy)) {
                List<SearchResult.Match> paged = all(s, query);
                if (!paged.stream().map(m -> m.resource().getIdPart()).toList().equals(ids)
                    || !paged.stream()
                        .map(SearchResult.Match::distanceKm)
                        .toList()
                        .equals(actual.stream().map(LuceneTrialStore.Hit::distanceKm).toList())) {
                  failures.add(label + (s == store ? "" : " (old index)") + ": pages differ");
                }
              }
            }
          }
        }
      }
    }
    assertThat(failures).as("near searches whose results differ").isEmpty();
    assertThat(nonEmpty).isGreaterThan(searches / 3);
  }

  /**
   * The (Location, status) terms replace the site confirmation only where they are exact, and only
   * in an index that has them; near alone needs no confirmation in any index.
   */
  @Test
  void theSiteConfirmationIsLeftOutOnlyWhereTheTermsAreExact() throws IOException {
    Location l =
        Corpus.resources("Location").stream()
            .map(Location.class::cast)
            .filter(Location::hasPosition)
            .findFirst()
            .orElseThrow();
    double lat = l.getPosition().getLatitude().doubleValue();
    double lon = l.getPosition().getLongitude().doubleValue();
    IndexDirectory current = new IndexDirectory(Corpus.sharedDir());
    IndexDirectory old = new IndexDirectory(legacyIndex());
    try (Directory d1 = FSDirectory.open(current.generation(current.current().orElseThrow()));
        DirectoryReader withTerms = DirectoryReader.open(d1);
        Directory d2 = FSDirectory.open(old.generation(old.current().orElseThrow()));
        DirectoryReader withoutTerms = DirectoryReader.open(d2)) {
      QueryBuilder terms =
          new QueryBuilder(Corpus.NOW.toEpochMilli(), new IndexSearcher(withTerms));
      QueryBuilder packed =
          new QueryBuilder(Corpus.NOW.toEpochMilli(), new IndexSearcher(withoutTerms));
      for (SiteCriteria criteria : SITE_CRITERIA) {
        SearchQuery query = nearSearch("ResearchStudy", lat, lon, "50", criteria, true);
        QueryBuilder.Built built = terms.build(query);
        assertThat(siteQueries(built.query()))
            .as(criteria.toString())
            .isEqualTo(criteria.exact() ? 0 : 1);
        assertThat(built.terms() != null).as(criteria.toString()).isEqualTo(criteria.exact());
        assertThat(built.sites()).as("kept for the distances").isNotNull();
        boolean nearAlone = criteria.params().length == 0;
        QueryBuilder.Built fallback = packed.build(query);
        assertThat(siteQueries(fallback.query()))
            .as(criteria.toString())
            .isEqualTo(nearAlone ? 0 : 1);
        assertThat(fallback.terms() != null).isEqualTo(nearAlone);
      }
      QueryBuilder.Built one =
          terms.build(nearSearch("ResearchStudy", lat, lon, "50", SITE_CRITERIA.get(1), true));
      assertThat(one.terms().field()).isEqualTo(IndexFields.SITE_STATUS_AT);
      assertThat(one.terms().at("loc-1")).containsExactly(new BytesRef("loc-1|RECRUITING"));
      QueryBuilder.Built locations =
          terms.build(nearSearch("Location", lat, lon, "50", SITE_CRITERIA.get(0), false));
      assertThat(siteQueries(locations.query())).isZero();
    }
  }

  private static int siteQueries(Query query) {
    int[] n = {0};
    query.visit(
        new QueryVisitor() {
          @Override
          public void visitLeaf(Query leaf) {
            if (leaf instanceof SiteQuery) {
              n[0]++;
            }
          }
        });
    return n[0];
  }

  private void checkDistances(
      SearchQuery query, List<LuceneTrialStore.Hit> actual, String label, List<String> failures) {
    boolean near = query.criteria().stream().anyMatch(c -> c.name().equals("near"));
    Double previous = null;
    boolean sorted = query.sort().stream().anyMatch(k -> k.param().equals("near"));
    for (LuceneTrialStore.Hit match : actual) {
      Double expected =
          near ? oracle.distance(resource(query.resourceType(), match), query.criteria()) : null;
      if (!near) {
        if (match.distanceKm() != null) {
          failures.add(label + ": a distance without near");
        }
        continue;
      }
      if (match.distanceKm() == null || Math.abs(match.distanceKm() - expected) > 1e-6) {
        failures.add(
            label
                + ": "
                + match.id()
                + " at "
                + match.distanceKm()
                + " km, Vincenty says "
                + expected);
      }
      if (sorted && previous != null && match.distanceKm() < previous) {
        failures.add(label + ": not sorted by distance");
      }
      previous = match.distanceKm();
    }
  }

  private static final Map<String, Resource> BY_KEY = new java.util.HashMap<>();

  private static Resource resource(String type, LuceneTrialStore.Hit match) {
    if (BY_KEY.isEmpty()) {
      for (String t : org.trialfhir.search.SearchParameters.TYPES) {
        Corpus.resources(t).forEach(r -> BY_KEY.put(t + "/" + r.getIdPart(), r));
      }
    }
    return BY_KEY.get(type + "/" + match.id());
  }

  /** Every match, page by page, checking the total on each page. */
  static List<SearchResult.Match> all(SearchQuery query) {
    return all(store, query);
  }

  /** Every match of a store, page by page, checking the total on the last page. */
  static List<SearchResult.Match> all(LuceneTrialStore store, SearchQuery query) {
    List<SearchResult.Match> all = new ArrayList<>();
    int offset = 0;
    while (true) {
      SearchResult page = store.search(query.withPage(offset, query.count()));
      all.addAll(page.matches());
      offset += page.matches().size();
      if (page.matches().size() < query.count()) {
        assertThat(page.total()).isEqualTo(all.size());
        return all;
      }
    }
  }

  private static String first(Set<String> ids) {
    return ids.stream().limit(5).collect(Collectors.joining(","))
        + (ids.size() > 5 ? ",… (" + ids.size() + ")" : "");
  }

  private static String describe(Map<String, String[]> params) {
    return params.entrySet().stream()
        .flatMap(e -> java.util.Arrays.stream(e.getValue()).map(v -> e.getKey() + "=" + v))
        .collect(Collectors.joining("&"));
  }

  /** Seeded random searches with values drawn from the corpus. */
  static final class Generator {
    record Search(String type, Map<String, String[]> params) {}

    private final Random random;
    private final List<TrialGraph> graphs = Corpus.graphs();

    Generator(Random random) {
      this.random = random;
    }

    Search next() {
      int roll = random.nextInt(100);
      String type =
          roll < 75
              ? "ResearchStudy"
              : roll < 83
                  ? "Location"
                  : roll < 88
                      ? "Organization"
                      : roll < 92 ? "Practitioner" : roll < 96 ? "Group" : "PlanDefinition";
      Map<String, List<String>> params = new LinkedHashMap<>();
      int criteria = 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 2);
      for (int i = 0; i < criteria; i++) {
        String[] pair = criterion(type);
        params.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]);
      }
      if (type.equals("ResearchStudy") && random.nextInt(6) == 0) {
        params
            .computeIfAbsent("_sort", k -> new ArrayList<>())
            .add(pick(List.of("title", "-date", "_lastUpdated")));
      }
      Map<String, String[]> map = new LinkedHashMap<>();
      params.forEach((k, v) -> map.put(k, v.toArray(String[]::new)));
      if (map.containsKey("near") && random.nextBoolean() && !map.containsKey("_sort")) {
        map.put("_sort", new String[] {"near"});
      }
      return new Search(type, map);
    }

    private <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }

    private TrialGraph graph() {
      return pick(graphs);
    }

    private ResearchStudy study() {
      return graph().researchStudy();
    }

    /** A value, sometimes OR-ed with a second one drawn the same way. */
    private String orList(java.util.function.Supplier<String> value) {
      String v = value.get();
      return random.nextInt(4) == 0 ? v + "," + value.get() : v;
    }

    private static String escape(String s) {
      return s.replace("\\", "\\\\").replace(",", "\\,");
    }

    private String[] criterion(String type) {
      if (random.nextInt(12) == 0) {
        return missing(type);
      }
      return switch (type) {
        case "ResearchStudy" -> studyCriterion();
        case "Location" -> locationCriterion();
        case "Organization" -> organizationCriterion();
        case "Practitioner" ->
            new String[] {"name" + stringModifier(), stringValue(practitionerName())};
        case "Group" -> groupCriterion();
        default -> planCriterion();
      };
    }

    private String[] missing(String type) {
      List<String> params =
          switch (type) {
            case "ResearchStudy" ->
                List.of(
                    "partof",
                    "principalinvestigator",
                    "phase",
                    "date",
                    "keyword",
                    "condition",
                    "eligible-age",
                    "eligible-sex",
                    "healthy-volunteers",
                    "near",
                    "site-status",
                    "sponsor",
                    "focus");
            case "Location" -> List.of("address", "address-postalcode", "address-state", "near");
            case "Organization" -> List.of("type", "name");
            case "Group" -> List.of("characteristic", "exclude");
            case "PlanDefinition" -> List.of("title", "type");
            default -> List.of("name");
          };
      return new String[] {pick(params) + ":missing", random.nextBoolean() ? "true" : "false"};
    }

    private String[] studyCriterion() {
      int which = random.nextInt(26);
      return switch (which) {
        case 0 ->
            new String[] {modifier("status", ":not"), orList(() -> study().getStatus().toCode())};
        case 1 -> new String[] {"ctgov-status", orList(() -> overallStatus(study()))};
        case 2 -> conditionCode();
        case 3 -> new String[] {"condition:text", words(conditionTexts(study()))};
        case 4 -> new String[] {"condition:below", orList(() -> ancestor(study()))};
        case 5 -> interventionCriterion();
        case 6 -> new String[] {modifier("phase", ":not"), orList(() -> phase(study()))};
        case 7 ->
            new String[] {
              "study-type",
              pick(
                  List.of(
                      "INTERVENTIONAL",
                      "OBSERVATIONAL",
                      "EXPANDED_ACCESS",
                      "http://trialfhir.org/fhir/CodeSystem/ctgov-study-type|OBSERVATIONAL"))
            };
        case 8 -> new String[] {"category", orList(() -> code(study().getCategory()))};
        case 9 -> new String[] {"keyword:text", words(texts(study().getKeyword()))};
        case 10 ->
            new String[] {random.nextBoolean() ? "location" : "location:text", locationValue()};
        case 11 -> new String[] {"identifier", identifier()};
        case 12 -> new String[] {"title" + stringModifier(), stringValue(study().getTitle())};
        case 13 ->
            new String[] {
              "_content",
              words(
                  List.of(
                      study().getTitle(),
                      study().getDescription() == null ? "" : study().getDescription()))
            };
        case 14 -> new String[] {"date", datePrefix() + dateOf(study())};
        case 15 -> new String[] {"_lastUpdated", datePrefix() + lastUpdated(study())};
        case 16 -> new String[] {"eligible-age", agePrefix() + age()};
        case 17 ->
            new String[] {
              modifier("eligible-sex", ":not"), orList(() -> pick(List.of("male", "female")))
            };
        case 18 ->
            new String[] {modifier("healthy-volunteers", ":not"), pick(List.of("true", "false"))};
        case 19, 20 -> near(true);
        case 21 -> new String[] {modifier("site-status", ":not"), orList(() -> siteStatus())};
        case 22 -> new String[] {"site", orList(() -> siteRef())};
        case 23 -> new String[] {"sponsor", orList(() -> sponsorRef())};
        case 24 -> {
          boolean protocol = random.nextBoolean();
          yield new String[] {
            protocol ? "protocol" : "principalinvestigator",
            protocol ? protocolRef() : investigatorRef()
          };
        }
        default -> new String[] {modifier("_id", ":not"), orList(() -> study().getIdPart())};
      };
    }

    private String modifier(String param, String modifier) {
      return random.nextInt(5) == 0 ? param + modifier : param;
    }

    private String stringModifier() {
      return pick(List.of("", "", ":contains", ":exact"));
    }

    /** A prefix, an infix or the whole of a string, sometimes in another case. */
    private String stringValue(String s) {
      if (s == null || s.isBlank()) {
        s = "zz-none";
      }
      int start = random.nextInt(3) == 0 ? random.nextInt(Math.max(1, s.length() / 2)) : 0;
      int end =
          random.nextInt(3) == 0
              ? s.length()
              : Math.min(s.length(), start + 1 + random.nextInt(12));
      String part = s.substring(start, end).strip();
      if (part.isEmpty()) {
        part = s.strip();
      }
      if (random.nextInt(4) == 0) {
        part = part.toUpperCase(java.util.Locale.ROOT);
      }
      return escape(part);
    }

    private String words(List<String> texts) {
      List<String> all = new ArrayList<>();
      for (String text : texts) {
        if (text != null) {
          for (String w : text.split("[^\\p{L}\\p{N}]+")) {
            if (w.length() > 2 && !TextAnalysis.INSTANCE.words(w).isEmpty()) {
              all.add(w);
            }
          }
        }
      }
      if (all.isEmpty() || random.nextInt(15) == 0) {
        return pick(List.of("zebrafish", "cancer", "trial"));
      }
      int start = random.nextInt(all.size());
      int n = 1 + random.nextInt(Math.min(3, all.size() - start));
      return escape(String.join(" ", all.subList(start, start + n)));
    }

    private static List<String> texts(List<CodeableConcept> concepts) {
      List<String> texts = new ArrayList<>();
      for (CodeableConcept c : concepts) {
        texts.add(c.getText());
        c.getCoding().forEach(x -> texts.add(x.getDisplay()));
      }
      return texts;
    }

    private static List<String> conditionTexts(ResearchStudy rs) {
      return texts(rs.getCondition());
    }

    private String code(List<CodeableConcept> concepts) {
      List<Coding> codings = new ArrayList<>();
      concepts.forEach(c -> codings.addAll(c.getCoding()));
      codings.removeIf(c -> !c.hasCode());
      if (codings.isEmpty()) {
        return "no-such-code";
      }
      Coding coding = pick(codings);
      return switch (random.nextInt(4)) {
        case 0 -> coding.getSystem() + "|" + coding.getCode();
        case 1 -> coding.getSystem() + "|";
        case 2 -> "|" + coding.getCode();
        default -> coding.getCode();
      };
    }

    private String[] conditionCode() {
      String param = random.nextInt(5) == 0 ? "condition:not" : "condition";
      return new String[] {param, orList(() -> code(study().getCondition()))};
    }

    private String ancestor(ResearchStudy rs) {
      List<Extension> ancestors = rs.getExtensionsByUrl(TrialExtension.CONDITION_ANCESTOR.url());
      if (ancestors.isEmpty() || random.nextInt(5) == 0) {
        List<Coding> codes = new ArrayList<>();
        rs.getCondition().forEach(c -> codes.addAll(c.getCoding()));
        return codes.isEmpty() ? "D009369" : pick(codes).getCode();
      }
      return ((Coding) pick(ancestors).getValue()).getCode();
    }

    private String[] interventionCriterion() {
      String param = random.nextBoolean() ? "intervention" : "focus";
      if (random.nextBoolean()) {
        return new String[] {param + ":text", words(texts(study().getFocus()))};
      }
      return new String[] {param, orList(() -> code(study().getFocus()))};
    }

    private String overallStatus(ResearchStudy rs) {
      Extension e = rs.getExtensionByUrl(TrialExtension.OVERALL_STATUS.url());
      return ((Coding) e.getValue()).getCode();
    }

    private String phase(ResearchStudy rs) {
      return rs.hasPhase() ? code(List.of(rs.getPhase())) : "phase-4";
    }

    private String locationValue() {
      ResearchStudy rs = study();
      if (rs.getLocation().isEmpty()) {
        return "US";
      }
      CodeableConcept c = pick(rs.getLocation());
      return c.hasCoding() && random.nextBoolean()
          ? c.getCodingFirstRep().getCode()
          : escape(c.getText());
    }

    private String identifier() {
      ResearchStudy rs = study();
      Identifier id = pick(rs.getIdentifier());
      if (id.hasSystem()) {
        String system =
            pick(
                List.of(
                    id.getSystem(), "http://clinicaltrials.gov", "https://clinicaltrials.gov/"));
        return random.nextBoolean() ? system + "|" + id.getValue() : id.getValue();
      }
      return random.nextBoolean() ? "|" + escape(id.getValue()) : escape(id.getValue());
    }

    private String datePrefix() {
      return pick(List.of("", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"));
    }

    private String dateOf(ResearchStudy rs) {
      String date =
          rs.hasPeriod() && rs.getPeriod().hasStart()
              ? rs.getPeriod().getStartElement().getValueAsString()
              : rs.hasPeriod() && rs.getPeriod().hasEnd()
                  ? rs.getPeriod().getEndElement().getValueAsString()
                  : "2020-06";
      return truncate(date);
    }

    private String lastUpdated(ResearchStudy rs) {
      return rs.getMeta().hasLastUpdated()
          ? truncate(rs.getMeta().getLastUpdatedElement().getValueAsString().substring(0, 10))
          : "2023";
    }

    private String truncate(String date) {
      int length = pick(List.of(4, 7, 10));
      return date.substring(0, Math.min(length, date.length()));
    }

    private String agePrefix() {
      return pick(List.of("", "", "", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"));
    }

    private String age() {
      Group group = graph().eligibility();
      for (Group.GroupCharacteristicComponent c : group.getCharacteristic()) {
        if (c.getValue() instanceof Range range && random.nextBoolean()) {
          var bound =
              range.hasLow() && (random.nextBoolean() || !range.hasHigh())
                  ? range.getLow()
                  : range.getHigh();
          if (bound.hasValue()) {
            return bound.getValue().toPlainString()
                + "|http://unitsofmeasure.org|"
                + bound.getCode();
          }
        }
      }
      return random.nextBoolean()
          ? Integer.toString(random.nextInt(90))
          : random.nextInt(40) + "||mo";
    }

    private String[] near(boolean withStatus) {
      TrialGraph graph = graph();
      List<Location> located = graph.locations().stream().filter(Location::hasPosition).toList();
      double lat;
      double lon;
      if (located.isEmpty()) {
        lat = 40 + random.nextDouble() * 5;
        lon = -80 + random.nextDouble() * 10;
      } else {
        Location l = pick(located);
        lat = l.getPosition().getLatitude().doubleValue() + (random.nextDouble() - 0.5) * 0.4;
        lon = l.getPosition().getLongitude().doubleValue() + (random.nextDouble() - 0.5) * 0.4;
      }
      String distance = pick(List.of("5", "25", "50", "100", "400"));
      String unit = pick(List.of("km", "[mi_i]", ""));
      String value =
          String.format(
              java.util.Locale.ROOT,
              "%.4f|%.4f|%s%s",
              lat,
              lon,
              distance,
              unit.isEmpty() ? "" : "|" + unit);
      return new String[] {"near", value};
    }

    private String siteStatus() {
      return pick(
          List.of(
              "RECRUITING",
              "RECRUITING",
              "COMPLETED",
              "NOT_YET_RECRUITING",
              "ACTIVE_NOT_RECRUITING",
              "http://trialfhir.org/fhir/CodeSystem/ctgov-site-status|RECRUITING",
              "WITHDRAWN"));
    }

    private String siteRef() {
      ResearchStudy rs = study();
      if (!rs.hasSite()) {
        return "Location/loc-none";
      }
      Reference site = pick(rs.getSite());
      String id = site.getReferenceElement().getIdPart();
      return pick(List.of("Location/" + id, id, "https://example.org/fhir/Location/" + id));
    }

    private String sponsorRef() {
      ResearchStudy rs = study();
      return rs.hasSponsor() ? rs.getSponsor().getReference() : "Organization/org-none";
    }

    private String protocolRef() {
      ResearchStudy rs = study();
      return rs.hasProtocol() ? pick(rs.getProtocol()).getReference() : "PlanDefinition/none";
    }

    private String investigatorRef() {
      ResearchStudy rs = study();
      return rs.hasPrincipalInvestigator()
          ? rs.getPrincipalInvestigator().getReferenceElement().getIdPart()
          : "nobody";
    }

    private String[] locationCriterion() {
      Location l = (Location) pick(Corpus.resources("Location"));
      return switch (random.nextInt(6)) {
        case 0 -> new String[] {"name" + stringModifier(), stringValue(l.getName())};
        case 1 ->
            new String[] {
              "address" + stringModifier(),
              stringValue(
                  l.hasAddress()
                      ? pick(
                          List.of(
                              String.valueOf(l.getAddress().getCity()),
                              String.valueOf(l.getAddress().getCountry())))
                      : "Boston")
            };
        case 2 ->
            new String[] {"address-city" + stringModifier(), stringValue(l.getAddress().getCity())};
        case 3 ->
            new String[] {
              pick(List.of("address-state", "address-postalcode", "address-country")),
              stringValue(
                  pick(
                      List.of(
                          String.valueOf(l.getAddress().getState()),
                          String.valueOf(l.getAddress().getPostalCode()),
                          String.valueOf(l.getAddress().getCountry()))))
            };
        case 4 -> near(false);
        default -> new String[] {"_id", l.getIdPart()};
      };
    }

    private String[] organizationCriterion() {
      Organization o = (Organization) pick(Corpus.resources("Organization"));
      if (random.nextBoolean()) {
        return new String[] {"name" + stringModifier(), stringValue(o.getName())};
      }
      return new String[] {modifier("type", ":not"), o.hasType() ? code(o.getType()) : "INDUSTRY"};
    }

    private String practitionerName() {
      Practitioner p = (Practitioner) pick(Corpus.resources("Practitioner"));
      return p.getNameFirstRep().getText();
    }

    private String[] groupCriterion() {
      return switch (random.nextInt(4)) {
        case 0 -> new String[] {"actual", pick(List.of("true", "false"))};
        case 1 ->
            new String[] {
              "type", pick(List.of("person", "http://hl7.org/fhir/group-type|person", "animal"))
            };
        case 2 ->
            new String[] {
              modifier("characteristic", ":not"),
              pick(
                  List.of(
                      "age",
                      "sex",
                      "bmi",
                      "healthy-volunteers",
                      "exclusion-criteria",
                      "criteria-text"))
            };
        default -> new String[] {"exclude", pick(List.of("true", "false"))};
      };
    }

    private String[] planCriterion() {
      PlanDefinition p = (PlanDefinition) pick(Corpus.resources("PlanDefinition"));
      return switch (random.nextInt(3)) {
        case 0 -> new String[] {"status", pick(List.of("active", "retired", "draft"))};
        case 1 -> new String[] {"title" + stringModifier(), stringValue(p.getTitle())};
        default -> new String[] {"type", pick(List.of("clinical-protocol", "order-set"))};
      };
    }
  }
}
