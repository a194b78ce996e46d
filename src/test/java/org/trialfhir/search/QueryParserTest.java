package org.trialfhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.search.SearchValues.Prefix;

class QueryParserTest {
  private final QueryParser parser = new QueryParser();

  /** The parameters of a query string, as a servlet container gives them (decoded, repeated). */
  static Map<String, String[]> params(String query) {
    Map<String, List<String>> lists = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        lists.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    Map<String, String[]> map = new LinkedHashMap<>();
    lists.forEach((k, v) -> map.put(k, v.toArray(String[]::new)));
    return map;
  }

  private SearchQuery parse(String query) {
    return parser.parse("ResearchStudy", params(query), false);
  }

  private SearchQuery parse(String type, String query) {
    return parser.parse(type, params(query), false);
  }

  private void refused(String query, String parameter, String messagePart) {
    assertThatThrownBy(() -> parse(query))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((InvalidSearchException) e).parameter()).isEqualTo(parameter));
  }

  @Test
  void defaultsWithoutParameters() {
    SearchQuery q = parse("");
    assertThat(q.resourceType()).isEqualTo("ResearchStudy");
    assertThat(q.criteria()).isEmpty();
    assertThat(q.count()).isEqualTo(20);
    assertThat(q.offset()).isZero();
    assertThat(q.total()).isEqualTo(TotalMode.ACCURATE);
    assertThat(q.sort()).isEmpty();
    assertThat(q.summary()).isNull();
    assertThat(q.elements()).isEmpty();
  }

  @Test
  void commasAreAlternativesAndRepetitionsAreCriteria() {
    SearchQuery q = parse("status=active,approved&phase=phase-2&phase=phase-3");
    assertThat(q.criteria()).hasSize(3);
    Criterion status =
        q.criteria().stream().filter(c -> c.param().code().equals("status")).findFirst().get();
    assertThat(status.values()).containsExactly("active", "approved");
    assertThat(q.criteria().stream().filter(c -> c.param().code().equals("phase")))
        .extracting(Criterion::values)
        .containsExactlyInAnyOrder(List.of("phase-2"), List.of("phase-3"));
  }

  @Test
  void escapedCommaStaysInTheValueAndOtherEscapesAreKeptForTheType() {
    SearchQuery q = parse("title=a\\,b,c&condition=x\\|y|z");
    Criterion title =
        q.criteria().stream().filter(c -> c.param().code().equals("title")).findFirst().get();
    assertThat(title.values()).containsExactly("a,b", "c");
    Criterion condition =
        q.criteria().stream().filter(c -> c.param().code().equals("condition")).findFirst().get();
    assertThat(condition.values()).containsExactly("x\\|y|z");
    SearchValues.Token token = SearchValues.token("condition", condition.values().get(0));
    assertThat(token.system()).isEqualTo("x|y");
    assertThat(token.code()).isEqualTo("z");
  }

  @Test
  void invalidEscapeAndEmptyAlternativeAreRefused() {
    refused("title=a\\b", "title", "escape");
    refused("title=a\\", "title", "escape");
    refused("status=active,", "status", "Empty value");
  }

  @Test
  void tokenForms() {
    assertThat(SearchValues.token("p", "code")).isEqualTo(new SearchValues.Token(null, "code"));
    assertThat(SearchValues.token("p", "|code")).isEqualTo(new SearchValues.Token("", "code"));
    assertThat(SearchValues.token("p", "sys|")).isEqualTo(new SearchValues.Token("sys", null));
    assertThat(SearchValues.token("p", "sys|code"))
        .isEqualTo(new SearchValues.Token("sys", "code"));
    refused("status=a|b|c", "status", "Invalid token");
    refused("status=|", "status", "Invalid token");
  }

  @Test
  void nctIdentifierSystemVariantsAreOne() {
    for (String variant :
        List.of(
            "http://clinicaltrials.gov",
            "https://clinicaltrials.gov/",
            "http://clinicaltrials.gov/",
            "HTTPS://ClinicalTrials.gov")) {
      assertThat(SearchValues.identifierSystem(variant)).isEqualTo(Canonical.NCT_SYSTEM);
    }
    assertThat(SearchValues.identifierSystem("urn:other")).isEqualTo("urn:other");
    assertThat(parse("identifier=http://clinicaltrials.gov/|NCT00000410").criteria()).hasSize(1);
  }

  @Test
  void unknownParameterIsRefusedOrIgnoredWhenLenient() {
    refused("colour=red", "colour", "Unknown parameter colour");
    QueryParser.Parsed parsed =
        parser.parseReportingIgnored("ResearchStudy", params("colour=red&status=active"), true);
    assertThat(parsed.query().criteria()).hasSize(1);
    assertThat(parsed.ignored()).singleElement().asString().contains("colour");
  }

  @ParameterizedTest
  @ValueSource(strings = {"_tag=x", "_has:Group:actual=false", "_list=1", "_query=x", "_filter=x"})
  void unsupportedUnderscoreParametersAreRefused(String query) {
    assertThatThrownBy(() -> parse(query))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("Unsupported parameter");
  }

  @Test
  void chainedParametersAreRefused() {
    refused("site.name=Boston", "site.name", "Chained");
  }

  @Test
  void modifiersNotAllowedAreRefusedOrIgnoredWhenLenient() {
    refused("title:not=x", "title:not", "Modifier :not is not supported on title");
    refused("status:text=x", "status:text", "not supported");
    refused("status:fuzzy=x", "status:fuzzy", "not supported");
    refused("phase:below=x", "phase:below", "not supported");
    refused("condition:contains=x", "condition:contains", "not supported");
    refused("site:Location=x", "site:Location", "not supported");
    QueryParser.Parsed parsed =
        parser.parseReportingIgnored("ResearchStudy", params("title:not=x"), true);
    assertThat(parsed.query().criteria()).isEmpty();
    assertThat(parsed.ignored()).hasSize(1);
  }

  @Test
  void missingTakesTrueOrFalse() {
    Criterion c = parse("sponsor:missing=true").criteria().get(0);
    assertThat(c.modifier()).isEqualTo(Modifier.MISSING);
    assertThat(c.name()).isEqualTo("sponsor:missing");
    refused("sponsor:missing=yes", "sponsor:missing", "true or false");
    refused("_content:missing=true", "_content:missing", "takes no modifier");
  }

  @Test
  void stringModifiersAndTextModifiers() {
    assertThat(parse("title:exact=Aspirin").criteria().get(0).modifier()).isEqualTo(Modifier.EXACT);
    assertThat(parse("title:contains=spiri").criteria().get(0).modifier())
        .isEqualTo(Modifier.CONTAINS);
    assertThat(parse("condition:text=breast cancer").criteria().get(0).modifier())
        .isEqualTo(Modifier.TEXT);
    assertThat(parse("condition:below=D009369").criteria().get(0).modifier())
        .isEqualTo(Modifier.BELOW);
    refused("condition:text=--", "condition:text", "at least one word");
    refused("_content=!!", "_content", "at least one word");
    refused("condition:below=http://snomed.info/sct|123", "condition:below", "MeSH");
  }

  @Test
  void datePrefixesAndPrecisions() {
    SearchValues.DateValue year = SearchValues.date("date", "2024");
    assertThat(year.prefix()).isEqualTo(Prefix.EQ);
    assertThat(Instant.ofEpochMilli(year.low())).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(Instant.ofEpochMilli(year.high()))
        .isEqualTo(Instant.parse("2024-12-31T23:59:59.999Z"));
    SearchValues.DateValue month = SearchValues.date("date", "ge2024-02");
    assertThat(month.prefix()).isEqualTo(Prefix.GE);
    assertThat(Instant.ofEpochMilli(month.high()))
        .isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z"));
    SearchValues.DateValue day = SearchValues.date("date", "lt2024-03-05");
    assertThat(day.high() - day.low()).isEqualTo(86_400_000L - 1);
    SearchValues.DateValue minute = SearchValues.date("date", "sa2024-03-05T10:30+02:00");
    assertThat(Instant.ofEpochMilli(minute.low())).isEqualTo(Instant.parse("2024-03-05T08:30:00Z"));
    assertThat(minute.high() - minute.low()).isEqualTo(59_999);
    SearchValues.DateValue second = SearchValues.date("date", "eb2024-03-05T10:30:15Z");
    assertThat(second.high() - second.low()).isEqualTo(999);
    SearchValues.DateValue milli = SearchValues.date("date", "ap2024-03-05T10:30:15.250Z");
    assertThat(milli.high()).isEqualTo(milli.low());
    for (Prefix prefix : Prefix.values()) {
      assertThat(parse("date=" + prefix.code() + "2020").criteria()).hasSize(1);
      assertThat(parse("_lastUpdated=" + prefix.code() + "2020-01-01").criteria()).hasSize(1);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-13",
        "2024-02-30",
        "24",
        "2024-1-1",
        "xx2024",
        "2024-01-01T25:00",
        "0000",
        "yesterday",
        "'; DROP TABLE studies"
      })
  void malformedDatesAreRefused(String value) {
    assertThatThrownBy(
            () -> parser.parse("ResearchStudy", Map.of("date", new String[] {value}), false))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("date");
  }

  @Test
  void quantityForms() {
    SearchValues.QuantityValue q =
        SearchValues.quantity("eligible-age", "gt6|http://unitsofmeasure.org|mo");
    assertThat(q.prefix()).isEqualTo(Prefix.GT);
    assertThat(q.value()).isEqualByComparingTo("6");
    assertThat(q.system()).isEqualTo(Canonical.UCUM);
    assertThat(q.unit()).isEqualTo("mo");
    assertThat(SearchValues.ageInMinutes("eligible-age", q)).isEqualByComparingTo("262980");
    assertThat(SearchValues.ageInMinutes("eligible-age", SearchValues.quantity("e", "30")))
        .isEqualByComparingTo("15778800");
    assertThat(SearchValues.quantity("e", "2||wk").unit()).isEqualTo("wk");
    assertThat(parse("eligible-age=le65.5").criteria()).hasSize(1);
    refused("eligible-age=30|http://snomed.info/sct|a", "eligible-age", "UCUM");
    refused("eligible-age=30||kg", "eligible-age", "time units");
    refused("eligible-age=-3", "eligible-age", "negative");
    refused("eligible-age=3x0", "eligible-age", "Invalid number");
    refused("eligible-age=thirty", "eligible-age", "Unknown prefix");
    refused("eligible-age=zz30", "eligible-age", "Unknown prefix");
    refused("eligible-age=30|a", "eligible-age", "Invalid quantity");
  }

  @Test
  void referenceForms() {
    List<String> location = List.of("Location");
    assertThat(SearchValues.reference("site", "Location/loc-1", location))
        .isEqualTo(new SearchValues.Ref("Location", "loc-1"));
    assertThat(SearchValues.reference("site", "loc-1", location))
        .isEqualTo(new SearchValues.Ref("Location", "loc-1"));
    assertThat(SearchValues.reference("site", "https://example.org/fhir/Location/loc-1", location))
        .isEqualTo(new SearchValues.Ref("Location", "loc-1"));
    List<String> two = List.of("Practitioner", "PractitionerRole");
    assertThat(SearchValues.reference("principalinvestigator", "p-1", two).type()).isNull();
    refused("site=Organization/org-1", "site", "refers to Location");
    refused("site=Location/a/b", "site", "Invalid reference");
    refused("site=Location/bad id", "site", "Invalid reference");
    refused("sponsor=https://x", "sponsor", "Invalid reference");
  }

  @Test
  void nearForms() {
    SearchValues.Near near = SearchValues.near("near", "42.36|-71.06|10|[mi_i]");
    assertThat(near.latitude()).isEqualTo(42.36);
    assertThat(near.longitude()).isEqualTo(-71.06);
    assertThat(near.distanceKm()).isCloseTo(16.09344, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(SearchValues.near("near", "42.36|-71.06").distanceKm())
        .isEqualTo(SearchValues.DEFAULT_NEAR_KM);
    assertThat(SearchValues.near("near", "42.36|-71.06|25").distanceKm()).isEqualTo(25);
    refused("near=42.36|-71.06|10|furlong", "near", "km or [mi_i]");
    refused("near=91|0|10|km", "near", "latitude");
    refused("near=0|181|10|km", "near", "longitude");
    refused("near=0|0|-5|km", "near", "positive");
    refused("near=Boston", "near", "latitude|longitude");
    assertThat(parse("Location", "near=42.36|-71.06|5|km").criteria()).hasSize(1);
  }

  @Test
  void eligibilityTokensTakeTheirOwnValues() {
    assertThat(parse("eligible-sex=female&healthy-volunteers=true").criteria()).hasSize(2);
    assertThat(parse("eligible-sex=http://hl7.org/fhir/administrative-gender|male").criteria())
        .hasSize(1);
    refused("eligible-sex=other", "eligible-sex", "male or female");
    refused("eligible-sex=urn:x|male", "eligible-sex", "administrative-gender");
    refused("healthy-volunteers=yes", "healthy-volunteers", "true or false");
  }

  @Test
  void countBounds() {
    assertThat(parse("_count=7").count()).isEqualTo(7);
    assertThat(parse("_count=0").count()).isZero();
    assertThat(parse("_count=500").count()).isEqualTo(500);
    refused("_count=-1", "_count", "negative");
    refused("_count=501", "_count", "at most 500");
    refused("_count=100000", "_count", "at most 500");
    refused("_count=ten", "_count", "whole number");
    refused("_count=1&_count=2", "_count", "exactly once");
    QueryParser.Parsed lenient =
        parser.parseReportingIgnored("ResearchStudy", params("_count=100000"), true);
    assertThat(lenient.query().count()).isEqualTo(500);
    assertThat(lenient.ignored()).hasSize(1);
  }

  @Test
  void sortKeys() {
    SearchQuery q = parse("_sort=-date,title");
    assertThat(q.sort()).containsExactly(new SortKey("date", true), new SortKey("title", false));
    assertThat(parse("near=1|2|3|km&_sort=near").sort())
        .containsExactly(new SortKey("near", false));
    assertThat(parse("Location", "_sort=name").sort()).containsExactly(new SortKey("name", false));
    refused("_sort=status", "_sort", "Cannot sort ResearchStudy by 'status'");
    refused("_sort=near", "_sort", "needs a near parameter");
    refused("_sort=date,-date", "_sort", "twice");
  }

  @Test
  void totalValues() {
    assertThat(parse("_total=none").total()).isEqualTo(TotalMode.NONE);
    assertThat(parse("_total=estimate").total()).isEqualTo(TotalMode.ESTIMATE);
    assertThat(parse("_total=accurate").total()).isEqualTo(TotalMode.ACCURATE);
    refused("_total=some", "_total", "none, estimate or accurate");
  }

  @Test
  void includesAndRevIncludes() {
    SearchQuery q =
        parse(
            "_include=ResearchStudy:site&_include=ResearchStudy:sponsor:Organization"
                + "&_include=ResearchStudy:enrollment&_include=ResearchStudy:protocol"
                + "&_include=ResearchStudy:principalinvestigator");
    assertThat(q.includes())
        .extracting(IncludeSpec::param)
        .containsExactly("site", "sponsor", "enrollment", "protocol", "principalinvestigator");
    assertThat(parse("Location", "_revinclude=ResearchStudy:site").revIncludes())
        .containsExactly(new IncludeSpec("ResearchStudy", "site", "Location"));
    refused("_include=*", "_include", "Unsupported _include=*");
    refused("_include=ResearchStudy:partof", "_include", "Unsupported");
    refused("_include=ResearchStudy:site:Organization", "_include", "Unsupported");
    refused("_include:iterate=ResearchStudy:site", "_include:iterate", "not supported");
    refused("_revinclude=ResearchStudy:site", "_revinclude", "none here");
    refused("_include=ResearchStudy:site&_include=ResearchStudy:site", "_include", "twice");
  }

  @Test
  void summaryAndElements() {
    SearchQuery count = parse("_summary=count&_count=50");
    assertThat(count.summary()).isEqualTo(SummaryMode.COUNT);
    assertThat(count.count()).isZero();
    assertThat(parse("_summary=true").summary()).isEqualTo(SummaryMode.TRUE);
    assertThat(parse("_summary=text").summary()).isEqualTo(SummaryMode.TEXT);
    assertThat(parse("_summary=data").summary()).isEqualTo(SummaryMode.DATA);
    assertThat(parse("_summary=false").summary()).isEqualTo(SummaryMode.FALSE);
    refused("_summary=short", "_summary", "true, false, text, data or count");
    assertThat(parse("_elements=title,status,ResearchStudy.phase").elements())
        .containsExactly("title", "status", "phase");
    refused("_elements=title,colour", "_elements", "no element 'colour'");
    refused("_elements=title.value", "_elements", "no element");
    refused("_summary=true&_elements=title", "_summary", "cannot be combined");
  }

  @Test
  void formatAndPrettyAreLeftToTheServer() {
    SearchQuery q = parse("_format=json&_pretty=true&status=active");
    assertThat(q.criteria()).hasSize(1);
  }

  @Test
  void everyTypeAndItsParameters() {
    assertThat(
            parse("Location", "name=General&address-city=Boston&address:contains=mass").criteria())
        .hasSize(3);
    assertThat(parse("Organization", "name=Pfizer&type=INDUSTRY").criteria()).hasSize(2);
    assertThat(parse("Practitioner", "name=Smith").criteria()).hasSize(1);
    assertThat(
            parse("Group", "actual=false&type=person&characteristic=age&exclude=true").criteria())
        .hasSize(4);
    assertThat(parse("PlanDefinition", "status=active&title=Arm&type=clinical-protocol").criteria())
        .hasSize(3);
    assertThatThrownBy(() -> parse("Location", "condition=x"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("Unknown parameter condition for Location");
    assertThatThrownBy(() -> parse("Patient", "name=x"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("cannot be searched");
  }

  @Test
  void hostileValues() {
    refused("title=" + "x".repeat(10_000), "title", "longer than 1000");
    StringBuilder many = new StringBuilder("status=");
    for (int i = 0; i < 101; i++) {
      many.append(i == 0 ? "" : ",").append("a").append(i);
    }
    refused(many.toString(), "status", "more than 100 alternatives");
    // Query syntax of other engines is just text here: it parses, and matches literally.
    assertThat(parse("title=*:*&_content=title:(a OR b)").criteria()).hasSize(2);
    refused("_count='; DROP TABLE studies", "_count", "whole number");
  }

  @Test
  void anEmptyValueIsIgnoredAndReportedEvenWhenStrict() {
    QueryParser.Parsed parsed =
        parser.parseReportingIgnored("ResearchStudy", params("status=&phase=phase-2"), false);
    assertThat(parsed.query().criteria())
        .extracting(c -> c.param().code())
        .containsExactly("phase");
    assertThat(parsed.ignored()).singleElement().asString().contains("status has no value");
  }

  @Test
  void canonicalFormIsStableAndReadsBack() {
    SearchQuery a =
        parse(
            "status=active&condition:text=breast cancer&_sort=-date&_count=5&phase=phase-2,phase-3");
    SearchQuery b =
        parse(
            "phase=phase-2,phase-3&_count=5&_sort=-date&condition:text=breast cancer&status=active");
    assertThat(parser.canonical(a)).isEqualTo(parser.canonical(b));
    assertThat(parser.canonical(a))
        .isEqualTo(
            "ResearchStudy?condition:text=breast%20cancer&phase=phase-2,phase-3&status=active"
                + "&_sort=-date&_count=5");
    SearchQuery page3 = a.withPage(10, 5);
    SearchQuery back = parser.fromCanonical(parser.canonical(page3));
    assertThat(back).isEqualTo(page3);
    assertThat(back.offset()).isEqualTo(10);
  }

  @Test
  void canonicalFormKeepsEveryFeature() {
    SearchQuery q =
        parse(
            "title=a\\,b,c|d&near=42.3|-71|5|[mi_i]&_sort=near&_total=none"
                + "&_include=ResearchStudy:site&_elements=title,status&date=ge2020-01");
    SearchQuery back = parser.fromCanonical(parser.canonical(q.withPage(3, 7)));
    assertThat(back).isEqualTo(q.withPage(3, 7));
    SearchQuery location = parse("Location", "_revinclude=ResearchStudy:site&_summary=count");
    assertThat(parser.fromCanonical(parser.canonical(location))).isEqualTo(location);
  }

  @Test
  void forgedCanonicalStringsAreRefused() {
    for (String forged :
        List.of(
            "ResearchStudy?status=active&_offset=-1",
            "ResearchStudy?status=active&_offset=abc",
            "ResearchStudy?status=active&_offset=1&_offset=2",
            "ResearchStudy?secret=1",
            "Patient?name=x",
            "no-question-mark",
            "ResearchStudy?status",
            "ResearchStudy?status=%ZZ",
            "ResearchStudy?_count=9999")) {
      assertThatThrownBy(() -> parser.fromCanonical(forged))
          .as(forged)
          .isInstanceOf(InvalidSearchException.class);
    }
  }

  @Test
  void offsetIsOnlyForCanonicalStrings() {
    assertThatThrownBy(() -> parse("_offset=20"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("Unsupported parameter _offset");
  }

  @Test
  void registryListsEveryParameterWithItsDefinition() {
    for (String type : SearchParameters.TYPES) {
      for (SearchParam param : SearchParameters.forType(type)) {
        assertThat(param.base()).isEqualTo(type);
        assertThat(param.definition())
            .startsWith(param.custom() ? Canonical.BASE : "http://hl7.org/fhir/SearchParameter/");
        assertThat(param.description()).isNotBlank();
        assertThat(param.expression()).isNotBlank();
      }
      assertThat(SearchParameters.find(type, "_id")).isPresent();
      assertThat(SearchParameters.find(type, "_lastUpdated")).isPresent();
    }
    assertThat(SearchParameters.forType("ResearchStudy"))
        .extracting(SearchParam::code)
        .contains(
            "category",
            "date",
            "focus",
            "identifier",
            "keyword",
            "location",
            "partof",
            "principalinvestigator",
            "protocol",
            "site",
            "sponsor",
            "status",
            "title",
            "_content");
    assertThat(SearchParameters.find("ResearchStudy", "_lastUpdated").get().definition())
        .isEqualTo("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated");
  }

  /**
   * Our R4 core parameters carry exactly the definition and expression of R4 (as HAPI has them).
   */
  @Test
  void coreParametersMatchR4() {
    var fhir = ca.uhn.fhir.context.FhirContext.forR4Cached();
    int checked = 0;
    for (SearchParam param : SearchParameters.all()) {
      if (param.custom() || param.code().startsWith("_")) {
        continue;
      }
      var r4 = fhir.getResourceDefinition(param.base()).getSearchParam(param.code());
      assertThat(r4).as(param.base() + " " + param.code()).isNotNull();
      assertThat(param.definition()).isEqualTo(r4.getUri());
      assertThat(param.expression()).isEqualTo(r4.getPath());
      assertThat(param.type().code()).isEqualTo(r4.getParamType().getCode());
      assertThat(param.targets()).containsExactlyInAnyOrderElementsOf(r4.getTargets());
      checked++;
    }
    assertThat(checked).isGreaterThan(25);
  }
}
