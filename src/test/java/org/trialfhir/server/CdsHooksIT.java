package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CDS Hooks 2.0 end to end on the server {@code serve} starts (the example studies): discovery, the
 * patient-view service with prefetch, without prefetch (reading from a second FHIR server on
 * loopback that checks the bearer token), 412 when the data cannot be had, feedback, CORS, and
 * every card checked field by field against the specification's rules.
 */
class CdsHooksIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "token-" + UUID.randomUUID();
  private static final String SERVICE = "/cds-services/" + CdsHooksServlet.SERVICE_ID;

  private static Server patientServer;
  private static String patientBase;
  private static final AtomicInteger AUTHORIZED = new AtomicInteger();
  private static final PatientBundles PATIENT = PatientBundles.adultWithHiv("cds1", "280");

  // ---- a second FHIR server, as an EHR's would be: it serves the patient to bearer tokens only

  @Interceptor
  public static final class BearerCheck {
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void check(RequestDetails request) {
      String header = request.getHeader("Authorization");
      if (!("Bearer " + TOKEN).equals(header)) {
        throw new AuthenticationException("a valid bearer token is required");
      }
      AUTHORIZED.incrementAndGet();
    }
  }

  public static final class PatientProvider implements IResourceProvider {
    @Override
    public Class<Patient> getResourceType() {
      return Patient.class;
    }

    @Read
    public Patient read(@IdParam IdType id) {
      for (Resource resource : resources()) {
        if (resource instanceof Patient patient
            && patient.getIdElement().getIdPart().equals(id.getIdPart())) {
          return patient;
        }
      }
      throw new ResourceNotFoundException(id);
    }
  }

  public static final class ByPatient implements IResourceProvider {
    private final Class<? extends Resource> type;

    ByPatient(Class<? extends Resource> type) {
      this.type = type;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
      return type;
    }

    @Search(allowUnknownParams = true)
    public List<IBaseResource> search(@RequiredParam(name = "patient") ReferenceParam patient) {
      List<IBaseResource> found = new ArrayList<>();
      for (Resource resource : resources()) {
        if (type.isInstance(resource) && patient.getIdPart().equals("cds1")) {
          found.add(resource);
        }
      }
      return found;
    }
  }

  private static List<Resource> resources() {
    return PATIENT.bundle().getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .toList();
  }

  @BeforeAll
  static void startThePatientServer() throws Exception {
    RestfulServer fhir = new RestfulServer(CorpusServer.FHIR);
    fhir.setResourceProviders(
        new PatientProvider(),
        new ByPatient(Condition.class),
        new ByPatient(Observation.class),
        new ByPatient(MedicationRequest.class));
    fhir.registerInterceptor(new BearerCheck());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(fhir), "/fhir/*");
    server.setHandler(context);
    server.start();
    patientServer = server;
    patientBase = "http://127.0.0.1:" + connector.getLocalPort() + "/fhir";
  }

  @AfterAll
  static void stopThePatientServer() throws Exception {
    patientServer.stop();
  }

  // ---- requests

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(ExampleServer.get().root() + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(ExampleServer.get().root() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ObjectNode hookRequest() {
    ObjectNode request = JSON.createObjectNode();
    request.put("hook", "patient-view");
    request.put("hookInstance", UUID.randomUUID().toString());
    ObjectNode context = request.putObject("context");
    context.put("userId", "Practitioner/example");
    context.put("patientId", "cds1");
    return request;
  }

  private static JsonNode fhirJson(IBaseResource resource) throws Exception {
    return JSON.readTree(CorpusServer.FHIR.newJsonParser().encodeResourceToString(resource));
  }

  private static Bundle searchset(Class<? extends Resource> type) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    resources().stream().filter(type::isInstance).forEach(r -> bundle.addEntry().setResource(r));
    bundle.setTotal(bundle.getEntry().size());
    return bundle;
  }

  private static ObjectNode withPrefetch() throws Exception {
    ObjectNode request = hookRequest();
    ObjectNode prefetch = request.putObject("prefetch");
    prefetch.set("patient", fhirJson(resources().get(0)));
    prefetch.set("conditions", fhirJson(searchset(Condition.class)));
    prefetch.set("observations", fhirJson(searchset(Observation.class)));
    prefetch.set("medications", fhirJson(searchset(MedicationRequest.class)));
    return request;
  }

  // ---- the rules of CDS Hooks 2.0, encoded (no JSON schema is published)

  private static final Set<String> CARD_FIELDS =
      Set.of(
          "uuid",
          "summary",
          "detail",
          "indicator",
          "source",
          "suggestions",
          "selectionBehavior",
          "overrideReasons",
          "links",
          "extension");

  private static boolean isAbsoluteUrl(String text) {
    try {
      URI uri = URI.create(text);
      return uri.isAbsolute()
          && Set.of("http", "https").contains(uri.getScheme())
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A CDS Hooks 2.0 response: an object with a cards array (and optionally systemActions). */
  private static JsonNode assertValidResponse(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.isObject()).isTrue();
    assertThat(body.path("cards").isArray()).as("cards is required and an array").isTrue();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      assertThat(names.next()).isIn("cards", "systemActions");
    }
    for (JsonNode card : body.path("cards")) {
      assertValidCard(card);
    }
    return body;
  }

  /** One card, field by field. */
  private static void assertValidCard(JsonNode card) {
    assertThat(card.isObject()).isTrue();
    card.fieldNames().forEachRemaining(name -> assertThat(name).isIn(CARD_FIELDS));
    // uuid: optional; when present a UUID (feedback refers to it). We always send one.
    assertThat(card.path("uuid").isTextual()).isTrue();
    assertThat(UUID.fromString(card.path("uuid").asText()).toString())
        .isEqualTo(card.path("uuid").asText().toLowerCase(java.util.Locale.ROOT));
    // summary: required, "<140-character summary message".
    assertThat(card.path("summary").isTextual()).isTrue();
    assertThat(card.path("summary").asText()).isNotBlank().hasSizeLessThan(140);
    // detail: optional markdown string.
    if (card.has("detail")) {
      assertThat(card.path("detail").isTextual()).isTrue();
    }
    // indicator: required, info | warning | critical; ours is always info.
    assertThat(card.path("indicator").asText()).isEqualTo("info");
    // source: required object with a label; url, icon absolute when present; topic a Coding.
    JsonNode source = card.path("source");
    assertThat(source.isObject()).isTrue();
    assertThat(source.path("label").isTextual()).isTrue();
    assertThat(source.path("label").asText()).isNotBlank();
    if (source.has("url")) {
      assertThat(isAbsoluteUrl(source.path("url").asText())).as(source.toString()).isTrue();
    }
    if (source.has("icon")) {
      assertThat(isAbsoluteUrl(source.path("icon").asText())).isTrue();
    }
    if (source.has("topic")) {
      assertThat(source.path("topic").path("code").isTextual()).isTrue();
    }
    // suggestions: none; then selectionBehavior must be absent too (it is required only with them).
    assertThat(card.has("suggestions")).isFalse();
    assertThat(card.has("selectionBehavior")).isFalse();
    // links: each with a label, an absolute url and type absolute | smart; appContext only for
    // smart.
    if (card.has("links")) {
      assertThat(card.path("links").isArray()).isTrue();
      for (JsonNode link : card.path("links")) {
        assertThat(link.path("label").isTextual()).isTrue();
        assertThat(link.path("label").asText()).isNotBlank();
        assertThat(isAbsoluteUrl(link.path("url").asText())).as(link.toString()).isTrue();
        assertThat(link.path("type").asText()).isIn("absolute", "smart");
        if (link.has("appContext")) {
          assertThat(link.path("type").asText()).isEqualTo("smart");
        }
        link.fieldNames()
            .forEachRemaining(
                name -> assertThat(name).isIn("label", "url", "type", "appContext", "extension"));
      }
    }
  }

  /** Our card's content for the HIV patient: NCT05939167 with its site and unknown criteria. */
  private static void assertListsNct05939167(JsonNode body) {
    assertThat(body.path("cards")).hasSize(1);
    JsonNode card = body.path("cards").get(0);
    String detail = card.path("detail").asText();
    assertThat(detail).contains("NCT05939167").contains("possibly eligible");
    assertThat(detail).contains("Nearest site:").contains("Beijing");
    assertThat(detail).contains("Still to check:");
    assertThat(detail).doesNotContain("not eligible");
    List<String> urls = new ArrayList<>();
    card.path("links").forEach(link -> urls.add(link.path("url").asText()));
    assertThat(urls).contains("https://clinicaltrials.gov/study/NCT05939167");
    card.path("links")
        .forEach(link -> assertThat(link.path("type").asText()).isEqualTo("absolute"));
  }

  // ---- tests

  @Test
  void discoveryListsThePatientViewService() throws Exception {
    HttpResponse<String> response = get("/cds-services");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("services").isArray()).isTrue();
    assertThat(body.path("services")).hasSize(1);
    JsonNode service = body.path("services").get(0);
    // Required: hook, description, id; title optional; prefetch an object of string templates.
    assertThat(service.path("hook").asText()).isEqualTo("patient-view");
    assertThat(service.path("id").asText()).isEqualTo(CdsHooksServlet.SERVICE_ID);
    assertThat(service.path("description").asText()).isNotBlank();
    assertThat(service.path("title").asText()).isNotBlank();
    JsonNode prefetch = service.path("prefetch");
    assertThat(prefetch.path("patient").asText()).isEqualTo("Patient/{{context.patientId}}");
    assertThat(prefetch.path("conditions").asText())
        .startsWith("Condition?patient={{context.patientId}}")
        .contains("clinical-status=active");
    assertThat(prefetch.path("observations").asText())
        .startsWith("Observation?patient={{context.patientId}}")
        .contains("category=laboratory");
    assertThat(prefetch.path("medications").asText())
        .startsWith("MedicationRequest?patient={{context.patientId}}");
    service
        .fieldNames()
        .forEachRemaining(
            name ->
                assertThat(name)
                    .isIn("hook", "title", "description", "id", "prefetch", "usageRequirements"));
    assertThat(get("/cds-services/").statusCode()).isEqualTo(200);
    assertThat(get("/cds-services/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void patientViewWithPrefetch() throws Exception {
    int before = AUTHORIZED.get();
    JsonNode body = assertValidResponse(post(SERVICE, withPrefetch().toString()));
    assertListsNct05939167(body);
    assertThat(AUTHORIZED.get()).isEqualTo(before);
  }

  @Test
  void patientViewWithoutPrefetchReadsTheFhirServerWithTheBearerToken() throws Exception {
    ObjectNode request = hookRequest();
    request.put("fhirServer", patientBase);
    ObjectNode authorization = request.putObject("fhirAuthorization");
    authorization.put("access_token", TOKEN);
    authorization.put("token_type", "Bearer");
    authorization.put("expires_in", 300);
    authorization.put("scope", "patient/Patient.read patient/Condition.read");
    authorization.put("subject", "trialfhir-cds");
    int before = AUTHORIZED.get();
    JsonNode body = assertValidResponse(post(SERVICE, request.toString()));
    assertListsNct05939167(body);
    // Patient, conditions, observations and medications: four authorised reads.
    assertThat(AUTHORIZED.get() - before).isEqualTo(4);
  }

  @Test
  void aWrongTokenOrNoDataIs412() throws Exception {
    ObjectNode wrongToken = hookRequest();
    wrongToken.put("fhirServer", patientBase);
    wrongToken
        .putObject("fhirAuthorization")
        .put("access_token", "nope")
        .put("token_type", "Bearer");
    HttpResponse<String> refused = post(SERVICE, wrongToken.toString());
    assertThat(refused.statusCode()).isEqualTo(412);

    HttpResponse<String> nothing = post(SERVICE, hookRequest().toString());
    assertThat(nothing.statusCode()).isEqualTo(412);
    assertThat(JSON.readTree(nothing.body()).path("error").asText()).contains("fhirServer");

    // Prefetch without the patient and no server to ask: 412 as well.
    ObjectNode noPatient = withPrefetch();
    ((ObjectNode) noPatient.path("prefetch")).remove("patient");
    assertThat(post(SERVICE, noPatient.toString()).statusCode()).isEqualTo(412);
  }

  @Test
  void malformedRequestsAre400And404() throws Exception {
    assertThat(post(SERVICE, "{not json").statusCode()).isEqualTo(400);
    ObjectNode otherHook = withPrefetch();
    otherHook.put("hook", "order-select");
    assertThat(post(SERVICE, otherHook.toString()).statusCode()).isEqualTo(400);
    ObjectNode noPatientId = withPrefetch();
    ((ObjectNode) noPatientId.path("context")).remove("patientId");
    assertThat(post(SERVICE, noPatientId.toString()).statusCode()).isEqualTo(400);
    ObjectNode notHttp = hookRequest();
    notHttp.put("fhirServer", "file:///etc");
    assertThat(post(SERVICE, notHttp.toString()).statusCode()).isEqualTo(400);
    assertThat(post("/cds-services/unknown", withPrefetch().toString()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aPatientNoStudyFitsGetsNoCards() throws Exception {
    ObjectNode request = hookRequest();
    ObjectNode prefetch = request.putObject("prefetch");
    // A 10-year-old: every example study with an age range excludes them or none is a candidate.
    Patient child = new Patient();
    child.setId("cds1");
    child.setBirthDateElement(
        new org.hl7.fhir.r4.model.DateType(java.time.LocalDate.now().minusYears(10).toString()));
    child.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.MALE);
    prefetch.set("patient", fhirJson(child));
    prefetch.set("conditions", fhirJson(searchset(Condition.class)));
    JsonNode body = assertValidResponse(post(SERVICE, request.toString()));
    assertThat(body.path("cards").toString()).doesNotContain("NCT05939167");
  }

  @Test
  void feedbackIsAccepted() throws Exception {
    JsonNode cards = assertValidResponse(post(SERVICE, withPrefetch().toString())).path("cards");
    ObjectNode feedback = JSON.createObjectNode();
    ObjectNode item = feedback.putArray("feedback").addObject();
    item.put("card", cards.get(0).path("uuid").asText());
    item.put("outcome", "overridden");
    item.putObject("overrideReason").put("userComment", "already enrolled elsewhere");
    item.put("outcomeTimestamp", "2026-11-22T10:00:00Z");
    assertThat(post(SERVICE + "/feedback", feedback.toString()).statusCode()).isEqualTo(200);

    ObjectNode bad = JSON.createObjectNode();
    bad.putArray("feedback").addObject().put("card", "x").put("outcome", "liked");
    assertThat(post(SERVICE + "/feedback", bad.toString()).statusCode()).isEqualTo(400);
    assertThat(post("/cds-services/unknown/feedback", feedback.toString()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void browserClientsMayCallItFromAnotherOrigin() throws Exception {
    HttpResponse<String> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(ExampleServer.get().root() + SERVICE))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://sandbox.cds-hooks.org")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isBetween(200, 204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
        .contains("POST");
    assertThat(
            preflight
                .headers()
                .firstValue("Access-Control-Allow-Headers")
                .orElse("")
                .toLowerCase(java.util.Locale.ROOT))
        .contains("content-type")
        .contains("authorization");

    HttpResponse<String> discovery =
        get("/cds-services", "Origin", "https://sandbox.cds-hooks.org");
    assertThat(discovery.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
  }
}
