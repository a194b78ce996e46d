package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Distance;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.LuceneTrialStore;
import org.trialfhir.store.Strings;
import org.trialfhir.testing.SharedData;

/**
 * What a search returns over the whole corpus: includes and revincludes, paging to the end (with
 * the generic client, after a restart, fhir.js style), totals, sort orders, proximity with the
 * distance extension, {@code _elements}, lenient handling and POST search.
 */
class SearchResultsIT {
  static final String X = SearchParametersIT.X;
  static CorpusServer corpus;
  static IGenericClient client;

  @BeforeAll
  static void start() {
    corpus = CorpusServer.get();
    client = corpus.client();
  }

  static List<BundleEntryComponent> entries(Bundle bundle, SearchEntryMode mode) {
    return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == mode).toList();
  }

  static Set<String> ids(List<BundleEntryComponent> entries) {
    return entries.stream()
        .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdPart())
        .collect(Collectors.toSet());
  }

  /** Every page from this first one, following next links with the generic client. */
  static List<Bundle> allPages(Bundle first) {
    List<Bundle> pages = new ArrayList<>();
    Bundle page = first;
    pages.add(page);
    while (page.getLink(Bundle.LINK_NEXT) != null) {
      page = client.loadPage().next(page).execute();
      pages.add(page);
      assertThat(pages.size()).as("pages").isLessThan(1000);
    }
    return pages;
  }

  static List<Resource> allMatches(String query) {
    List<Resource> matches = new ArrayList<>();
    for (Bundle page : allPages(corpus.search(query))) {
      entries(page, SearchEntryMode.MATCH).forEach(e -> matches.add(e.getResource()));
    }
    return matches;
  }

  @Test
  void includesFollowEachReferenceOfTheMatches() {
    ResearchStudy x = client.read().resource(ResearchStudy.class).withId(X).execute();
    Map<String, List<Reference>> references = new LinkedHashMap<>();
    references.put("site", x.getSite());
    references.put("sponsor", List.of(x.getSponsor()));
    references.put("enrollment", x.getEnrollment());
    references.put("protocol", x.getProtocol());
    references.forEach(
        (param, refs) -> {
          Bundle bundle =
              corpus.search("ResearchStudy?_id=" + X + "&_include=ResearchStudy:" + param);
          assertThat(ids(entries(bundle, SearchEntryMode.MATCH)))
              .containsExactly("ResearchStudy/" + X);
          Set<String> expected =
              refs.stream().map(Reference::getReference).collect(Collectors.toSet());
          assertThat(ids(entries(bundle, SearchEntryMode.INCLUDE))).as(param).isEqualTo(expected);
        });
    Bundle withPi =
        corpus.search(
            "ResearchStudy?principalinvestigator:missing=false&_count=5&_include=ResearchStudy:principalinvestigator");
    Set<String> pis = new HashSet<>();
    entries(withPi, SearchEntryMode.MATCH)
        .forEach(
            e ->
                pis.add(
                    ((ResearchStudy) e.getResource()).getPrincipalInvestigator().getReference()));
    assertThat(ids(entries(withPi, SearchEntryMode.INCLUDE))).isEqualTo(pis);
    // Without _include, no include entries.
    assertThat(entries(corpus.search("ResearchStudy?_id=" + X), SearchEntryMode.INCLUDE)).isEmpty();
  }

  @Test
  void includesAreNotRepeatedWithinAPageAndEveryIncludeIsReferenced() {
    Bundle page =
        corpus.search(
            "ResearchStudy?status=active&_count=50&_include=ResearchStudy:site&_include=ResearchStudy:sponsor");
    List<BundleEntryComponent> includes = entries(page, SearchEntryMode.INCLUDE);
    assertThat(includes).isNotEmpty();
    assertThat(ids(includes)).hasSize(includes.size());
    Set<String> referenced = new HashSet<>();
    for (BundleEntryComponent match : entries(page, SearchEntryMode.MATCH)) {
      ResearchStudy study = (ResearchStudy) match.getResource();
      study.getSite().forEach(r -> referenced.add(r.getReference()));
      referenced.add(study.getSponsor().getReference());
    }
    assertThat(referenced).containsAll(ids(includes));
  }

  @Test
  void revincludeAddsTheStudiesOfASite() {
    String columbus = SearchParametersIT.COLUMBUS;
    Bundle bundle = corpus.search("Location?_id=" + columbus + "&_revinclude=ResearchStudy:site");
    assertThat(ids(entries(bundle, SearchEntryMode.MATCH))).containsExactly("Location/" + columbus);
    Set<String> studies = ids(entries(bundle, SearchEntryMode.INCLUDE));
    assertThat(studies).contains("ResearchStudy/" + X);
    Set<String> bySite =
        allMatches("ResearchStudy?site=Location/" + columbus + "&_count=100").stream()
            .map(r -> "ResearchStudy/" + r.getIdPart())
            .collect(Collectors.toSet());
    assertThat(studies).isEqualTo(bySite);
  }

  /**
   * A page carries a bounded number of included resources: past the store's limit (here 3) the page
   * says, in an outcome entry, how many were left out; JSON (fast path) and XML agree.
   */
  @Test
  void includesPastTheLimitAreLeftOutWithAWarning() throws Exception {
    String query = "Location?_count=20&_revinclude=ResearchStudy:site";
    int all = entries(corpus.search(query), SearchEntryMode.INCLUDE).size();
    assertThat(all).isGreaterThan(3);
    String previous = System.getProperty(LuceneTrialStore.MAX_REVINCLUDES_PROPERTY);
    EngineBackend backend;
    System.setProperty(LuceneTrialStore.MAX_REVINCLUDES_PROPERTY, "3");
    try {
      backend = EngineBackend.open(corpus.index);
    } finally {
      if (previous == null) {
        System.clearProperty(LuceneTrialStore.MAX_REVINCLUDES_PROPERTY);
      } else {
        System.setProperty(LuceneTrialStore.MAX_REVINCLUDES_PROPERTY, previous);
      }
    }
    try (backend) {
      TrialServer bounded = new TrialServer(backend, TrialServer.Settings.local(0));
      bounded.start();
      try {
        IGenericClient boundedClient =
            CorpusServer.FHIR.newRestfulGenericClient(bounded.fhirBaseUrl());
        for (EncodingEnum encoding : List.of(EncodingEnum.JSON, EncodingEnum.XML)) {
          Bundle page =
              boundedClient
                  .search()
                  .byUrl(bounded.fhirBaseUrl() + "/" + query)
                  .encoded(encoding)
                  .returnBundle(Bundle.class)
                  .execute();
          assertThat(entries(page, SearchEntryMode.MATCH)).hasSize(20);
          assertThat(entries(page, SearchEntryMode.INCLUDE)).hasSize(3);
          List<BundleEntryComponent> outcomes = entries(page, SearchEntryMode.OUTCOME);
          assertThat(outcomes).hasSize(1);
          OperationOutcome.OperationOutcomeIssueComponent issue =
              ((OperationOutcome) outcomes.get(0).getResource()).getIssueFirstRep();
          assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING);
          assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
          assertThat(issue.getDiagnostics())
              .contains("3 included resources")
              .contains(" " + (all - 3) + " more were left out");
        }
      } finally {
        bounded.stop();
      }
    }
  }

  @Test
  void pagingReachesEveryActiveStudyOnceAndTheTotalIsTheRegistryCount() throws Exception {
    long expected = activeInCorpus();
    Bundle first = corpus.search("ResearchStudy?status=active&_count=37");
    assertThat(first.getTotal()).isEqualTo((int) expected);
    List<String> seen = new ArrayList<>();
    List<Bundle> pages = allPages(first);
    for (Bundle page : pages) {
      assertThat(page.getTotal()).isEqualTo(first.getTotal());
      entries(page, SearchEntryMode.MATCH).forEach(e -> seen.add(e.getResource().getIdPart()));
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize(first.getTotal());
    assertThat(pages).hasSize((first.getTotal() + 36) / 37);
    // previous from the second page is the first page
    Bundle back = client.loadPage().previous(pages.get(1)).execute();
    assertThat(ids(back.getEntry())).isEqualTo(ids(first.getEntry()));
  }

  /**
   * The oracle: records whose overallStatus the crosswalk maps to active, read with plain Jackson.
   */
  static long activeInCorpus() throws Exception {
    ObjectMapper json = new ObjectMapper();
    long active = 0;
    for (Path file : SharedData.files("v2")) {
      JsonNode status =
          json.readTree(Files.readAllBytes(file)).at("/protocolSection/statusModule/overallStatus");
      if (Set.of("RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE").contains(status.asText())) {
        active++;
      }
    }
    return active;
  }

  @Test
  void totalNoneStillPagesToTheEnd() {
    int total = corpus.count("ResearchStudy?phase=phase-2");
    Bundle first = corpus.search("ResearchStudy?phase=phase-2&_total=none&_count=40");
    assertThat(first.hasTotal()).isFalse();
    int seen = 0;
    for (Bundle page : allPages(first)) {
      assertThat(page.hasTotal()).isFalse();
      seen += entries(page, SearchEntryMode.MATCH).size();
    }
    assertThat(seen).isEqualTo(total).isGreaterThan(40);
  }

  @Test
  void summaryCountAndCountZeroGiveOnlyTheTotal() {
    Bundle count = corpus.search("ResearchStudy?status=active&_summary=count");
    Bundle zero = corpus.search("ResearchStudy?status=active&_count=0");
    assertThat(count.getEntry()).isEmpty();
    assertThat(zero.getEntry()).isEmpty();
    assertThat(count.getTotal()).isEqualTo(zero.getTotal()).isGreaterThan(0);
  }

  @Test
  void nextLinksWorkOnAFreshServerAndWithASlashBeforeTheQuery() throws Exception {
    Bundle first = corpus.search("ResearchStudy?condition:text=cancer&_sort=title&_count=10");
    Bundle second = client.loadPage().next(first).execute();
    String next = first.getLink(Bundle.LINK_NEXT).getUrl();
    try (TrialServer restarted = new TrialServer(corpus.backend, TrialServer.Settings.local(0))) {
      restarted.start();
      String moved = next.replace(corpus.base, restarted.fhirBaseUrl() + "/");
      assertThat(moved).contains("/fhir/?_getpages=");
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(moved)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      Bundle again = CorpusServer.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
      assertThat(again.getEntry().stream().map(e -> e.getResource().getIdPart()).toList())
          .isEqualTo(second.getEntry().stream().map(e -> e.getResource().getIdPart()).toList());
    }
  }

  @Test
  void sortByTitleAcrossPagesAndReversed() {
    List<String> titles =
        allMatches("ResearchStudy?status=active&_sort=title&_count=100&_elements=title").stream()
            .map(r -> Strings.normalize(((ResearchStudy) r).getTitle()))
            .toList();
    assertThat(titles).isSortedAccordingTo(String::compareTo).hasSizeGreaterThan(100);
    List<String> reversed =
        allMatches("ResearchStudy?status=active&_sort=-title&_count=100&_elements=title").stream()
            .map(r -> Strings.normalize(((ResearchStudy) r).getTitle()))
            .toList();
    assertThat(reversed).isSortedAccordingTo((a, b) -> b.compareTo(a));
  }

  @Test
  void sortByDateThenMissingLast() {
    List<Date> starts =
        allMatches("ResearchStudy?phase=phase-3&_sort=date&_count=100").stream()
            .map(r -> ((ResearchStudy) r).getPeriod().getStart())
            .toList();
    List<Date> known = starts.stream().takeWhile(d -> d != null).toList();
    assertThat(known).isSortedAccordingTo(Date::compareTo).isNotEmpty();
    assertThat(starts.subList(known.size(), starts.size())).containsOnlyNulls();
  }

  @Test
  void sortByLastUpdatedDescending() {
    List<Date> updated =
        allMatches("ResearchStudy?study-type=OBSERVATIONAL&_sort=-_lastUpdated&_count=100").stream()
            .map(r -> r.getMeta().getLastUpdated())
            .toList();
    assertThat(updated).isSortedAccordingTo((a, b) -> b.compareTo(a)).hasSizeGreaterThan(10);
  }

  @Test
  void nearRecruitingSitesSortedByDistanceWithTheDistanceOfTheNearestRecruitingSite() {
    double lat = 40.7128;
    double lon = -74.0060;
    Bundle first =
        corpus.search(
            "ResearchStudy?near="
                + lat
                + "|"
                + lon
                + "|300|km&site-status=RECRUITING&_sort=near&_count=15&_include=ResearchStudy:site");
    assertThat(first.getTotal()).isGreaterThan(15);
    double previous = 0;
    int checked = 0;
    for (Bundle page : allPages(first)) {
      Map<String, Location> sites = new LinkedHashMap<>();
      entries(page, SearchEntryMode.INCLUDE)
          .forEach(
              e ->
                  sites.put("Location/" + e.getResource().getIdPart(), (Location) e.getResource()));
      for (BundleEntryComponent entry : entries(page, SearchEntryMode.MATCH)) {
        Distance distance =
            (Distance)
                entry.getSearch().getExtensionByUrl(SearchEntries.LOCATION_DISTANCE).getValue();
        assertThat(distance.getCode()).isEqualTo("km");
        assertThat(distance.getSystem()).isEqualTo("http://unitsofmeasure.org");
        double km = distance.getValue().doubleValue();
        assertThat(km).isBetween(previous, 300.0);
        previous = km;
        // the nearest recruiting site, on a sphere (geodesic on the ellipsoid differs by < 0.6 %)
        ResearchStudy study = (ResearchStudy) entry.getResource();
        double nearest = Double.MAX_VALUE;
        for (Reference site : study.getSite()) {
          Location location = sites.get(site.getReference());
          if (location != null && location.hasPosition() && "RECRUITING".equals(siteStatus(site))) {
            nearest =
                Math.min(
                    nearest,
                    haversineKm(
                        lat,
                        lon,
                        location.getPosition().getLatitude().doubleValue(),
                        location.getPosition().getLongitude().doubleValue()));
          }
        }
        if (nearest < Double.MAX_VALUE) {
          assertThat(km).isCloseTo(nearest, within(nearest * 0.006 + 0.01));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  /** The study's recruitment status at a site (the site-recruitment-status extension's code). */
  static String siteStatus(Reference site) {
    org.hl7.fhir.r4.model.Extension status =
        site.getExtensionByUrl(
            "http://trialfhir.org/fhir/StructureDefinition/site-recruitment-status");
    if (status == null) {
      return null;
    }
    return status.getValue() instanceof org.hl7.fhir.r4.model.Coding coding
        ? coding.getCode()
        : status.getValue().primitiveValue();
  }

  static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double r = 6371.0088;
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(a));
  }

  @Test
  void locationsNearAPointCarryTheirDistance() {
    Bundle bundle = corpus.search("Location?near=32.46098|-84.98771|200|km&_sort=near&_count=500");
    assertThat(bundle.getEntry()).isNotEmpty();
    double previous = -1;
    for (BundleEntryComponent entry : entries(bundle, SearchEntryMode.MATCH)) {
      Location location = (Location) entry.getResource();
      double km =
          ((Distance)
                  entry.getSearch().getExtensionByUrl(SearchEntries.LOCATION_DISTANCE).getValue())
              .getValue()
              .doubleValue();
      double expected =
          haversineKm(
              32.46098,
              -84.98771,
              location.getPosition().getLatitude().doubleValue(),
              location.getPosition().getLongitude().doubleValue());
      assertThat(km)
          .isCloseTo(expected, within(expected * 0.006 + 0.01))
          .isGreaterThanOrEqualTo(previous);
      previous = km;
    }
    assertThat(entries(bundle, SearchEntryMode.MATCH).get(0).getResource().getIdPart())
        .isEqualTo(SearchParametersIT.COLUMBUS);
  }

  @Test
  void elementsLimitEachEntry() {
    Bundle bundle = corpus.search("ResearchStudy?status=active&_count=5&_elements=title,status");
    for (BundleEntryComponent entry : bundle.getEntry()) {
      ResearchStudy study = (ResearchStudy) entry.getResource();
      assertThat(study.hasTitle()).isTrue();
      assertThat(study.hasDescription()).isFalse();
      assertThat(study.hasSite()).isFalse();
    }
  }

  @Test
  void lenientSearchNamesWhatItIgnored() {
    Bundle bundle =
        client
            .search()
            .byUrl(corpus.base + "/ResearchStudy?status=active&colour=blue&status:fuzzy=x&_count=1")
            .withAdditionalHeader("Prefer", "handling=lenient")
            .returnBundle(Bundle.class)
            .execute();
    List<BundleEntryComponent> outcomes = entries(bundle, SearchEntryMode.OUTCOME);
    assertThat(outcomes).hasSize(1);
    OperationOutcome outcome = (OperationOutcome) outcomes.get(0).getResource();
    String text =
        outcome.getIssue().stream()
            .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
            .collect(Collectors.joining("\n"));
    assertThat(text).contains("colour").contains("fuzzy");
    assertThat(outcome.getIssue())
        .allMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING);
    assertThat(bundle.getTotal()).isEqualTo(corpus.count("ResearchStudy?status=active"));
  }

  @Test
  void postSearchAnswersLikeGet() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(corpus.base + "/ResearchStudy/_search"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "condition%3Atext=breast+cancer&status=active&_count=5"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Bundle posted = CorpusServer.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    Bundle got =
        corpus.search("ResearchStudy?condition:text=breast%20cancer&status=active&_count=5");
    assertThat(posted.getTotal()).isEqualTo(got.getTotal()).isGreaterThan(0);
    assertThat(ids(posted.getEntry())).isEqualTo(ids(got.getEntry()));
    // and its next link pages like any other
    Bundle next = client.loadPage().next(posted).execute();
    assertThat(next.getEntry()).isNotEmpty();
  }

  @Test
  void xmlSearchWithTheGenericClient() {
    Bundle bundle =
        client
            .search()
            .forResource(ResearchStudy.class)
            .where(ResearchStudy.STATUS.exactly().code("active"))
            .count(3)
            .encodedXml()
            .returnBundle(Bundle.class)
            .execute();
    assertThat(bundle.getEntry()).hasSize(3);
    assertThat(client.loadPage().next(bundle).encodedXml().execute().getEntry()).hasSize(3);
  }
}
