package org.trialfhir.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.trialfhir.store.Corpus.query;

import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.Fhir;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialGraph;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.QueryParser;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;
import org.trialfhir.search.StoredJson;
import org.trialfhir.search.TrialStore;

/**
 * The store over the whole corpus: for each parameter and modifier a search that must find a study
 * chosen for having the value, and one that must not; includes; paging to the end; sort orders;
 * near distances against Vincenty's formula. Expectations come from the mapped records, never from
 * the store.
 */
class LuceneTrialStoreTest {
  static LuceneTrialStore store;
  static List<TrialGraph> graphs;
  private final QueryParser parser = new QueryParser();

  @BeforeAll
  static void index() {
    graphs = Corpus.graphs();
    store = Corpus.sharedStore();
  }

  private Set<String> ids(String type, String... pairs) {
    return store.searchIds(query(type, pairs)).stream()
        .map(LuceneTrialStore.Hit::id)
        .collect(Collectors.toSet());
  }

  private Set<String> studies(String... pairs) {
    return ids("ResearchStudy", pairs);
  }

  private static ResearchStudy study(Predicate<TrialGraph> having) {
    return graph(having).researchStudy();
  }

  private static TrialGraph graph(Predicate<TrialGraph> having) {
    return graphs.stream()
        .filter(having)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no study in the corpus has it"));
  }

  private static String id(Resource r) {
    return r.getIdPart();
  }

  private static Coding mesh(ResearchStudy rs) {
    return rs.getCondition().stream()
        .flatMap(c -> c.getCoding().stream())
        .filter(c -> Canonical.MESH.equals(c.getSystem()))
        .findFirst()
        .orElse(null);
  }

  @Test
  void readsEveryTypeByIdAndNothingElse() {
    TrialGraph g =
        graph(
            x -> !x.locations().isEmpty() && !x.plans().isEmpty() && !x.practitioners().isEmpty());
    for (Resource r : g.resources()) {
      Resource read = store.read(r.fhirType(), r.getIdPart()).orElseThrow();
      assertThat(read.fhirType()).isEqualTo(r.fhirType());
      assertThat(read.getIdPart()).isEqualTo(r.getIdPart());
    }
    assertThat(store.read("ResearchStudy", "NCT99999999")).isEmpty();
    assertThat(store.read("Location", g.researchStudy().getIdPart())).isEmpty();
    assertThat(store.read("Patient", "x")).isEmpty();
    assertThat(store.count("ResearchStudy")).isEqualTo(graphs.size());
  }

  @Test
  void everyResourceReturnedNamesTheGenerationItWasReadFrom() {
    TrialGraph g = graph(x -> !x.locations().isEmpty());
    String id = id(g.researchStudy());
    Resource read = store.read("ResearchStudy", id).orElseThrow();
    assertThat(TrialStore.versionOf(read)).isEqualTo(store.version());
    // Twice: the second comes from the cache of parsed resources.
    assertThat(TrialStore.versionOf(store.read("ResearchStudy", id).orElseThrow()))
        .isEqualTo(store.version());
    SearchResult page =
        store.search(query("ResearchStudy", "_id=" + id, "_include=ResearchStudy:site"));
    assertThat(page.matches()).isNotEmpty();
    assertThat(page.included()).isNotEmpty();
    page.matches()
        .forEach(m -> assertThat(TrialStore.versionOf(m.resource())).isEqualTo(store.version()));
    page.included().forEach(r -> assertThat(TrialStore.versionOf(r)).isEqualTo(store.version()));
  }

  /**
   * Unparsed answers are the parsed ones as stored JSON: the same matches, includes and order, each
   * resource's JSON what HAPI writes for the parsed one, with the generation named, whether read
   * from the index or from the cache of included resources.
   */
  @Test
  void unparsedAnswersAreTheParsedOnesAsStored() {
    IParser json = Fhir.context().newJsonParser();
    List<SearchQuery> queries =
        List.of(
            query("ResearchStudy", "status=active", "_count=7", "_include=ResearchStudy:site"),
            query(
                "ResearchStudy",
                "principalinvestigator:missing=false",
                "_count=5",
                "_include=ResearchStudy:principalinvestigator",
                "_include=ResearchStudy:sponsor",
                "_include=ResearchStudy:enrollment",
                "_include=ResearchStudy:protocol"),
            query("Location", "_count=4", "_revinclude=ResearchStudy:site"),
            query("ResearchStudy", "_sort=-title").withPage(3, 3));
    // Twice: the second round reads included resources from the store's cache of their JSON.
    for (SearchQuery q :
        java.util.stream.Stream.concat(queries.stream(), queries.stream()).toList()) {
      SearchResult parsed = store.search(q, false);
      SearchResult unparsed = store.search(q, true);
      assertThat(unparsed.total()).isEqualTo(parsed.total());
      List<Resource> expected = new ArrayList<>();
      parsed.matches().forEach(m -> expected.add(m.resource()));
      expected.addAll(parsed.included());
      List<Resource> actual = new ArrayList<>();
      unparsed.matches().forEach(m -> actual.add(m.resource()));
      actual.addAll(unparsed.included());
      assertThat(actual).hasSameSizeAs(expected).isNotEmpty();
      if (!q.includes().isEmpty() || !q.revIncludes().isEmpty()) {
        assertThat(parsed.included()).as(q.toString()).isNotEmpty();
      }
      for (int i = 0; i < actual.size(); i++) {
        byte[] stored = StoredJson.json(actual.get(i));
        assertThat(stored).isNotNull();
        assertThat(actual.get(i).fhirType() + "/" + actual.get(i).getIdPart())
            .as(q + " entry " + i)
            .isEqualTo(expected.get(i).fhirType() + "/" + expected.get(i).getIdPart());
        assertThat(StoredJson.json(expected.get(i))).isNull();
        assertThat(new String(stored, StandardCharsets.UTF_8))
            .isEqualTo(json.encodeResourceToString(expected.get(i)));
        assertThat(TrialStore.versionOf(actual.get(i))).isEqualTo(store.version());
      }
    }
    String id = id(graphs.get(0).researchStudy());
    Resource read = store.read("ResearchStudy", id, true).orElseThrow();
    assertThat(new String(StoredJson.json(read), StandardCharsets.UTF_8))
        .isEqualTo(json.encodeResourceToString(store.read("ResearchStudy", id).orElseThrow()));
    assertThat(read.getMeta().getLastUpdated()).isNotNull();
  }

  /**
   * _include=ResearchStudy:site (read from the studies' packed sites, not their JSON) adds exactly
   * the Locations the page's studies refer to in ResearchStudy.site, in the order of the studies
   * and their sites, each once: every page of the whole corpus, in the index's order and sorted by
   * title (pages whose studies are not in the index's order), with parsed and unparsed answers, the
   * second round from the cache of included resources.
   */
  @Test
  void siteIncludesAreTheSitesTheStudiesReferTo() {
    int pages = 0;
    for (int round = 0; round < 2; round++) {
      for (int offset = 0; offset < graphs.size(); offset += 50) {
        for (SearchQuery q :
            List.of(
                query("ResearchStudy", "_include=ResearchStudy:site").withPage(offset, 50),
                query("ResearchStudy", "_include=ResearchStudy:site", "_sort=-title")
                    .withPage(offset, 50))) {
          for (boolean unparsed : new boolean[] {false, true}) {
            SearchResult page = store.search(q, unparsed);
            Set<String> expected = new LinkedHashSet<>();
            for (SearchResult.Match match : page.matches()) {
              ResearchStudy rs =
                  (ResearchStudy) store.read("ResearchStudy", match.resource().getIdPart()).get();
              rs.getSite().forEach(site -> expected.add(site.getReference()));
            }
            assertThat(page.included().stream().map(r -> r.fhirType() + "/" + r.getIdPart()))
                .as("%s, unparsed %s", q, unparsed)
                .containsExactlyElementsOf(expected);
            pages++;
          }
        }
      }
    }
    assertThat(pages).isGreaterThan(4);
  }

  /**
   * A page carries at most the store's limit of resources found by _revinclude (the first by id)
   * and counts the rest; _include, bounded by the page itself, is not cut.
   */
  @Test
  void revincludesAreBoundedPerPageAndWhatIsLeftOutIsCounted() throws Exception {
    SearchQuery sites = query("ResearchStudy", "_count=30", "_include=ResearchStudy:site");
    SearchQuery studies = query("Location", "_count=30", "_revinclude=ResearchStudy:site");
    SearchResult allSites = store.search(sites);
    SearchResult allStudies = store.search(studies);
    assertThat(allSites.includesLeftOut()).isZero();
    assertThat(allStudies.includesLeftOut()).isZero();
    assertThat(allSites.included()).hasSizeGreaterThan(5);
    assertThat(allStudies.included()).hasSizeGreaterThan(5);
    try (LuceneTrialStore bounded =
        LuceneTrialStore.open(Corpus.sharedDir(), java.time.Clock.systemUTC(), null)) {
      bounded.maxRevIncludes(5);
      for (boolean unparsed : new boolean[] {false, true}) {
        SearchResult someStudies = bounded.search(studies, unparsed);
        assertThat(someStudies.included().stream().map(Resource::getIdPart))
            .containsExactlyElementsOf(
                allStudies.included().stream().limit(5).map(Resource::getIdPart).toList());
        assertThat(someStudies.includesLeftOut()).isEqualTo(allStudies.included().size() - 5);
        assertThat(someStudies.matches()).hasSameSizeAs(allStudies.matches());
        SearchResult everySite = bounded.search(sites, unparsed);
        assertThat(everySite.included()).hasSameSizeAs(allSites.included());
        assertThat(everySite.includesLeftOut()).isZero();
      }
      bounded.maxRevIncludes(0);
      assertThat(bounded.search(studies).included()).isEmpty();
      assertThat(bounded.search(studies).includesLeftOut()).isEqualTo(allStudies.included().size());
    }
  }

  @Test
  void whatAReadReturnsIsTheCallersToChange() {
    String id = id(graphs.get(0).researchStudy());
    ResearchStudy first = (ResearchStudy) store.read("ResearchStudy", id).orElseThrow();
    String title = first.getTitle();
    first.setTitle("changed by a caller");
    first.getSiteFirstRep().setResource(new Location());
    ResearchStudy second = (ResearchStudy) store.read("ResearchStudy", id).orElseThrow();
    assertThat(second.getTitle()).isEqualTo(title);
    assertThat(second).isNotSameAs(first);
    SearchResult page = store.search(query("ResearchStudy", "_id=" + id));
    assertThat(((ResearchStudy) page.matches().get(0).resource()).getTitle()).isEqualTo(title);
  }

  @Test
  void statusAndItsSystemAndNot() {
    ResearchStudy completed =
        study(g -> g.researchStudy().getStatus() == ResearchStudy.ResearchStudyStatus.COMPLETED);
    assertThat(studies("status=completed")).contains(id(completed));
    assertThat(studies("status=active")).doesNotContain(id(completed));
    assertThat(studies("status=http://hl7.org/fhir/research-study-status|completed"))
        .contains(id(completed));
    assertThat(studies("status=urn:other|completed")).isEmpty();
    assertThat(studies("status=active,completed"))
        .containsAll(studies("status=active"))
        .contains(id(completed));
    Set<String> active = studies("status=active");
    Set<String> notActive = studies("status:not=active");
    assertThat(active).doesNotContainAnyElementsOf(notActive);
    assertThat(active.size() + notActive.size()).isEqualTo(graphs.size());
  }

  @Test
  void unknownRegistryStatusIsNeverActive() {
    Set<String> unknown = studies("ctgov-status=UNKNOWN");
    assertThat(unknown).isNotEmpty();
    assertThat(studies("status=active")).doesNotContainAnyElementsOf(unknown);
    assertThat(studies("ctgov-status=RECRUITING")).isSubsetOf(studies("status=active"));
  }

  @Test
  void conditionCodeWithAndWithoutSystem() {
    ResearchStudy rs = study(g -> mesh(g.researchStudy()) != null);
    Coding coding = mesh(rs);
    assertThat(studies("condition=" + coding.getCode())).contains(id(rs));
    assertThat(studies("condition=" + Canonical.MESH + "|" + coding.getCode())).contains(id(rs));
    assertThat(studies("condition=" + Canonical.MESH + "|")).contains(id(rs));
    assertThat(studies("condition=http://snomed.info/sct|" + coding.getCode())).isEmpty();
    assertThat(studies("condition=|" + coding.getCode())).isEmpty();
    assertThat(studies("condition=D999999999")).isEmpty();
    assertThat(studies("condition:not=" + coding.getCode())).doesNotContain(id(rs));
  }

  @Test
  void conditionBelowUsesTheBroaderTermsTheRegistryDerived() {
    Map<String, String> found = new LinkedHashMap<>();
    ResearchStudy rs =
        study(
            g -> {
              Set<String> own = new HashSet<>();
              g.researchStudy()
                  .getCondition()
                  .forEach(c -> c.getCoding().forEach(x -> own.add(x.getCode())));
              for (Extension e :
                  g.researchStudy().getExtensionsByUrl(TrialExtension.CONDITION_ANCESTOR.url())) {
                String code = ((Coding) e.getValue()).getCode();
                if (!own.contains(code)) {
                  found.put("code", code);
                  return true;
                }
              }
              return false;
            });
    String ancestor = found.get("code");
    assertThat(studies("condition=" + ancestor)).doesNotContain(id(rs));
    assertThat(studies("condition:below=" + ancestor)).contains(id(rs));
    assertThat(studies("condition:below=" + Canonical.MESH + "|" + ancestor)).contains(id(rs));
  }

  @Test
  void conditionTextStemsAndKeepsWordsWithinOneCondition() {
    ResearchStudy cancer =
        study(
            g ->
                g.researchStudy().getCondition().stream()
                    .anyMatch(c -> "Breast Cancer".equalsIgnoreCase(c.getText())));
    assertThat(studies("condition:text=breast cancers")).contains(id(cancer));
    assertThat(studies("condition:text=CANCER of the breast")).contains(id(cancer));
    assertThat(studies("condition:text=breast zebrafish")).doesNotContain(id(cancer));
    // Two words each in a different condition of one study, never together in one: no match.
    for (TrialGraph g : graphs) {
      List<CodeableConcept> conditions = g.researchStudy().getCondition();
      List<Set<String>> texts = new ArrayList<>();
      for (CodeableConcept c : conditions) {
        if (c.hasText()) {
          texts.add(new HashSet<>(TextAnalysis.INSTANCE.words(c.getText())));
        }
        c.getCoding()
            .forEach(x -> texts.add(new HashSet<>(TextAnalysis.INSTANCE.words(x.getDisplay()))));
      }
      for (String a : texts.isEmpty() ? Set.<String>of() : texts.get(0)) {
        for (Set<String> other : texts) {
          for (String b : other) {
            if (texts.stream().noneMatch(t -> t.contains(a) && t.contains(b))) {
              assertThat(studies("condition:text=" + a + " " + b))
                  .doesNotContain(id(g.researchStudy()));
              assertThat(studies("_content=" + a + " " + b)).contains(id(g.researchStudy()));
              return;
            }
          }
        }
      }
    }
    throw new AssertionError("no study with two conditions of distinct words");
  }

  @Test
  void onlyStopWordsAreRefused() {
    assertThatThrownBy(() -> studies("condition:text=the of and"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("no searchable words");
  }

  @Test
  void interventionAndFocus() {
    ResearchStudy rs =
        study(
            g ->
                g.researchStudy().getFocus().stream()
                    .anyMatch(
                        f -> f.hasText() && f.getCoding().stream().anyMatch(Coding::hasCode)));
    CodeableConcept focus =
        rs.getFocus().stream().filter(f -> f.hasText() && f.hasCoding()).findFirst().orElseThrow();
    String code = focus.getCodingFirstRep().getCode();
    assertThat(studies("intervention=" + code)).contains(id(rs));
    assertThat(studies("focus=" + code)).contains(id(rs));
    String word = TextAnalysis.INSTANCE.words(focus.getText()).get(0);
    assertThat(studies("intervention:text=" + focus.getText().replace(",", "\\,")))
        .contains(id(rs));
    assertThat(studies("focus:text=" + word)).contains(id(rs));
    assertThat(studies("intervention=no-such-code")).isEmpty();
  }

  @Test
  void phaseByHl7AndRegistryCodes() {
    ResearchStudy rs =
        study(
            g ->
                g.researchStudy().hasPhase()
                    && g.researchStudy().getPhase().getCoding().stream()
                        .anyMatch(c -> "phase-1-phase-2".equals(c.getCode())));
    assertThat(studies("phase=phase-1-phase-2")).contains(id(rs));
    assertThat(studies("phase=PHASE1")).contains(id(rs));
    assertThat(studies("phase=PHASE2")).contains(id(rs));
    assertThat(studies("phase=phase-3")).doesNotContain(id(rs));
    assertThat(studies("phase:text=phase 2")).contains(id(rs));
  }

  @Test
  void studyTypeAndCategory() {
    ResearchStudy observational =
        study(
            g ->
                g.researchStudy().getCategory().stream()
                    .anyMatch(
                        c ->
                            c.getCoding().stream()
                                .anyMatch(x -> "OBSERVATIONAL".equals(x.getCode()))));
    assertThat(studies("study-type=OBSERVATIONAL")).contains(id(observational));
    assertThat(studies("study-type=INTERVENTIONAL")).doesNotContain(id(observational));
    assertThat(studies("category=OBSERVATIONAL")).contains(id(observational));
  }

  private static Range ageRange(TrialGraph g) {
    for (Group.GroupCharacteristicComponent c : g.eligibility().getCharacteristic()) {
      if (c.getValue() instanceof Range range) {
        return range;
      }
    }
    return null;
  }

  @Test
  void eligibleAgeContainsTheAge() {
    TrialGraph adults =
        graph(
            g -> {
              Range r = ageRange(g);
              return r != null
                  && r.hasLow()
                  && r.hasHigh()
                  && r.getLow().getValue().intValue() == 18
                  && "a".equals(r.getLow().getCode())
                  && r.getHigh().getValue().intValue() == 65
                  && "a".equals(r.getHigh().getCode());
            });
    String id = id(adults.researchStudy());
    assertThat(studies("eligible-age=30")).contains(id);
    assertThat(studies("eligible-age=18")).contains(id);
    assertThat(studies("eligible-age=65")).contains(id);
    assertThat(studies("eligible-age=70")).doesNotContain(id);
    assertThat(studies("eligible-age=17")).doesNotContain(id);
    assertThat(studies("eligible-age=216|http://unitsofmeasure.org|mo")).contains(id);
    assertThat(studies("eligible-age=215||mo")).doesNotContain(id);
    assertThat(studies("eligible-age=gt65")).doesNotContain(id);
    assertThat(studies("eligible-age=ge65")).contains(id);
    assertThat(studies("eligible-age=lt18")).doesNotContain(id);
    assertThat(studies("eligible-age=le18")).contains(id);
    assertThat(studies("eligible-age=sa10")).contains(id);
    assertThat(studies("eligible-age=eb70")).contains(id);
    assertThat(studies("eligible-age=ne70")).contains(id);
    assertThat(studies("eligible-age=ne30")).doesNotContain(id);
    TrialGraph open =
        graph(
            g -> {
              Range r = ageRange(g);
              return r != null && r.hasLow() && !r.hasHigh();
            });
    assertThat(studies("eligible-age=120")).contains(id(open.researchStudy()));
    assertThat(studies("eligible-age:missing=true")).doesNotContain(id, id(open.researchStudy()));
  }

  private static String sex(TrialGraph g) {
    for (Group.GroupCharacteristicComponent c : g.eligibility().getCharacteristic()) {
      if (c.getCode().getCodingFirstRep().getCode().equals("sex")) {
        return ((CodeableConcept) c.getValue()).getCodingFirstRep().getCode();
      }
    }
    return null;
  }

  @Test
  void eligibleSexOpenToAllMatchesBoth() {
    String female = id(study(g -> "female".equals(sex(g))));
    String all = id(study(g -> sex(g) == null));
    assertThat(studies("eligible-sex=female")).contains(female, all);
    assertThat(studies("eligible-sex=male")).contains(all).doesNotContain(female);
    assertThat(studies("eligible-sex:not=male")).contains(female).doesNotContain(all);
    assertThat(studies("eligible-sex:missing=true")).contains(all).doesNotContain(female);
  }

  @Test
  void healthyVolunteers() {
    Predicate<TrialGraph> accepts =
        g ->
            g.eligibility().getCharacteristic().stream()
                .anyMatch(
                    c ->
                        c.getCode().getCodingFirstRep().getCode().equals("healthy-volunteers")
                            && ((org.hl7.fhir.r4.model.BooleanType) c.getValue()).booleanValue());
    String yes = id(study(accepts));
    assertThat(studies("healthy-volunteers=true")).contains(yes);
    assertThat(studies("healthy-volunteers=false")).doesNotContain(yes);
  }

  @Test
  void nearReturnsGeodesicDistancesSortedAndSiteStatusOnTheSameSite() {
    // A study with a recruiting site and, far from it, a site with another status.
    Map<String, Location> locations = Corpus.locations();
    ResearchStudy chosen = null;
    Location far = null;
    String farStatus = null;
    for (TrialGraph g : graphs) {
      Location recruiting = null;
      Location other = null;
      String otherStatus = null;
      for (Reference site : g.researchStudy().getSite()) {
        Location l = locations.get(site.getReferenceElement().getIdPart());
        Extension status = site.getExtensionByUrl(TrialExtension.SITE_STATUS.url());
        if (l == null || !l.hasPosition() || status == null) {
          continue;
        }
        String code = ((Coding) status.getValue()).getCode();
        if ("RECRUITING".equals(code)) {
          recruiting = l;
        } else if (code != null) {
          other = l;
          otherStatus = code;
        }
      }
      if (recruiting != null && other != null && km(recruiting, other) > 500) {
        chosen = g.researchStudy();
        far = other;
        farStatus = otherStatus;
        break;
      }
    }
    assertThat(chosen)
        .as("a study with a non-recruiting site far from its recruiting ones")
        .isNotNull();
    String point =
        far.getPosition().getLatitude() + "|" + far.getPosition().getLongitude() + "|100|km";
    assertThat(studies("near=" + point)).contains(id(chosen));
    String nonRecruiting = farStatus;
    assertThat(studies("near=" + point, "site-status=" + nonRecruiting)).contains(id(chosen));
    // Its recruiting sites are all more than 100 km away from there, so "a recruiting site
    // within 100 km" must not find it, although it has a recruiting site and a site within 100 km.
    boolean recruitingNear = false;
    for (Reference site : chosen.getSite()) {
      Location l = locations.get(site.getReferenceElement().getIdPart());
      Extension status = site.getExtensionByUrl(TrialExtension.SITE_STATUS.url());
      if (l != null
          && l.hasPosition()
          && status != null
          && "RECRUITING".equals(((Coding) status.getValue()).getCode())
          && km(l, far) <= 100) {
        recruitingNear = true;
      }
    }
    if (!recruitingNear) {
      assertThat(studies("near=" + point, "site-status=RECRUITING")).doesNotContain(id(chosen));
    }
    assertThat(studies("site-status=RECRUITING")).contains(id(chosen));

    // Distances: each match's nearest site, checked with Vincenty; ascending with _sort=near.
    SearchResult sorted =
        store.search(query("ResearchStudy", "near=" + point, "_sort=near", "_count=50"));
    assertThat(sorted.matches()).isNotEmpty();
    double previous = 0;
    for (SearchResult.Match match : sorted.matches()) {
      ResearchStudy rs = (ResearchStudy) match.resource();
      double nearest = Double.POSITIVE_INFINITY;
      for (Reference site : rs.getSite()) {
        Location l = locations.get(site.getReferenceElement().getIdPart());
        if (l != null && l.hasPosition()) {
          nearest =
              Math.min(
                  nearest,
                  Vincenty.distanceKm(
                      far.getPosition().getLatitude().doubleValue(),
                      far.getPosition().getLongitude().doubleValue(),
                      l.getPosition().getLatitude().doubleValue(),
                      l.getPosition().getLongitude().doubleValue()));
        }
      }
      assertThat(match.distanceKm()).isCloseTo(nearest, within(1e-6));
      assertThat(match.distanceKm()).isLessThanOrEqualTo(100).isGreaterThanOrEqualTo(previous);
      previous = match.distanceKm();
    }
    SearchResult descending =
        store.search(query("ResearchStudy", "near=" + point, "_sort=-near", "_count=500"));
    assertThat(descending.matches().get(0).distanceKm())
        .isGreaterThanOrEqualTo(
            descending.matches().get(descending.matches().size() - 1).distanceKm());
    // Miles: 100 km is about 62.14 miles.
    assertThat(
            studies(
                "near="
                    + far.getPosition().getLatitude()
                    + "|"
                    + far.getPosition().getLongitude()
                    + "|62.1371|[mi_i]"))
        .isEqualTo(studies("near=" + point));
  }

  private static double km(Location a, Location b) {
    return Vincenty.distanceKm(
        a.getPosition().getLatitude().doubleValue(),
        a.getPosition().getLongitude().doubleValue(),
        b.getPosition().getLatitude().doubleValue(),
        b.getPosition().getLongitude().doubleValue());
  }

  @Test
  void titleStrings() {
    ResearchStudy rs = study(g -> g.researchStudy().getTitle().length() > 20);
    String title = rs.getTitle();
    assertThat(studies("title=" + title.substring(0, 10).toUpperCase().replace(",", "\\,")))
        .contains(id(rs));
    assertThat(
            studies("title:contains=" + title.substring(5, 15).toLowerCase().replace(",", "\\,")))
        .contains(id(rs));
    assertThat(studies("title:exact=" + title.replace(",", "\\,"))).contains(id(rs));
    assertThat(studies("title:exact=" + title.substring(0, title.length() - 1).replace(",", "\\,")))
        .doesNotContain(id(rs));
    assertThat(studies("title=" + title.substring(5, 15).replace(",", "\\,")))
        .doesNotContain(id(rs));
    assertThat(studies("title=zzzzzz")).isEmpty();
  }

  @Test
  void accentsAndCaseDoNotMatterForStrings() {
    Location l =
        (Location)
            Corpus.resources("Location").stream()
                .filter(
                    r ->
                        !((Location) r).getName().equals(Oracle.fold(((Location) r).getName()))
                            && ((Location) r).getName().chars().anyMatch(ch -> ch > 127))
                .findFirst()
                .orElseThrow();
    String plain =
        java.text.Normalizer.normalize(l.getName(), java.text.Normalizer.Form.NFD)
            .replaceAll("\\p{M}", "")
            .toUpperCase();
    assertThat(ids("Location", "name=" + plain.replace(",", "\\,"))).contains(id(l));
  }

  @Test
  void contentIsFullTextOverTheStudy() {
    ResearchStudy rs = study(g -> g.researchStudy().hasDescription());
    List<String> words = TextAnalysis.INSTANCE.words(rs.getDescription());
    assertThat(studies("_content=" + String.join(" ", words.subList(0, Math.min(3, words.size())))))
        .contains(id(rs));
    assertThat(studies("_content=zzyzxqq")).isEmpty();
  }

  @Test
  void identifiersWithEveryNctSystemVariant() {
    ResearchStudy rs = graphs.get(0).researchStudy();
    for (String system :
        List.of(
            "",
            "https://clinicaltrials.gov|",
            "http://clinicaltrials.gov|",
            "https://clinicaltrials.gov/|")) {
      assertThat(studies("identifier=" + system + id(rs))).containsExactly(id(rs));
    }
    assertThat(studies("identifier=urn:other|" + id(rs))).isEmpty();
    assertThat(studies("_id=" + id(rs))).containsExactly(id(rs));
    assertThat(studies("_id:not=" + id(rs))).hasSize(graphs.size() - 1);
  }

  @Test
  void keywordAndCountry() {
    ResearchStudy rs =
        study(
            g ->
                g.researchStudy().hasKeyword()
                    && g.researchStudy().getLocation().stream()
                        .anyMatch(CodeableConcept::hasCoding));
    String keyword = rs.getKeywordFirstRep().getText();
    assertThat(studies("keyword:text=" + keyword.replace(",", "\\,"))).contains(id(rs));
    assertThat(studies("keyword=" + keyword.replace(",", "\\,"))).doesNotContain(id(rs));
    CodeableConcept country =
        rs.getLocation().stream().filter(CodeableConcept::hasCoding).findFirst().orElseThrow();
    assertThat(studies("location=" + country.getCodingFirstRep().getCode())).contains(id(rs));
    assertThat(studies("location=urn:iso:std:iso:3166|" + country.getCodingFirstRep().getCode()))
        .contains(id(rs));
    assertThat(studies("location:text=" + country.getText())).contains(id(rs));
  }

  @Test
  void references() {
    TrialGraph g =
        graph(
            x ->
                !x.locations().isEmpty()
                    && x.researchStudy().hasSponsor()
                    && x.researchStudy().hasPrincipalInvestigator()
                    && !x.plans().isEmpty());
    ResearchStudy rs = g.researchStudy();
    String site = g.locations().get(0).getIdPart();
    assertThat(studies("site=Location/" + site)).contains(id(rs));
    assertThat(studies("site=" + site)).contains(id(rs));
    assertThat(studies("site=https://example.org/fhir/Location/" + site)).contains(id(rs));
    assertThat(studies("sponsor=" + rs.getSponsor().getReference())).contains(id(rs));
    assertThat(studies("protocol=" + rs.getProtocolFirstRep().getReference()))
        .containsExactly(id(rs));
    assertThat(
            studies(
                "principalinvestigator="
                    + rs.getPrincipalInvestigator().getReferenceElement().getIdPart()))
        .containsExactly(id(rs));
    assertThat(studies("site=Location/loc-nowhere")).isEmpty();
    assertThat(studies("partof:missing=true")).hasSize(graphs.size());
    assertThat(studies("partof:missing=false")).isEmpty();
    long withPi = graphs.stream().filter(x -> x.researchStudy().hasPrincipalInvestigator()).count();
    assertThat(studies("principalinvestigator:missing=false")).hasSize((int) withPi);
  }

  @Test
  void dates() {
    ResearchStudy rs =
        study(
            g ->
                g.researchStudy().hasPeriod()
                    && g.researchStudy().getPeriod().hasStart()
                    && g.researchStudy().getPeriod().hasEnd()
                    && g.researchStudy().getPeriod().getStartElement().getValueAsString().length()
                        == 10
                    && !g.researchStudy()
                        .getPeriod()
                        .getStartElement()
                        .getValueAsString()
                        .substring(0, 4)
                        .equals(
                            g.researchStudy()
                                .getPeriod()
                                .getEndElement()
                                .getValueAsString()
                                .substring(0, 4)));
    String start = rs.getPeriod().getStartElement().getValueAsString();
    int startYear = Integer.parseInt(start.substring(0, 4));
    int endYear =
        Integer.parseInt(rs.getPeriod().getEndElement().getValueAsString().substring(0, 4));
    assertThat(studies("date=" + startYear)).doesNotContain(id(rs));
    assertThat(studies("date=ap" + start)).contains(id(rs));
    assertThat(studies("date=ge" + startYear)).contains(id(rs));
    assertThat(studies("date=gt" + (endYear + 1))).doesNotContain(id(rs));
    assertThat(studies("date=lt" + (startYear + 1))).contains(id(rs));
    assertThat(studies("date=sa" + (startYear - 1))).contains(id(rs));
    assertThat(studies("date=sa" + startYear)).doesNotContain(id(rs));
    assertThat(studies("date=eb" + (endYear + 1))).contains(id(rs));
    assertThat(studies("date=eb" + endYear)).doesNotContain(id(rs));
    assertThat(studies("date=ge" + (startYear - 1), "date=le" + (endYear + 1))).contains(id(rs));
    String updated = rs.getMeta().getLastUpdatedElement().getValueAsString().substring(0, 10);
    assertThat(studies("_lastUpdated=" + updated)).contains(id(rs));
    assertThat(studies("_lastUpdated=gt2100")).isEmpty();
    assertThat(studies("_lastUpdated=ge1990")).hasSize(graphs.size());
  }

  @Test
  void otherResourceTypes() {
    Location l =
        (Location)
            Corpus.resources("Location").stream()
                .filter(
                    r ->
                        ((Location) r).hasAddress()
                            && ((Location) r).getAddress().hasCity()
                            && ((Location) r).hasPosition())
                .findFirst()
                .orElseThrow();
    assertThat(
            ids(
                "Location",
                "name="
                    + l.getName()
                        .substring(0, Math.min(8, l.getName().length()))
                        .replace(",", "\\,")))
        .contains(id(l));
    assertThat(ids("Location", "address-city=" + l.getAddress().getCity())).contains(id(l));
    assertThat(ids("Location", "address=" + l.getAddress().getCity())).contains(id(l));
    assertThat(ids("Location", "address-city:exact=" + l.getAddress().getCity() + "x"))
        .doesNotContain(id(l));
    SearchResult near =
        store.search(
            query(
                "Location",
                "near="
                    + l.getPosition().getLatitude()
                    + "|"
                    + l.getPosition().getLongitude()
                    + "|1|km",
                "_sort=near"));
    assertThat(near.matches().get(0).distanceKm()).isCloseTo(0.0, within(1e-9));
    assertThat(near.matches()).extracting(m -> m.resource().getIdPart()).contains(id(l));

    Organization o =
        (Organization)
            Corpus.resources("Organization").stream()
                .filter(r -> ((Organization) r).hasType())
                .findFirst()
                .orElseThrow();
    assertThat(
            ids(
                "Organization",
                "name="
                    + o.getName()
                        .substring(0, Math.min(6, o.getName().length()))
                        .replace(",", "\\,")))
        .contains(id(o));
    String type = o.getTypeFirstRep().getCodingFirstRep().getCode();
    assertThat(ids("Organization", "type=" + type)).contains(id(o));
    assertThat(ids("Organization", "type:not=" + type)).doesNotContain(id(o));

    Practitioner p = (Practitioner) Corpus.resources("Practitioner").get(0);
    assertThat(
            ids(
                "Practitioner",
                "name:contains=" + p.getNameFirstRep().getText().substring(1).replace(",", "\\,")))
        .contains(id(p));
    // The registry's names are one text: any word of it starts a match, but is not the exact name.
    Practitioner named =
        (Practitioner)
            Corpus.resources("Practitioner").stream()
                .filter(
                    x ->
                        ((Practitioner) x).getNameFirstRep().getText().split("[\\s,]+").length >= 3)
                .findFirst()
                .orElseThrow();
    String text = named.getNameFirstRep().getText();
    String[] words = text.split("[\\s,]+");
    String last = words[1];
    assertThat(ids("Practitioner", "name=" + last)).contains(id(named));
    assertThat(ids("Practitioner", "name=" + last.substring(0, Math.min(3, last.length()))))
        .contains(id(named));
    assertThat(ids("Practitioner", "name=" + words[0])).contains(id(named));
    assertThat(ids("Practitioner", "name:exact=" + last)).doesNotContain(id(named));
    assertThat(ids("Practitioner", "name:exact=" + text.replace(",", "\\,"))).contains(id(named));
    assertThat(ids("Practitioner", "name=zzzqqq")).isEmpty();

    assertThat(ids("Group", "actual=false")).hasSize(graphs.size());
    assertThat(ids("Group", "actual=true")).isEmpty();
    String female = graph(g -> "female".equals(sex(g))).eligibility().getIdPart();
    assertThat(ids("Group", "characteristic=sex")).contains(female);
    assertThat(ids("Group", "type=person")).hasSize(graphs.size());

    PlanDefinition plan =
        (PlanDefinition)
            Corpus.resources("PlanDefinition").stream()
                .filter(x -> ((PlanDefinition) x).hasTitle())
                .findFirst()
                .orElseThrow();
    assertThat(
            ids(
                "PlanDefinition",
                "title:exact=" + plan.getTitle().replace(",", "\\,"),
                "type=clinical-protocol"))
        .contains(id(plan));
    assertThat(ids("PlanDefinition", "status=" + plan.getStatus().toCode())).contains(id(plan));
  }

  @Test
  void includesAreTheTargetsOnceEachAndNeverAMatch() {
    TrialGraph g =
        graph(
            x ->
                x.locations().size() >= 3
                    && x.researchStudy().hasSponsor()
                    && x.researchStudy().hasPrincipalInvestigator());
    SearchResult result =
        store.search(
            query(
                "ResearchStudy",
                "_id=" + id(g.researchStudy()),
                "_include=ResearchStudy:site",
                "_include=ResearchStudy:sponsor",
                "_include=ResearchStudy:enrollment",
                "_include=ResearchStudy:protocol",
                "_include=ResearchStudy:principalinvestigator"));
    Set<String> included =
        result.included().stream()
            .map(r -> r.fhirType() + "/" + r.getIdPart())
            .collect(Collectors.toSet());
    assertThat(included).hasSize(result.included().size());
    Set<String> expected = new HashSet<>();
    g.researchStudy().getSite().forEach(s -> expected.add(s.getReference()));
    expected.add(g.researchStudy().getSponsor().getReference());
    expected.add(g.researchStudy().getEnrollmentFirstRep().getReference());
    g.researchStudy().getProtocol().forEach(s -> expected.add(s.getReference()));
    expected.add(g.researchStudy().getPrincipalInvestigator().getReference());
    assertThat(included).isEqualTo(expected);

    // Two studies sharing a site: the Location is included once.
    Map<String, List<String>> studiesBySite = new LinkedHashMap<>();
    graphs.forEach(
        x ->
            x.researchStudy()
                .getSite()
                .forEach(
                    s ->
                        studiesBySite
                            .computeIfAbsent(s.getReference(), k -> new ArrayList<>())
                            .add(id(x.researchStudy()))));
    Map.Entry<String, List<String>> shared =
        studiesBySite.entrySet().stream()
            .filter(e -> e.getValue().size() >= 2)
            .findFirst()
            .orElseThrow();
    SearchResult two =
        store.search(
            query(
                "ResearchStudy",
                "_id=" + shared.getValue().get(0) + "," + shared.getValue().get(1),
                "_include=ResearchStudy:site"));
    assertThat(two.matches()).hasSize(2);
    assertThat(
            two.included().stream()
                .filter(r -> ("Location/" + r.getIdPart()).equals(shared.getKey())))
        .hasSize(1);

    // _revinclude: the studies at a site.
    String locationId = shared.getKey().substring("Location/".length());
    SearchResult rev =
        store.search(query("Location", "_id=" + locationId, "_revinclude=ResearchStudy:site"));
    assertThat(rev.matches()).extracting(m -> m.resource().getIdPart()).containsExactly(locationId);
    assertThat(rev.included())
        .extracting(Resource::getIdPart)
        .containsExactlyInAnyOrderElementsOf(new HashSet<>(shared.getValue()));
    // Without the include, nothing is added.
    assertThat(store.search(query("Location", "_id=" + locationId)).included()).isEmpty();
  }

  @Test
  void pagingToTheEndSeesEveryMatchOnceAndTheTotal() {
    SearchQuery q = query("ResearchStudy", "status=active,completed", "_count=37");
    List<String> seen = new ArrayList<>();
    int offset = 0;
    Integer total = null;
    while (true) {
      SearchResult page = store.search(q.withPage(offset, 37));
      total = page.total();
      page.matches().forEach(m -> seen.add(m.resource().getIdPart()));
      offset += 37;
      if (page.matches().size() < 37) {
        break;
      }
    }
    assertThat(seen).hasSize(total).doesNotHaveDuplicates();
    assertThat(seen).isEqualTo(store.searchIds(q).stream().map(LuceneTrialStore.Hit::id).toList());
    assertThat(seen).isSorted();
    assertThat(store.search(q.withPage(total + 10, 37)).matches()).isEmpty();
    // A deep page (as a forged link could ask) is answered at once, with the total.
    SearchResult deep = store.search(q.withPage(9_000_000, 500));
    assertThat(deep.matches()).isEmpty();
    assertThat(deep.total()).isEqualTo(total);
  }

  @Test
  void totalsCountsAndSummaries() {
    SearchQuery none = query("ResearchStudy", "status=active", "_total=none");
    assertThat(store.search(none).total()).isNull();
    SearchQuery count = query("ResearchStudy", "status=active", "_summary=count");
    SearchResult counted = store.search(count);
    assertThat(counted.matches()).isEmpty();
    assertThat(counted.total()).isEqualTo(studies("status=active").size());
  }

  @Test
  void sortOrdersWithMissingValuesLastAndIdTieBreak() {
    List<ResearchStudy> byTitle = all(query("ResearchStudy", "_sort=title", "_count=500"));
    assertThat(byTitle).hasSize(graphs.size());
    List<String> keys = byTitle.stream().map(r -> Strings.normalize(r.getTitle())).toList();
    assertThat(keys).isSortedAccordingTo(Comparator.naturalOrder());

    List<ResearchStudy> byDate = all(query("ResearchStudy", "_sort=-date", "_count=500"));
    List<Long> starts =
        byDate.stream()
            .map(
                r ->
                    r.hasPeriod() && r.getPeriod().hasStart()
                        ? IndexValues.range(r.getPeriod().getStartElement())[0]
                        : null)
            .toList();
    int firstMissing = starts.indexOf(null);
    if (firstMissing >= 0) {
      assertThat(starts.subList(firstMissing, starts.size())).containsOnlyNulls();
    }
    List<Long> present = starts.stream().filter(java.util.Objects::nonNull).toList();
    assertThat(present).isSortedAccordingTo(Comparator.reverseOrder());
    for (int i = 1; i < byDate.size(); i++) {
      if (java.util.Objects.equals(starts.get(i), starts.get(i - 1))) {
        assertThat(byDate.get(i).getIdPart()).isGreaterThan(byDate.get(i - 1).getIdPart());
      }
    }
    List<ResearchStudy> byUpdate = all(query("ResearchStudy", "_sort=_lastUpdated", "_count=500"));
    assertThat(byUpdate.stream().map(r -> r.getMeta().getLastUpdated()).toList())
        .isSortedAccordingTo(Comparator.naturalOrder());
    List<ResearchStudy> byId = all(query("ResearchStudy", "_sort=-_id", "_count=500"));
    assertThat(byId.stream().map(Resource::getIdPart).toList())
        .isSortedAccordingTo(Comparator.reverseOrder());
  }

  private List<ResearchStudy> all(SearchQuery q) {
    List<ResearchStudy> all = new ArrayList<>();
    for (int offset = 0; ; offset += q.count()) {
      SearchResult page = store.search(q.withPage(offset, q.count()));
      page.matches().forEach(m -> all.add((ResearchStudy) m.resource()));
      if (page.matches().size() < q.count()) {
        return all;
      }
    }
  }

  @Test
  void versionNamesTheGeneration() {
    assertThat(store.version()).startsWith("gen-");
  }
}
