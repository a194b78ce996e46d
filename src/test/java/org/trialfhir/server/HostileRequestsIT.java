package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests of every odd shape against the corpus server: each is answered with a 4xx and an
 * OperationOutcome (never a 500, never a stack trace), and query syntax in values is never
 * interpreted. Also the transport a browser or proxy relies on: CORS preflight, gzip, ETag/304,
 * XML.
 */
class HostileRequestsIT {
  static CorpusServer corpus;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    corpus = CorpusServer.get();
  }

  static HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(corpus.base + pathAndQuery));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static void assertOutcome4xx(String what, int status, String contentType, String body) {
    assertThat(status).as(what).isBetween(400, 499);
    assertThat(contentType).as(what).startsWith("application/fhir+json");
    OperationOutcome outcome =
        CorpusServer.FHIR.newJsonParser().parseResource(OperationOutcome.class, body);
    assertThat(outcome.getIssue()).as(what).isNotEmpty();
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .as(what)
        .isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
    assertThat(body)
        .as(what)
        .doesNotContain("Exception")
        .doesNotContain("\\tat ")
        .doesNotContain("org.trialfhir");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ResearchStudy?colour=blue",
        "/ResearchStudy?status:fuzzy=active",
        "/ResearchStudy?title:text=cancer",
        "/ResearchStudy?status:contains=act",
        "/ResearchStudy?condition:above=D001941",
        "/ResearchStudy?date=2024-13-45",
        "/ResearchStudy?date=xx2024",
        "/ResearchStudy?_lastUpdated=yesterday",
        "/ResearchStudy?eligible-age=abc",
        "/ResearchStudy?eligible-age=12abc",
        "/ResearchStudy?eligible-age=40|http://unitsofmeasure.org|parsec",
        "/ResearchStudy?near=abc",
        "/ResearchStudy?near=91|0|10|km",
        "/ResearchStudy?near=0|0|10|parsec",
        "/ResearchStudy?status:missing=maybe",
        "/ResearchStudy?healthy-volunteers=perhaps",
        "/ResearchStudy?_count=-1",
        "/ResearchStudy?_count=100000",
        "/ResearchStudy?_count=abc",
        "/ResearchStudy?_sort=colour",
        "/ResearchStudy?_include=ResearchStudy:colour",
        "/ResearchStudy?_include=Patient:subject",
        "/ResearchStudy?_revinclude=Patient:subject",
        "/ResearchStudy?_total=some",
        "/ResearchStudy?_summary=everything",
        "/ResearchStudy?_elements=colour",
        "/ResearchStudy?_offset=10",
        "/ResearchStudy?_format=yaml",
        "/Location?near=32|-84|10|km|extra",
        "/Organization?type:below=INDUSTRY",
        "/Patient?name=smith",
        "/ResearchStudy/not%20an%20id",
        "/ResearchStudy/"
            + "x"
            + "0123456789012345678901234567890123456789012345678901234567890123456789",
        "/ResearchStudy/NCT03671044?_summary=count",
        "/ResearchStudy/NCT03671044/_history/2",
        "/ResearchStudy/$match",
        "?_getpages=forged",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_c3RhdHVzPWFjdGl2ZSZfY291bnQ9MjA&_getpagesoffset=-5",
        "?_getpages=dFJlc2VhcmNoU3R1ZHk_Y29sb3VyPWJsdWUmX2NvdW50PTIw",
      })
  void isA4xxOutcome(String pathAndQuery) throws Exception {
    HttpResponse<byte[]> response = get(pathAndQuery.replace("|", "%7C"));
    assertOutcome4xx(
        pathAndQuery,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        new String(response.body(), StandardCharsets.UTF_8));
  }

  @Test
  void aTenThousandCharacterValueIsA4xxOutcome() throws Exception {
    for (String parameter :
        new String[] {"title", "condition:text", "_content", "identifier", "colour"}) {
      HttpResponse<byte[]> response = get("/ResearchStudy?" + parameter + "=" + "a".repeat(10_000));
      assertOutcome4xx(
          parameter,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          new String(response.body(), StandardCharsets.UTF_8));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*:*",
        "title:(a OR b)",
        "'; DROP TABLE studies; --",
        "\" OR \"\"=\"",
        "*",
        "?",
        "cancr~2",
        "NOT cancer",
        "[* TO *]"
      })
  void querySyntaxInValuesIsNeverInterpreted(String value) throws Exception {
    for (String parameter :
        new String[] {
          "title", "title:contains", "condition:text", "_content", "identifier", "condition"
        }) {
      String query =
          "/ResearchStudy?"
              + parameter
              + "="
              + URLEncoder.encode(value, StandardCharsets.UTF_8)
              + "&_summary=count";
      HttpResponse<byte[]> response = get(query);
      String body = new String(response.body(), StandardCharsets.UTF_8);
      if (response.statusCode() == 200) {
        // Read as text or a code, never as a query: no operator widens the result to (nearly)
        // every study, as *:*, *, [* TO *] or NOT would.
        Bundle bundle = CorpusServer.FHIR.newJsonParser().parseResource(Bundle.class, body);
        assertThat(bundle.getTotal())
            .as(parameter + "=" + value)
            .isLessThan((int) corpus.studies / 4);
      } else {
        assertOutcome4xx(
            parameter + "=" + value,
            response.statusCode(),
            response.headers().firstValue("Content-Type").orElse(""),
            body);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DELETE /fhir/ResearchStudy/NCT03671044",
        "PUT /fhir/ResearchStudy/NCT03671044",
        "PATCH /fhir/ResearchStudy/NCT03671044",
        "POST /fhir/ResearchStudy",
        "DELETE /fhir/ResearchStudy?status=active",
        "PROPFIND /fhir/ResearchStudy",
        "GET /fhir/ResearchStudy?title=%ZZ",
        "GET /fhir/Research%00Study",
        "POST /fhir/metadata"
      })
  void rawRequestsAre4xxOutcomes(String requestLine) throws Exception {
    String[] parts = requestLine.split(" ", 2);
    RawHttp.Response response =
        RawHttp.send(
            corpus.server.port(),
            parts[0],
            parts[1],
            "Content-Type: application/fhir+json",
            "Content-Length: 2",
            "",
            "{}");
    assertOutcome4xx(
        requestLine,
        response.status(),
        String.valueOf(response.header("Content-Type")),
        response.body().strip());
    if (parts[0].equals("DELETE") || parts[0].equals("PUT") || parts[0].equals("PATCH")) {
      assertThat(response.status()).as(requestLine).isEqualTo(405);
      assertThat(response.header("Allow")).as(requestLine).contains("GET");
    }
  }

  @Test
  void unknownIdIs404() throws Exception {
    HttpResponse<byte[]> response = get("/ResearchStudy/NCT00000000");
    assertThat(response.statusCode()).isEqualTo(404);
    OperationOutcome outcome =
        CorpusServer.FHIR
            .newJsonParser()
            .parseResource(
                OperationOutcome.class, new String(response.body(), StandardCharsets.UTF_8));
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("NCT00000000");
  }

  @Test
  void corsPreflightThenGet() throws Exception {
    HttpResponse<byte[]> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(corpus.base + "/ResearchStudy?status=active"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://ehr.example.org")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,prefer,if-none-match")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(preflight.statusCode()).isBetween(200, 204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
        .contains("GET")
        .contains("POST");
    HttpResponse<byte[]> get =
        get("/ResearchStudy/NCT03671044", "Origin", "https://ehr.example.org");
    assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    assertThat(get.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("ETag")
        .contains("Location")
        .contains("Content-Location");
  }

  @Test
  void gzipAndConditionalSearch() throws Exception {
    String query = "/ResearchStudy?status=active&_count=50";
    HttpResponse<byte[]> zipped = get(query, "Accept-Encoding", "gzip");
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    Bundle bundle =
        CorpusServer.FHIR
            .newJsonParser()
            .parseResource(
                Bundle.class,
                new String(
                    new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes(),
                    StandardCharsets.UTF_8));
    assertThat(bundle.getEntry()).hasSize(50);
    String etag = zipped.headers().firstValue("ETag").orElseThrow();
    assertThat(get(query, "Accept-Encoding", "gzip", "If-None-Match", etag).statusCode())
        .isEqualTo(304);
    String plainTag = get(query).headers().firstValue("ETag").orElseThrow();
    assertThat(get(query, "If-None-Match", plainTag).statusCode()).isEqualTo(304);
    assertThat(get(query + "&_elements=title", "If-None-Match", plainTag).statusCode())
        .isEqualTo(200);
  }

  @Test
  void readAsXmlWithLastModified() throws Exception {
    HttpResponse<byte[]> response =
        get("/ResearchStudy/NCT03671044", "Accept", "application/fhir+xml");
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/fhir+xml");
    assertThat(response.headers().firstValue("Last-Modified"))
        .hasValue("Fri, 21 Mar 2025 00:00:00 GMT");
    ResearchStudy study =
        CorpusServer.FHIR
            .newXmlParser()
            .parseResource(
                ResearchStudy.class, new String(response.body(), StandardCharsets.UTF_8));
    assertThat(study.getIdPart()).isEqualTo("NCT03671044");
    assertThat(
            get("/ResearchStudy/NCT03671044", "If-Modified-Since", "Fri, 21 Mar 2025 00:00:00 GMT")
                .statusCode())
        .isEqualTo(304);
  }
}
