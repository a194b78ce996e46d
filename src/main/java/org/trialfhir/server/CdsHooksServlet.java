package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.matching.CriterionResult;
import org.trialfhir.matching.PatientData;
import org.trialfhir.matching.Terminology;
import org.trialfhir.matching.Verdict;
import org.trialfhir.search.InvalidSearchException;

/**
 * CDS Hooks 2.0 at {@code /cds-services}: discovery, the {@code patient-view} service and its
 * feedback endpoint, written directly against the specification (a servlet and Jackson) rather than
 * with HAPI's {@code hapi-fhir-server-cds-hooks}, which is built on Spring (configuration classes
 * and a Spring MVC controller) and implements CDS Hooks 1.1.
 *
 * <p>The service uses the prefetched data when present and otherwise reads it from {@code
 * fhirServer} with the {@code fhirAuthorization} bearer token; without the patient it answers 412.
 * It answers at most one card listing the best studies (never a not-eligible one) with their
 * nearest site and the criteria still unknown, linking each study's ClinicalTrials.gov page.
 */
final class CdsHooksServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CdsHooksServlet.class);

  static final String PATH = "/cds-services";
  static final String SERVICE_ID = "trialfhir-patient-view";
  static final String HOOK = "patient-view";

  /** Studies listed in a card at most. */
  static final int CARD_STUDIES = 5;

  /** Unknown criteria listed per study at most. */
  private static final int UNKNOWN_LISTED = 5;

  /** CDS Hooks: a card's summary must be shorter than 140 characters. */
  static final int MAX_SUMMARY = 139;

  /** Prefetch keys and templates: the patient, active conditions, recent labs, medications. */
  static final Map<String, String> PREFETCH;

  static {
    Map<String, String> prefetch = new LinkedHashMap<>();
    prefetch.put("patient", "Patient/{{context.patientId}}");
    prefetch.put(
        "conditions",
        "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse");
    prefetch.put(
        "observations",
        "Observation?patient={{context.patientId}}&category=laboratory&_sort=-date&_count=200");
    prefetch.put(
        "medications", "MedicationRequest?patient={{context.patientId}}&status=active&_count=200");
    PREFETCH = java.util.Collections.unmodifiableMap(prefetch);
  }

  private final transient ObjectMapper json = new ObjectMapper();
  private final transient FhirContext fhir;
  private final transient FhirContext clientContext;
  private final transient TrialMatching matching;
  private final transient Clock clock;

  private final String publicBaseUrl;

  /**
   * @param publicBaseUrl the FHIR base URL clients see (the card's source), or null to derive it
   *     from each request
   */
  CdsHooksServlet(FhirContext fhir, TrialMatching matching, Clock clock, String publicBaseUrl) {
    this.fhir = fhir;
    this.publicBaseUrl = publicBaseUrl;
    this.matching = matching;
    this.clock = clock;
    // A context of its own, so client timeouts do not touch the server's shared one.
    this.clientContext = FhirContext.forR4();
    clientContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    clientContext.getRestfulClientFactory().setConnectTimeout(5_000);
    clientContext.getRestfulClientFactory().setSocketTimeout(15_000);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = subPath(request);
    if (!path.isEmpty()) {
      error(response, 404, "no such resource: " + PATH + "/" + path);
      return;
    }
    ObjectNode discovery = json.createObjectNode();
    ObjectNode service = discovery.putArray("services").addObject();
    service.put("hook", HOOK);
    service.put("title", "Clinical trials this patient might qualify for");
    service.put(
        "description",
        "Matches the patient's conditions, laboratory results and medications to the eligibility"
            + " criteria of open ClinicalTrials.gov studies and lists the best ones with their"
            + " nearest site and the criteria still to check.");
    service.put("id", SERVICE_ID);
    ObjectNode prefetch = service.putObject("prefetch");
    PREFETCH.forEach(prefetch::put);
    service.put(
        "usageRequirements",
        "Works best with SNOMED CT or ICD-10-CM coded conditions, LOINC coded laboratory results"
            + " and the patient's home address with a geolocation.");
    write(response, 200, discovery);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = subPath(request);
    if (path.equals(SERVICE_ID)) {
      patientView(request, response);
    } else if (path.equals(SERVICE_ID + "/feedback")) {
      feedback(request, response);
    } else {
      error(response, 404, "no such CDS service: " + path);
    }
  }

  private void patientView(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonNode body = readJson(request, response);
    if (body == null) {
      return;
    }
    if (!HOOK.equals(body.path("hook").asText(null))) {
      error(response, 400, "this service answers the " + HOOK + " hook");
      return;
    }
    if (!body.path("hookInstance").isTextual()) {
      error(response, 400, "hookInstance is required");
      return;
    }
    String patientId = body.path("context").path("patientId").asText(null);
    if (patientId == null || patientId.isBlank()) {
      error(response, 400, "context.patientId is required");
      return;
    }
    List<Resource> resources;
    try {
      resources = patientResources(body, patientId);
    } catch (PreconditionFailed e) {
      error(response, 412, e.getMessage());
      return;
    } catch (BadRequest e) {
      error(response, 400, e.getMessage());
      return;
    }
    PatientData patient;
    try {
      patient = PatientData.of(resources, Terminology.standard());
    } catch (IllegalArgumentException e) {
      error(response, 412, "the patient's data hold no single Patient: " + e.getMessage());
      return;
    }
    List<TrialMatching.StudyMatch> matches;
    try {
      matches =
          matching.match(
              patient, resources, TrialMatching.Filters.defaults(), LocalDate.now(clock));
    } catch (InvalidSearchException e) {
      error(response, 500, "the search failed: " + e.getMessage());
      return;
    }
    List<TrialMatching.StudyMatch> best =
        matches.stream()
            .filter(m -> m.result().verdict() != Verdict.NOT_ELIGIBLE)
            .limit(CARD_STUDIES)
            .toList();
    ObjectNode answer = json.createObjectNode();
    ArrayNode cards = answer.putArray("cards");
    if (!best.isEmpty()) {
      cards.add(card(best, patient.patient(), baseUrl(request)));
    }
    LOG.info("cds {}: {} candidates, {} in the card", SERVICE_ID, matches.size(), best.size());
    write(response, 200, answer);
  }

  private ObjectNode card(List<TrialMatching.StudyMatch> best, Patient patient, String fhirBase) {
    ObjectNode card = json.createObjectNode();
    card.put("uuid", UUID.randomUUID().toString());
    long eligible = best.stream().filter(m -> m.result().verdict() == Verdict.ELIGIBLE).count();
    String summary =
        best.size() == 1
            ? "1 open clinical trial may fit this patient"
            : best.size() + " open clinical trials may fit this patient";
    if (eligible > 0) {
      summary += " (" + eligible + " with every criterion met)";
    }
    card.put(
        "summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY) : summary);
    card.put("indicator", "info");
    StringBuilder detail = new StringBuilder();
    for (TrialMatching.StudyMatch match : best) {
      String id = match.study().getIdElement().getIdPart();
      detail
          .append("- **[")
          .append(markdown(match.study().getTitle()))
          .append("](")
          .append(Canonical.studyPage(id))
          .append(")** (")
          .append(id)
          .append("): ")
          .append(match.result().verdict().code().replace('-', ' '))
          .append(", ")
          .append(known(match))
          .append(" criteria known.");
      Optional<TrialMatching.Site> site = matching.nearestSite(match.study(), patient);
      if (site.isPresent()) {
        detail.append(" Nearest site: ").append(markdown(describe(site.get()))).append('.');
      }
      detail.append('\n');
      List<CriterionResult> unknown = match.result().unknown();
      if (!unknown.isEmpty()) {
        detail.append("  - Still to check:\n");
        for (CriterionResult result :
            unknown.subList(0, Math.min(UNKNOWN_LISTED, unknown.size()))) {
          detail
              .append("    - ")
              .append(result.criterion().exclusion() ? "(exclusion) " : "")
              .append(markdown(oneLine(result.criterion().sentence())))
              .append('\n');
        }
        if (unknown.size() > UNKNOWN_LISTED) {
          detail.append("    - and ").append(unknown.size() - UNKNOWN_LISTED).append(" more\n");
        }
      }
    }
    card.put("detail", detail.toString());
    ObjectNode source = card.putObject("source");
    source.put("label", "TrialFHIR (ClinicalTrials.gov)");
    source.put("url", fhirBase);
    ArrayNode links = card.putArray("links");
    for (TrialMatching.StudyMatch match : best) {
      String id = match.study().getIdElement().getIdPart();
      ObjectNode link = links.addObject();
      link.put("label", id + " on ClinicalTrials.gov");
      link.put("url", Canonical.studyPage(id));
      link.put("type", "absolute");
    }
    return card;
  }

  private static String known(TrialMatching.StudyMatch match) {
    int total = match.result().results().size();
    int unknown = match.result().unknown().size();
    return (total - unknown) + " of " + total;
  }

  private static String describe(TrialMatching.Site site) {
    Location location = site.location();
    List<String> parts = new ArrayList<>();
    if (location.hasName()) {
      parts.add(location.getName());
    }
    if (location.getAddress().hasCity()) {
      parts.add(location.getAddress().getCity());
    }
    if (location.getAddress().hasCountry()) {
      parts.add(location.getAddress().getCountry());
    }
    String text = String.join(", ", parts);
    if (site.distanceKm() != null) {
      text += String.format(Locale.ROOT, " (%.0f km)", site.distanceKm());
    }
    return text;
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 199) + "…" : line;
  }

  /** Escapes the characters markdown would read as markup. */
  static String markdown(String text) {
    if (text == null) {
      return "";
    }
    return text.replaceAll("([\\\\`*_\\[\\]<>#|])", "\\\\$1");
  }

  private void feedback(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonNode body = readJson(request, response);
    if (body == null) {
      return;
    }
    JsonNode feedback = body.path("feedback");
    if (!feedback.isArray() || feedback.isEmpty()) {
      error(response, 400, "feedback must be a non-empty array");
      return;
    }
    for (JsonNode item : feedback) {
      String outcome = item.path("outcome").asText("");
      if (!item.path("card").isTextual()
          || !(outcome.equals("accepted") || outcome.equals("overridden"))) {
        error(
            response,
            400,
            "each feedback item needs a card uuid and an outcome (accepted or overridden)");
        return;
      }
    }
    LOG.info("cds {}: feedback on {} card(s)", SERVICE_ID, feedback.size());
    response.setStatus(200);
  }

  /** The patient's resources from the prefetch, else from the client's FHIR server. */
  private List<Resource> patientResources(JsonNode body, String patientId) {
    JsonNode prefetch = body.path("prefetch");
    List<Resource> resources = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String key : PREFETCH.keySet()) {
      JsonNode value = prefetch.path(key);
      if (value.isMissingNode() || value.isNull()) {
        missing.add(key);
        continue;
      }
      IBaseResource parsed;
      try {
        parsed = fhir.newJsonParser().parseResource(value.toString());
      } catch (RuntimeException e) {
        throw new BadRequest("prefetch." + key + " is not a FHIR resource: " + e.getMessage());
      }
      add(resources, parsed);
    }
    boolean canFetch = !body.path("fhirServer").asText("").isBlank();
    if (!canFetch && !missing.contains("patient")) {
      // Without a FHIR server, what was prefetched is all there is: missing data stay unknown.
      missing.clear();
    }
    if (!missing.isEmpty()) {
      IGenericClient client = client(body);
      for (String key : missing) {
        String query = PREFETCH.get(key).replace("{{context.patientId}}", patientId);
        try {
          if (key.equals("patient")) {
            resources.add(client.read().resource(Patient.class).withId(patientId).execute());
          } else {
            add(resources, client.search().byUrl(query).returnBundle(Bundle.class).execute());
          }
        } catch (RuntimeException e) {
          throw new PreconditionFailed(
              "could not fetch " + key + " from fhirServer: " + e.getMessage());
        }
      }
    }
    return resources;
  }

  private IGenericClient client(JsonNode body) {
    String server = body.path("fhirServer").asText(null);
    if (server == null || server.isBlank()) {
      throw new PreconditionFailed(
          "prefetch is incomplete and the request names no fhirServer to fetch the data from");
    }
    URI uri;
    try {
      uri = URI.create(server);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("fhirServer is not a URL: " + server);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new BadRequest("fhirServer must be an http(s) URL: " + server);
    }
    IGenericClient client = clientContext.newRestfulGenericClient(server);
    JsonNode authorization = body.path("fhirAuthorization");
    if (!authorization.isMissingNode() && !authorization.isNull()) {
      String token = authorization.path("access_token").asText(null);
      String type = authorization.path("token_type").asText("Bearer");
      if (token == null || !type.equalsIgnoreCase("Bearer")) {
        throw new BadRequest("fhirAuthorization needs an access_token of token_type Bearer");
      }
      client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    }
    return client;
  }

  private static void add(List<Resource> resources, IBaseResource parsed) {
    if (parsed instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() != null
            && !(entry.getResource() instanceof org.hl7.fhir.r4.model.OperationOutcome)) {
          resources.add(entry.getResource());
        }
      }
    } else if (parsed instanceof Resource resource) {
      resources.add(resource);
    }
  }

  private JsonNode readJson(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    byte[] bytes = request.getInputStream().readAllBytes();
    try {
      JsonNode node = json.readTree(new String(bytes, StandardCharsets.UTF_8));
      if (node == null || !node.isObject()) {
        error(response, 400, "the request body must be a JSON object");
        return null;
      }
      return node;
    } catch (IOException e) {
      error(response, 400, "the request body is not JSON: " + e.getMessage());
      return null;
    }
  }

  private static String subPath(HttpServletRequest request) {
    String info = request.getPathInfo();
    if (info == null) {
      return "";
    }
    String path = info.startsWith("/") ? info.substring(1) : info;
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The FHIR base URL of this server, as clients see it. */
  private String baseUrl(HttpServletRequest request) {
    if (publicBaseUrl != null) {
      return publicBaseUrl;
    }
    String url = request.getRequestURL().toString();
    int at = url.indexOf(PATH);
    return (at < 0 ? url : url.substring(0, at)) + TrialServer.FHIR_PATH;
  }

  private void error(HttpServletResponse response, int status, String message) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("error", message);
    write(response, status, body);
  }

  private void write(HttpServletResponse response, int status, JsonNode body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write(json.writeValueAsBytes(body));
  }

  private static final class PreconditionFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PreconditionFailed(String message) {
      super(message);
    }
  }

  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
