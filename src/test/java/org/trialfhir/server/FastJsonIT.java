package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;

/**
 * The fast JSON path ({@link FastJsonResponses}) answers exactly as HAPI's own writing does: the
 * same requests (every query shape of {@code SearchResultsIT} and {@code SearchParametersIT},
 * reads, includes, near with distances, paging links, summaries, elements, pretty printing, XML,
 * HTML, HEAD, conditional requests, errors) are sent to a server with the fast path and then to one
 * without it, on the same index and the same port, and every status, header and body byte must be
 * equal. Only what is new for every answer is masked: the Date and X-Request-ID headers, a
 * searchset's random id and its {@code meta.lastUpdated} (with the Last-Modified header taken from
 * it).
 */
class FastJsonIT {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern JSON_LAST_UPDATED =
      Pattern.compile("\"lastUpdated\"\\s*:\\s*\"[^\"]*\"");
  private static final Pattern XML_LAST_UPDATED = Pattern.compile("<lastUpdated value=\"[^\"]*\"");

  /** What the HTML view shows of the answer's time and headers. */
  private static final Pattern HTML_VOLATILE =
      Pattern.compile(
          "generated in \\d+ms|in approximately \\d+ms"
              + "|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+00:00"
              + "|\\w{3}, \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT"
              + "|X-Request-ID: </span><span class=\"headerValue\">[^<]*");

  private static final Pattern NEXT = Pattern.compile("\"relation\":\"next\",\"url\":\"([^\"]*)\"");

  /** A request; {@code target} {@code NEXT} follows the next link of the previous answer. */
  private record Request(
      String method, String target, String body, boolean ifNoneMatch, String... headers) {
    static Request get(String target, String... headers) {
      return new Request("GET", target, null, false, headers);
    }
  }

  @Test
  void everyAnswerIsByteForByteHapis() throws Exception {
    CorpusServer corpus = CorpusServer.get();
    List<Request> requests = requests(corpus);
    try (EngineBackend backend = EngineBackend.open(corpus.index)) {
      TrialServer fast = new TrialServer(backend, TrialServer.Settings.local(0).withFastJson(true));
      fast.start();
      int port = fast.port();
      List<RawHttp.Response> cold;
      List<RawHttp.Response> warm;
      FastJsonResponses stats;
      try {
        stats = fast.fastJson();
        cold = run(port, requests);
        warm = run(port, requests);
      } finally {
        fast.stop();
      }
      TrialServer hapi =
          new TrialServer(backend, TrialServer.Settings.local(port).withFastJson(false));
      hapi.start();
      List<RawHttp.Response> expected;
      try {
        assertEquals(null, hapi.fastJson());
        expected = run(port, requests);
      } finally {
        hapi.stop();
      }
      List<String> differences = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        Request request = requests.get(i);
        String what = request.method() + " " + request.target() + " " + List.of(request.headers());
        boolean search = isSearch(request.target());
        String hapiAnswer = normalized(expected.get(i), search);
        difference(
            "first round: " + what, hapiAnswer, normalized(cold.get(i), search), differences);
        difference(
            "second round: " + what, hapiAnswer, normalized(warm.get(i), search), differences);
      }
      assertEquals(List.of(), differences);
      // The fast path did answer, mostly with the resources' stored JSON as it is.
      assertTrue(stats.fastCount() > requests.size(), "fast answers: " + stats.fastCount());
      assertTrue(stats.declinedCount() > 0, "left to HAPI: " + stats.declinedCount());
      assertTrue(
          stats.unparsedCount() > 10 * requests.size(),
          "resources written as stored: " + stats.unparsedCount());
    }
  }

  private static List<Request> requests(CorpusServer corpus) {
    Bundle studies =
        corpus.search(
            "ResearchStudy?status=active&_count=1&_include=ResearchStudy:site&_include=ResearchStudy:sponsor");
    ResearchStudy study = (ResearchStudy) studies.getEntryFirstRep().getResource();
    String nct = study.getIdPart();
    String location = study.getSiteFirstRep().getReferenceElement().getIdPart();
    Reference sponsor = study.getSponsor();
    String organization = sponsor.getReferenceElement().getIdPart();
    Bundle withPi = corpus.search("ResearchStudy?principalinvestigator:missing=false&_count=1");
    String practitioner =
        ((ResearchStudy) withPi.getEntryFirstRep().getResource())
            .getPrincipalInvestigator()
            .getReferenceElement()
            .getIdPart();
    String read = "ResearchStudy/" + nct;
    // The study with the most sites of the first 500: JSON of over 64 KB (hundreds of sites, each
    // with its status and contacts), which the fast path writes at once.
    String largest = null;
    int mostSites = -1;
    for (Bundle.BundleEntryComponent entry :
        corpus.search("ResearchStudy?_count=500&_elements=site").getEntry()) {
      ResearchStudy candidate = (ResearchStudy) entry.getResource();
      if (candidate.getSite().size() > mostSites) {
        mostSites = candidate.getSite().size();
        largest = candidate.getIdPart();
      }
    }
    assertTrue(mostSites > 100, "a study with hundreds of sites among the first 500");
    String page = "ResearchStudy?status=active&_count=5";
    String near = "32.46098%7C-84.98771%7C200%7Ckm";
    List<Request> r = new ArrayList<>();
    // Reads, in every format and option
    r.add(Request.get(read));
    r.add(new Request("GET", read, null, true));
    r.add(Request.get(read, "If-Modified-Since: Sat, 01 Jan 2050 00:00:00 GMT"));
    r.add(new Request("HEAD", read, null, false));
    r.add(Request.get(read + "?_pretty=true"));
    r.add(Request.get(read + "?_pretty=false"));
    r.add(Request.get(read + "?_format=json"));
    r.add(Request.get(read + "?_format=application/json"));
    r.add(Request.get(read + "?_format=xml"));
    r.add(Request.get(read + "?_summary=true"));
    r.add(Request.get(read + "?_summary=text"));
    r.add(Request.get(read + "?_summary=data"));
    r.add(Request.get(read + "?_summary=false"));
    r.add(Request.get(read + "?_elements=title,status"));
    r.add(Request.get(read, "Accept: application/json"));
    r.add(Request.get(read, "Accept: application/fhir+json; pretty=true"));
    r.add(Request.get(read, "Accept: application/fhir+xml"));
    r.add(Request.get(read, "Accept: text/html"));
    r.add(Request.get(read, "Accept-Encoding: gzip"));
    r.add(Request.get("ResearchStudy/" + largest));
    r.add(Request.get("ResearchStudy?_id=" + largest + "," + nct + "&_sort=-_id"));
    r.add(Request.get("Location/" + location));
    r.add(Request.get("Organization/" + organization));
    r.add(Request.get("Group/" + nct + "-eligibility"));
    r.add(Request.get("Practitioner/" + practitioner));
    r.add(Request.get("ResearchStudy/NCT00000000"));
    r.add(Request.get("ResearchStudy/" + nct + "?status=active"));
    r.add(Request.get("StructureDefinition?_count=2"));
    // Searches: the query shapes of SearchResultsIT and SearchParametersIT
    r.add(Request.get("ResearchStudy?status=active"));
    r.add(Request.get("ResearchStudy?status=active&_count=37"));
    r.add(
        Request.get(
            "ResearchStudy?status=active&_count=50&_include=ResearchStudy:site&_include=ResearchStudy:sponsor"));
    r.add(
        Request.get(
            "ResearchStudy?principalinvestigator:missing=false&_count=5&_include=ResearchStudy:principalinvestigator"));
    r.add(
        Request.get(
            "ResearchStudy?_id="
                + nct
                + "&_include=ResearchStudy:site&_include=ResearchStudy:sponsor&_include=ResearchStudy:enrollment&_include=ResearchStudy:protocol"));
    r.add(Request.get("Location?_id=" + location + "&_revinclude=ResearchStudy:site"));
    r.add(Request.get("Location?near=" + near + "&_sort=near&_count=50"));
    r.add(
        Request.get("ResearchStudy?near=" + near + "&site-status=RECRUITING&_sort=near&_count=10"));
    r.add(Request.get("ResearchStudy?near=" + near + "&_count=10"));
    r.add(Request.get("ResearchStudy?condition:text=breast%20cancer&status=active&_count=5"));
    r.add(Request.get("ResearchStudy?condition:text=cancer&_sort=title&_count=10"));
    r.add(Request.get("ResearchStudy?phase=phase-2&_total=none&_count=40"));
    r.add(Request.get("ResearchStudy?phase=phase-3&_sort=date&_count=100"));
    r.add(Request.get("ResearchStudy?study-type=OBSERVATIONAL&_sort=-_lastUpdated&_count=100"));
    r.add(Request.get("ResearchStudy?site=Location/" + location));
    r.add(Request.get("ResearchStudy?keyword:not=Docetaxel&_count=3"));
    r.add(Request.get("Group?exclude:not=true&_count=1"));
    r.add(Request.get("PlanDefinition?_count=3"));
    r.add(Request.get("Organization?_count=3"));
    r.add(Request.get("Practitioner?_count=3"));
    r.add(Request.get("ResearchStudy?status=active&_summary=count"));
    r.add(Request.get("ResearchStudy?status=active&_count=0"));
    r.add(Request.get(page + "&_summary=true"));
    r.add(Request.get(page + "&_summary=text"));
    r.add(Request.get(page + "&_summary=data"));
    r.add(Request.get(page + "&_summary=false"));
    r.add(Request.get(page + "&_elements=title,status"));
    r.add(Request.get("ResearchStudy?status=active&_sort=-title&_count=100&_elements=title"));
    r.add(Request.get(page + "&_pretty=true"));
    r.add(Request.get(page + "&_pretty=true&_include=ResearchStudy:site"));
    r.add(Request.get(page + "&_pretty=false"));
    r.add(Request.get(page + "&_format=xml"));
    r.add(Request.get(page + "&_format=json"));
    r.add(Request.get(page, "Accept: text/html"));
    r.add(Request.get(page, "Accept-Encoding: gzip"));
    r.add(new Request("HEAD", page, null, false));
    r.add(Request.get(page));
    r.add(new Request("GET", page, null, true));
    r.add(Request.get(page + "&bogus=1", "Prefer: handling=lenient"));
    r.add(Request.get("ResearchStudy?bogus=1"));
    r.add(
        new Request(
            "POST",
            "ResearchStudy/_search",
            "status=active&_count=5&_include=ResearchStudy:sponsor",
            false,
            "Content-Type: application/x-www-form-urlencoded"));
    // Paging: next links of plain, included, pretty, summary and elements pages
    r.add(Request.get("ResearchStudy?status=active&_count=10"));
    r.add(Request.get("NEXT"));
    r.add(Request.get("NEXT"));
    r.add(new Request("GET", "NEXT", null, false));
    r.add(Request.get(page + "&_include=ResearchStudy:site&_include=ResearchStudy:sponsor"));
    r.add(Request.get("NEXT"));
    r.add(Request.get(page + "&_summary=true"));
    r.add(Request.get("NEXT"));
    r.add(Request.get(page + "&_elements=title"));
    r.add(Request.get("NEXT"));
    r.add(Request.get("ResearchStudy?near=" + near + "&_sort=near&_count=3"));
    r.add(Request.get("NEXT"));
    return r;
  }

  private static List<RawHttp.Response> run(int port, List<Request> requests) throws Exception {
    List<RawHttp.Response> answers = new ArrayList<>();
    RawHttp.Response previous = null;
    for (Request request : requests) {
      String path = "/fhir/" + request.target();
      if (request.target().equals("NEXT")) {
        Matcher next = NEXT.matcher(previous.body());
        assertTrue(next.find(), "a next link in " + previous.body());
        String link = next.group(1);
        // Sent as a client would: characters a request line may not carry raw are escaped.
        path = link.substring(link.indexOf("/fhir")).replace("|", "%7C").replace(" ", "%20");
      }
      List<String> headers = new ArrayList<>(List.of(request.headers()));
      if (request.ifNoneMatch()) {
        headers.add("If-None-Match: " + previous.header("ETag"));
      }
      RawHttp.Response answer =
          RawHttp.sendWithBody(
              port, request.method(), path, request.body(), headers.toArray(String[]::new));
      answers.add(answer);
      previous = answer;
    }
    return answers;
  }

  /** Where two answers first differ, with some context, if they do. */
  private static void difference(String what, String expected, String actual, List<String> out) {
    if (expected.equals(actual)) {
      return;
    }
    int at = 0;
    while (at < expected.length()
        && at < actual.length()
        && expected.charAt(at) == actual.charAt(at)) {
      at++;
    }
    int from = Math.max(0, at - 80);
    out.add(
        what
            + " at "
            + at
            + "\n  HAPI: "
            + expected.substring(from, Math.min(expected.length(), at + 80))
            + "\n  fast: "
            + actual.substring(from, Math.min(actual.length(), at + 80)));
  }

  /** A search or a page (answered with a Bundle made for it), not a read. */
  private static boolean isSearch(String target) {
    String path = target.split("\\?", 2)[0];
    return target.equals("NEXT") || path.endsWith("/_search") || !path.contains("/");
  }

  /**
   * Status, headers and body, with what is new for every answer masked (for a search: the Bundle's
   * id and time, and the Last-Modified header taken from it; for the HTML view, which HAPI writes
   * on either path: its times and the headers it shows).
   */
  private static String normalized(RawHttp.Response response, boolean bundle) {
    String body = response.body();
    if (body.startsWith("<html") || body.startsWith("<!DOCTYPE html")) {
      body = HTML_VOLATILE.matcher(body).replaceAll("<masked>");
    }
    List<String> headers = new ArrayList<>();
    for (String line : response.headers().split("\r\n")) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("date:")
          || lower.startsWith("x-request-id:")
          || bundle && lower.startsWith("last-modified:")) {
        continue;
      }
      headers.add(UUID.matcher(line).replaceAll("<uuid>"));
    }
    if (bundle) {
      body = JSON_LAST_UPDATED.matcher(body).replaceFirst("\"lastUpdated\":<published>");
      body = XML_LAST_UPDATED.matcher(body).replaceFirst("<lastUpdated value=<published>");
    }
    body = UUID.matcher(body).replaceAll("<uuid>");
    return String.join("\n", headers) + "\n\n" + body;
  }
}
