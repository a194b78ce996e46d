package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trialfhir.store.Importer;

/**
 * The HTTP behaviour of the server, independent of the search engine: transport, conditional
 * requests, errors, paging links, conformance resources and the CapabilityStatement, over the
 * example studies the jar carries, indexed by the search engine as {@code serve} does without an
 * index.
 */
class TrialServerTest {
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static Path index;
  private static EngineBackend backend;
  private static TrialServer server;
  private static String base;
  private static IGenericClient client;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    index = Files.createTempDirectory("trialfhir-server-test");
    Importer.importBundledExamples(index);
    backend = EngineBackend.open(index);
    server = new TrialServer(backend, TrialServer.Settings.local(0));
    server.start();
    base = server.fhirBaseUrl();
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    client = FHIR.newRestfulGenericClient(base);
  }

  @AfterAll
  static void stop() throws IOException {
    server.stop();
    backend.close();
    try (Stream<Path> files = Files.walk(index)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  static int count(String type) {
    return backend.store().count(type);
  }

  static HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> send(String method, String url, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  static OperationOutcome outcome(HttpResponse<byte[]> response) {
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/fhir+json");
    return FHIR.newJsonParser().parseResource(OperationOutcome.class, text(response));
  }

  @Test
  void readsAStudyWithItsLastModified() {
    ResearchStudy study =
        client.read().resource(ResearchStudy.class).withId("NCT05939167").execute();
    assertThat(study.getIdPart()).isEqualTo("NCT05939167");
  }

  @Test
  void readSendsETagAndLastModified() throws Exception {
    HttpResponse<byte[]> response = get("/ResearchStudy/NCT05939167");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("ETag"))
        .hasValueSatisfying(tag -> assertThat(tag).startsWith("W/\""));
    assertThat(response.headers().firstValue("Last-Modified")).isPresent();
  }

  @Test
  void ifNoneMatchGives304UntilTheDataChanges() throws Exception {
    String tag = get("/ResearchStudy?_id=NCT05939167").headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> again = get("/ResearchStudy?_id=NCT05939167", "If-None-Match", tag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    HttpResponse<byte[]> other = get("/ResearchStudy?_id=NCT00410098", "If-None-Match", tag);
    assertThat(other.statusCode()).isEqualTo(200);

    Importer.importBundledExamples(index); // the same data, as a new index generation
    // The store's watcher may switch to the new generation before this call does; either way the
    // store serves it afterwards.
    backend.store().refresh();
    HttpResponse<byte[]> afterImport = get("/ResearchStudy?_id=NCT05939167", "If-None-Match", tag);
    assertThat(afterImport.statusCode()).isEqualTo(200);
    assertThat(afterImport.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(tag);
  }

  @Test
  void ifModifiedSinceGives304ForAnUnchangedResource() throws Exception {
    String lastModified =
        get("/ResearchStudy/NCT05939167").headers().firstValue("Last-Modified").orElseThrow();
    assertThat(get("/ResearchStudy/NCT05939167", "If-Modified-Since", lastModified).statusCode())
        .isEqualTo(304);
    assertThat(
            get("/ResearchStudy/NCT05939167", "If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    for (String path :
        List.of("/ResearchStudy/NCT05939167", "/ResearchStudy?_id=NCT05939167", "/metadata")) {
      HttpResponse<byte[]> head = send("HEAD", base + path, null);
      assertThat(head.statusCode()).as(path).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      assertThat(head.headers().firstValue("ETag")).as(path).isPresent();
    }
  }

  @Test
  void unknownIdIs404WithAnOutcome() throws Exception {
    HttpResponse<byte[]> response = get("/ResearchStudy/NCT99999999");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).contains("NCT99999999");
  }

  @Test
  void unsupportedInteractionIs405WithAllow() throws Exception {
    for (String method : List.of("DELETE", "PUT", "PATCH")) {
      HttpResponse<byte[]> response =
          send(
              method,
              base + "/ResearchStudy/NCT05939167",
              "{}",
              "Content-Type",
              "application/fhir+json");
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).as(method).isPresent();
      outcome(response);
    }
  }

  @Test
  void unknownParameterIs400NamingIt() throws Exception {
    HttpResponse<byte[]> response = get("/ResearchStudy?colour=blue");
    assertThat(response.statusCode()).isEqualTo(400);
    OperationOutcome outcome = outcome(response);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("colour");
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("http.colour");
  }

  @Test
  void lenientSearchReportsWhatItIgnored() throws Exception {
    HttpResponse<byte[]> response =
        get("/ResearchStudy?colour=blue&_id=NCT05939167", "Prefer", "handling=lenient");
    assertThat(response.statusCode()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, text(response));
    assertThat(bundle.getTotal()).isEqualTo(1);
    Bundle.BundleEntryComponent warning =
        bundle.getEntry().stream()
            .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.OUTCOME)
            .findFirst()
            .orElseThrow();
    OperationOutcome outcome = (OperationOutcome) warning.getResource();
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.WARNING);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("colour");
    assertThat(
            bundle.getEntry().stream()
                .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .count())
        .isEqualTo(1);
  }

  @Test
  void pagesToTheEndWithTheGenericClient() {
    Bundle page =
        client.search().forResource(Location.class).count(3).returnBundle(Bundle.class).execute();
    int total = page.getTotal();
    assertThat(total).isEqualTo(count("Location")).isGreaterThan(6);
    Set<String> seen = new HashSet<>();
    int pages = 0;
    while (true) {
      pages++;
      page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
      assertThat(page.getEntry())
          .allMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH);
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    assertThat(seen).hasSize(total);
    assertThat(pages).isEqualTo((total + 2) / 3);
  }

  @Test
  void nextLinkWorksOnAnotherServerAndWithASlashBeforeTheQuery() throws Exception {
    Bundle first =
        client.search().forResource(Location.class).count(2).returnBundle(Bundle.class).execute();
    String next = first.getLink(Bundle.LINK_NEXT).getUrl();
    assertThat(next).contains("_getpages=");
    try (TrialServer other = new TrialServer(backend, TrialServer.Settings.local(0))) {
      other.start();
      String moved = next.replace(base, other.fhirBaseUrl() + "/");
      assertThat(moved).contains("/fhir/?_getpages=");
      HttpResponse<byte[]> response = send("GET", moved, null);
      assertThat(response.statusCode()).isEqualTo(200);
      Bundle second = FHIR.newJsonParser().parseResource(Bundle.class, text(response));
      assertThat(second.getEntry()).hasSize(2);
      assertThat(second.getEntryFirstRep().getResource().getIdPart())
          .isNotEqualTo(first.getEntryFirstRep().getResource().getIdPart());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "?_getpages=dGhpcyBpcyBub3QgYSB0b2tlbg",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_Y29sb3VyPWJsdWUmX2NvdW50PTIw",
        "?_getpages=dFBhdGllbnQ_X2NvdW50PTIw",
        "?_getpages=Y1N0cnVjdHVyZURlZmluaXRpb24_Y29sb3VyPWJsdWU",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_X2NvdW50PTIwJl90b3RhbD1zb21l",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_X2NvdW50PTIw&_getpagesoffset=-1",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_X2NvdW50PTIw&_count=100000",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_X2NvdW50PTIw&_getpagesoffset=x",
      })
  void forgedPagingLinksAre400(String query) throws Exception {
    HttpResponse<byte[]> response = get(query);
    assertThat(response.statusCode()).as(query).isEqualTo(400);
    outcome(response);
  }

  @Test
  void anIntactTokenPagesFromTheOffsetGiven() throws Exception {
    // dFJlc2VhcmNoU3R1ZHk_X2NvdW50PTIw = "tResearchStudy||20|ACCURATE"
    HttpResponse<byte[]> response =
        get("?_getpages=dFJlc2VhcmNoU3R1ZHk_X2NvdW50PTIw&_getpagesoffset=1&_count=2");
    assertThat(response.statusCode()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, text(response));
    assertThat(bundle.getEntry()).hasSize(2);
    assertThat(bundle.getTotal()).isEqualTo(count("ResearchStudy"));
  }

  @Test
  void summaryCountReturnsOnlyTheTotal() throws Exception {
    HttpResponse<byte[]> response = get("/Location?_summary=count");
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, text(response));
    assertThat(bundle.getTotal()).isEqualTo(count("Location"));
    assertThat(bundle.getEntry()).isEmpty();
    assertThat(bundle.getLink()).noneMatch(l -> l.getRelation().equals("next"));
  }

  @Test
  void totalNoneHidesTheTotalButStillLinksTheNextPage() throws Exception {
    Bundle bundle =
        FHIR.newJsonParser()
            .parseResource(Bundle.class, text(get("/Location?_total=none&_count=2")));
    assertThat(bundle.hasTotal()).isFalse();
    assertThat(bundle.getLink(Bundle.LINK_NEXT)).isNotNull();
  }

  @Test
  void postSearchWorksLikeGet() throws Exception {
    HttpResponse<byte[]> response =
        send(
            "POST",
            base + "/ResearchStudy/_search",
            "_id=NCT05939167",
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(response.statusCode()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, text(response));
    assertThat(bundle.getTotal()).isEqualTo(1);
  }

  @Test
  void xmlByFormatAndByAccept() throws Exception {
    HttpResponse<byte[]> byFormat = get("/ResearchStudy/NCT05939167?_format=xml");
    assertThat(byFormat.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/fhir+xml");
    assertThat(FHIR.newXmlParser().parseResource(ResearchStudy.class, text(byFormat)).getIdPart())
        .isEqualTo("NCT05939167");
    HttpResponse<byte[]> byAccept =
        get("/ResearchStudy/NCT05939167", "Accept", "application/fhir+xml");
    assertThat(byAccept.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/fhir+xml");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ResearchStudy/NCT05939167?_format=yaml",
        "/ResearchStudy/NCT05939167?_pretty=maybe",
        "/ResearchStudy/NCT05939167?_summary=everything",
        "/ResearchStudy/NCT05939167?_elements=colour",
        "/ResearchStudy/NCT05939167?colour=blue",
        "/metadata?colour=blue",
        "/StructureDefinition?colour=blue",
        "/StructureDefinition?_count=-1",
        "/ResearchStudy/bad$id",
        "/ResearchStudy?_count=100000",
        "/ResearchStudy?_count=-1",
      })
  void malformedRequestsAre400(String pathAndQuery) throws Exception {
    HttpResponse<byte[]> response = get(pathAndQuery.replace("$", "%24"));
    assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(400);
    outcome(response);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/Patient/1",
        "/Foo",
        "/Foo/bar/baz",
        "/ResearchStudy/NCT05939167/_history/1",
        "/ResearchStudy/NCT05939167/$everything",
        "/$export",
        "",
        "/",
        "/ResearchStudy?_sort=title",
        "/ResearchStudy?_include=*",
        "/ResearchStudy/NCT05939167?_format=application/fhir%2Bjson;%20foo",
      })
  void oddRequestsAre4xxWithAnOutcome(String pathAndQuery) throws Exception {
    HttpResponse<byte[]> response = get(pathAndQuery);
    assertThat(response.statusCode()).as(pathAndQuery).isBetween(200, 499);
    if (response.statusCode() >= 400) {
      outcome(response);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /fhir?_getpages=%%%",
        "GET /fhir/ResearchStudy?name=%zz",
        "GET /fhir/ResearchStudy?%=%",
        "GET /fhir/Research%zzStudy",
        "GET /fhir/ResearchStudy/%00",
        "GET /fhir/../../etc/passwd",
        "GET /fhir/ResearchStudy?_id=%E0%80%80",
        "BREW /fhir/ResearchStudy",
        "TRACE /fhir/ResearchStudy",
        "DELETE /nothing",
        "GET *",
      })
  void malformedHttpIs4xxWithAnOutcome(String requestLine) throws Exception {
    String[] parts = requestLine.split(" ", 2);
    RawHttp.Response response = RawHttp.send(server.port(), parts[0], parts[1]);
    assertThat(response.status()).as(requestLine).isBetween(400, 499);
    assertThat(response.header("Content-Type")).as(requestLine).startsWith("application/fhir+json");
    OperationOutcome outcome =
        FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssue()).as(requestLine).isNotEmpty();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void oddHeadersAreNot500() throws Exception {
    assertThat(get("/ResearchStudy/NCT05939167", "Accept", "foo/bar").statusCode()).isEqualTo(200);
    assertThat(get("/ResearchStudy/NCT05939167", "Accept", ";;;,,,").statusCode()).isEqualTo(200);
    assertThat(get("/ResearchStudy/NCT05939167", "Accept-Encoding", "gzip;q=abc").statusCode())
        .isLessThan(500);
    assertThat(get("/ResearchStudy/NCT05939167", "If-Modified-Since", "yesterday").statusCode())
        .isEqualTo(200);
    // On a connection of its own: the server may close it after refusing the form, and the
    // shared client would hand that closed connection to the next test's PUT or DELETE (which it
    // does not retry).
    RawHttp.Response badBody =
        RawHttp.sendWithBody(
            server.port(),
            "POST",
            "/fhir/ResearchStudy/_search",
            "%%%",
            "Content-Type: application/x-www-form-urlencoded");
    assertThat(badBody.status()).isBetween(400, 499);
    HttpResponse<byte[]> postResource =
        send("POST", base + "/ResearchStudy", "{not json", "Content-Type", "application/fhir+json");
    assertThat(postResource.statusCode()).isBetween(400, 499);
    outcome(postResource);
  }

  @Test
  void oversizedBodiesAre4xx() throws Exception {
    String form = "_id=" + "x".repeat(300_000);
    // Each on a connection of its own (as in oddHeadersAreNot500): the server may close one after
    // refusing its body, which the shared client could hand to the next test.
    for (String target :
        List.of("/fhir/ResearchStudy/_search", "/fhir/ResearchStudy/_search?_count=1")) {
      RawHttp.Response response =
          RawHttp.sendWithBody(
              server.port(),
              "POST",
              target,
              form,
              "Content-Type: application/x-www-form-urlencoded");
      assertThat(response.status()).as(target).isBetween(400, 499);
      assertThat(response.header("Content-Type")).as(target).contains("application/fhir+json");
      assertThat(response.body()).as(target).contains("\"resourceType\":\"OperationOutcome\"");
    }
    // Over the limit, the announced length is refused before any of the body is read. The test
    // sends the headers alone so the answer cannot race the upload (a client writing 11 MB into a
    // connection the server has closed can see a reset instead of the 413).
    URI uri = URI.create(base + "/ResearchStudy/_search?_count=1");
    String head;
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST "
                      + uri.getRawPath()
                      + "?"
                      + uri.getRawQuery()
                      + " HTTP/1.1\r\n"
                      + "Host: "
                      + uri.getHost()
                      + ":"
                      + uri.getPort()
                      + "\r\n"
                      + "Content-Type: application/x-www-form-urlencoded\r\n"
                      + "Content-Length: "
                      + (11 * 1024 * 1024)
                      + "\r\n"
                      + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      head = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(head).startsWith("HTTP/1.1 413");
    assertThat(head).contains("application/fhir+json").contains("OperationOutcome");
  }

  @Test
  void longValuesReachTheServerAndAre400() throws Exception {
    HttpResponse<byte[]> response = get("/ResearchStudy?colour=" + "x".repeat(10_000));
    assertThat(response.statusCode()).isEqualTo(400);
    outcome(response);
  }

  @Test
  void gzipWhenAsked() throws Exception {
    HttpResponse<byte[]> response = get("/metadata", "Accept-Encoding", "gzip");
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String json =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(json).contains("\"CapabilityStatement\"");
    assertThat(get("/metadata").headers().firstValue("Content-Encoding")).isEmpty();
  }

  @Test
  void gzippedETagStillGives304() throws Exception {
    HttpResponse<byte[]> first = get("/metadata", "Accept-Encoding", "gzip");
    String tag = first.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> second = get("/metadata", "Accept-Encoding", "gzip", "If-None-Match", tag);
    assertThat(second.statusCode()).isEqualTo(304);
  }

  @Test
  void corsPreflightAndExposedHeaders() throws Exception {
    HttpResponse<byte[]> preflight =
        send(
            "OPTIONS",
            base + "/ResearchStudy?_id=NCT05939167",
            null,
            "Origin",
            "https://app.example.org",
            "Access-Control-Request-Method",
            "GET",
            "Access-Control-Request-Headers",
            "Authorization, Prefer");
    assertThat(preflight.statusCode()).isBetween(200, 204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
        .contains("GET");
    assertThat(
            preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
        .contains("authorization")
        .contains("prefer");

    HttpResponse<byte[]> actual =
        get("/ResearchStudy/NCT05939167", "Origin", "https://app.example.org");
    assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    assertThat(actual.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("ETag")
        .contains("Location")
        .contains("Content-Location");
  }

  @Test
  void htmlForBrowsers() throws Exception {
    HttpResponse<byte[]> response =
        get("/ResearchStudy/NCT05939167", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(text(response)).contains("NCT05939167");
  }

  @Test
  void openApiAndSwaggerUi() throws Exception {
    HttpResponse<byte[]> apiDocs = get("/api-docs");
    assertThat(apiDocs.statusCode()).isEqualTo(200);
    // the search parameters come from the completed CapabilityStatement
    assertThat(text(apiDocs))
        .contains("openapi")
        .contains("/ResearchStudy")
        .contains("name: eligible-age")
        .contains("name: site-status");
    assertThat(get("/swagger-ui/").statusCode()).isEqualTo(200);
  }

  @Test
  void healthReportsTheStoreVersion() throws Exception {
    HttpResponse<byte[]> response = send("GET", base.replace("/fhir", "/health"), null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(response)).contains("\"status\":\"UP\"").contains("\"storeVersion\"");
  }

  @Test
  void otherPathsAre404Outcomes() throws Exception {
    HttpResponse<byte[]> response = send("GET", base.replace("/fhir", "/nothing/here"), null);
    assertThat(response.statusCode()).isEqualTo(404);
    outcome(response);
    HttpResponse<byte[]> root = send("GET", base.replace("/fhir", "/"), null);
    assertThat(root.statusCode()).isEqualTo(302);
  }

  @Test
  void conformanceResourcesReadAndSearchByUrl() {
    StructureDefinition sd =
        client
            .read()
            .resource(StructureDefinition.class)
            .withId("trialfhir-researchstudy")
            .execute();
    Bundle byUrl =
        client
            .search()
            .forResource(StructureDefinition.class)
            .where(StructureDefinition.URL.matches().value(sd.getUrl()))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(byUrl.getTotal()).isEqualTo(1);
    assertThat(byUrl.getEntryFirstRep().getSearch().getMode())
        .isEqualTo(Bundle.SearchEntryMode.MATCH);
    Bundle codeSystems =
        client.search().forResource("CodeSystem").count(5).returnBundle(Bundle.class).execute();
    assertThat(codeSystems.getTotal()).isGreaterThan(5);
    Bundle second = client.loadPage().next(codeSystems).execute();
    assertThat(second.getEntry()).hasSize(5);
  }

  @Test
  void capabilityStatementNamesDefinitionsAndProfiles() {
    CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
    assertThat(cs.getUrl()).isEqualTo(CapabilityStatementInterceptor.URL);
    CapabilityStatement.CapabilityStatementRestResourceComponent study =
        cs.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("ResearchStudy"))
            .findFirst()
            .orElseThrow();
    assertThat(study.getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("read", "search-type");
    assertThat(study.getSearchParam()).allMatch(p -> p.hasDefinition());
    assertThat(study.getSupportedProfile())
        .extracting(p -> p.getValue())
        .contains("http://trialfhir.org/fhir/StructureDefinition/trialfhir-researchstudy");
    assertThat(cs.getRestFirstRep().getResource())
        .extracting(r -> r.getType())
        .contains(
            "StructureDefinition",
            "CodeSystem",
            "ValueSet",
            "SearchParameter",
            "Group",
            "Location");
  }

  static String gunzip(byte[] body) throws IOException {
    return new String(
        new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(), StandardCharsets.UTF_8);
  }
}
