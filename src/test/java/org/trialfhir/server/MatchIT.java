package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.trialfhir.conformance.SharedValidator;
import org.trialfhir.conformance.ValidationIssue;
import org.trialfhir.mapping.TrialExtension;

/**
 * {@code ResearchStudy/$match} end to end on the server {@code serve} starts: a shared Synthea
 * patient with HIV over the corpus index, the NCT05939167 cases over the example studies, every
 * answer valid against our profiles, and every malformed request a 400 OperationOutcome.
 */
class MatchIT {
  private static final String VERDICT = TrialExtension.MATCH_VERDICT.url();
  private static final String CRITERION = TrialExtension.MATCH_CRITERION.url();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Bundle match(String base, Parameters parameters) {
    return CorpusServer.FHIR
        .newRestfulGenericClient(base)
        .operation()
        .onType(ResearchStudy.class)
        .named("$match")
        .withParameters(parameters)
        .returnResourceType(Bundle.class)
        .execute();
  }

  private static Parameters withPatient(Bundle patient) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("patient").setResource(patient);
    return parameters;
  }

  private static String verdict(Bundle.BundleEntryComponent entry) {
    return ((Coding) entry.getSearch().getExtensionByUrl(VERDICT).getValue()).getCode();
  }

  private static List<Extension> criteria(Bundle.BundleEntryComponent entry) {
    return entry.getSearch().getExtensionsByUrl(CRITERION);
  }

  private static String part(Extension criterion, String name) {
    Extension part = criterion.getExtensionByUrl(name);
    if (part == null) {
      return null;
    }
    if (part.getValue() instanceof Coding coding) {
      return coding.getCode();
    }
    if (part.getValue() instanceof Reference reference) {
      return reference.hasReference() ? reference.getReference() : reference.getDisplay();
    }
    return part.getValue().primitiveValue();
  }

  private static Bundle.BundleEntryComponent entryOf(Bundle bundle, String nctId) {
    return bundle.getEntry().stream()
        .filter(e -> e.getResource().getIdElement().getIdPart().equals(nctId))
        .findFirst()
        .orElseThrow(() -> new AssertionError(nctId + " is not among the matches"));
  }

  /** Checks what every $match answer must be: ordered, scored, explained, valid. */
  private static void assertWellFormed(Bundle bundle) {
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(bundle.getTotal()).isEqualTo(bundle.getEntry().size());
    BigDecimal previous = BigDecimal.ONE;
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      assertThat(entry.getResource()).isInstanceOf(ResearchStudy.class);
      assertThat(entry.getFullUrl())
          .endsWith("/ResearchStudy/" + entry.getResource().getIdElement().getIdPart());
      assertThat(entry.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
      BigDecimal score = entry.getSearch().getScore();
      assertThat(score).isBetween(BigDecimal.ZERO, BigDecimal.ONE);
      assertThat(score).isLessThanOrEqualTo(previous);
      previous = score;
      String verdict = verdict(entry);
      assertThat(verdict).isIn("eligible", "possibly-eligible", "not-eligible");
      List<Extension> criteria = criteria(entry);
      assertThat(criteria).isNotEmpty();
      List<String> outcomes = criteria.stream().map(c -> part(c, "outcome")).toList();
      assertThat(outcomes).allSatisfy(o -> assertThat(o).isIn("met", "not-met", "unknown"));
      String expected =
          outcomes.contains("not-met")
              ? "not-eligible"
              : outcomes.contains("unknown") ? "possibly-eligible" : "eligible";
      assertThat(verdict).isEqualTo(expected);
      for (Extension criterion : criteria) {
        assertThat(part(criterion, "sentence")).isNotBlank();
        assertThat(part(criterion, "kind")).isNotBlank();
        assertThat(part(criterion, "method"))
            .isIn("structured", "registry-prediction", "text-derived");
        assertThat(criterion.getExtensionByUrl("exclude").getValue())
            .isInstanceOf(BooleanType.class);
        if (part(criterion, "kind").equals("other")) {
          assertThat(part(criterion, "outcome")).isEqualTo("unknown");
        }
      }
    }
    List<ValidationIssue> errors =
        SharedValidator.get().validate(bundle).stream().filter(ValidationIssue::isError).toList();
    assertThat(errors).isEmpty();
  }

  @Test
  void hivAndCd4Of280IsAtLeastPossiblyEligibleForNct05939167() {
    PatientBundles patient = PatientBundles.adultWithHiv("p1", "280");
    Bundle result = match(ExampleServer.get().base, withPatient(patient.bundle()));

    assertWellFormed(result);
    Bundle.BundleEntryComponent entry = entryOf(result, "NCT05939167");
    assertThat(verdict(entry)).isIn("eligible", "possibly-eligible");
    Extension cd4 =
        criteria(entry).stream()
            .filter(c -> "lab".equals(part(c, "kind")))
            .filter(c -> part(c, "sentence").contains("CD4"))
            .findFirst()
            .orElseThrow();
    assertThat(part(cd4, "outcome")).isEqualTo("met");
    assertThat(part(cd4, "evidence")).endsWith(patient.resourceId(2));
    Extension hiv =
        criteria(entry).stream()
            .filter(c -> "condition".equals(part(c, "kind")) && "false".equals(part(c, "exclude")))
            .findFirst()
            .orElseThrow();
    assertThat(part(hiv, "outcome")).isEqualTo("met");
    assertThat(part(hiv, "evidence")).endsWith(patient.resourceId(1));
  }

  @Test
  void hepatitisBMakesNct05939167NotEligibleAndNamesTheCriterion() {
    PatientBundles patient =
        PatientBundles.adultWithHiv("p2", "280")
            .condition(PatientBundles.HEPATITIS_B, "Chronic type B viral hepatitis (disorder)");
    Bundle result = match(ExampleServer.get().base, withPatient(patient.bundle()));

    assertWellFormed(result);
    Bundle.BundleEntryComponent entry = entryOf(result, "NCT05939167");
    assertThat(verdict(entry)).isEqualTo("not-eligible");
    List<Extension> notMet =
        criteria(entry).stream().filter(c -> "not-met".equals(part(c, "outcome"))).toList();
    assertThat(notMet).hasSize(1);
    Extension deciding = notMet.get(0);
    assertThat(part(deciding, "kind")).isEqualTo("condition");
    assertThat(part(deciding, "exclude")).isEqualTo("true");
    assertThat(part(deciding, "sentence")).containsIgnoringCase("HBV");
    assertThat(part(deciding, "evidence")).endsWith(patient.resourceId(3));
    // Not eligible sorts below the same patient's possibly-eligible studies.
    assertThat(entry.getSearch().getScore().doubleValue()).isLessThan(1.0 / 3 + 1e-9);
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> excludingCases() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            PatientBundles.adultWithHiv("x1", "500"), "lab", "CD4", 2),
        org.junit.jupiter.params.provider.Arguments.of(
            PatientBundles.adultWithHiv("x2", "280", 70), "age", "aged 18-65", 0),
        org.junit.jupiter.params.provider.Arguments.of(
            PatientBundles.adultWithHiv("x3", "280").condition(null, "HIV-2 infection"),
            "condition",
            "HIV-2",
            3));
  }

  /**
   * CD4 500, aged 70 (the record has no structured age range, so the study is still a candidate and
   * its text decides), HIV-2: not eligible, with the one deciding criterion and its evidence.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("excludingCases")
  void theDecidingCriterionIsNamed(
      PatientBundles patient, String kind, String sentence, int evidenceIndex) {
    Bundle result = match(ExampleServer.get().base, withPatient(patient.bundle()));
    assertWellFormed(result);
    Bundle.BundleEntryComponent entry = entryOf(result, "NCT05939167");
    assertThat(verdict(entry)).isEqualTo("not-eligible");
    List<Extension> notMet =
        criteria(entry).stream().filter(c -> "not-met".equals(part(c, "outcome"))).toList();
    assertThat(notMet).hasSize(1);
    assertThat(part(notMet.get(0), "kind")).isEqualTo(kind);
    assertThat(part(notMet.get(0), "sentence")).contains(sentence);
    String evidence = part(notMet.get(0), "evidence");
    assertThat(evidence)
        .endsWith(
            evidenceIndex == 0
                ? patient.bundle().getEntryFirstRep().getResource().getIdElement().getIdPart()
                : patient.resourceId(evidenceIndex));
  }

  @Test
  void conditionsWithoutStatusesCountAsActive() {
    PatientBundles patient = PatientBundles.adultWithHiv("p10", "280");
    org.hl7.fhir.r4.model.Condition hiv =
        (org.hl7.fhir.r4.model.Condition) patient.bundle().getEntry().get(1).getResource();
    hiv.setClinicalStatus(null);
    hiv.setVerificationStatus(null);
    Bundle result = match(ExampleServer.get().base, withPatient(patient.bundle()));
    assertWellFormed(result);
    assertThat(verdict(entryOf(result, "NCT05939167"))).isIn("eligible", "possibly-eligible");
  }

  @Test
  void statusFilterDefaultsToActiveAndIsApplied() {
    Parameters parameters = withPatient(PatientBundles.adultWithHiv("p3", "280").bundle());
    parameters.addParameter().setName("status").setValue(new CodeType("completed"));
    Bundle result = match(ExampleServer.get().base, parameters);
    assertWellFormed(result);
    assertThat(result.getEntry())
        .allSatisfy(
            e ->
                assertThat(((ResearchStudy) e.getResource()).getStatus().toCode())
                    .isEqualTo("completed"));
    assertThat(result.getEntry())
        .noneMatch(e -> e.getResource().getIdElement().getIdPart().equals("NCT05939167"));
  }

  @Test
  void sharedSyntheaPatientWithHivOverTheCorpus() throws Exception {
    // Ambrose149: male, born 1980, HIV with CD4 counts and viral loads (synthea-index.csv).
    Bundle patient =
        PatientBundles.synthea("Ambrose149_Gottlieb798_0256b4dc-edc6-cffd-c600-f2ba6536f432.json");
    Parameters parameters = withPatient(patient);
    parameters.addParameter().setName("status").setValue(new CodeType("active"));
    parameters.addParameter().setName("status").setValue(new CodeType("approved"));
    parameters.addParameter().setName("count").setValue(new IntegerType(100));
    Bundle result = match(CorpusServer.get().base, parameters);

    assertWellFormed(result);
    assertThat(result.getEntry()).isNotEmpty().hasSizeLessThanOrEqualTo(100);
    assertThat(result.getEntry())
        .allSatisfy(
            e ->
                assertThat(((ResearchStudy) e.getResource()).getStatus().toCode())
                    .isIn("active", "approved"));
    // The corpus's one HIV study (not yet recruiting: approved) is found through the patient's
    // HIV condition (SNOMED CT 86406008 -> MeSH D015658).
    Bundle.BundleEntryComponent hivStudy = entryOf(result, "NCT06883097");
    assertThat(verdict(hivStudy)).isIn("possibly-eligible", "eligible", "not-eligible");
    // Without "approved" the same request does not return it.
    Parameters activeOnly = withPatient(patient);
    Bundle active = match(CorpusServer.get().base, activeOnly);
    assertThat(active.getEntry())
        .noneMatch(e -> e.getResource().getIdElement().getIdPart().equals("NCT06883097"));
    // Conditions and labs that decided a criterion point at the patient's own resources.
    List<String> ids =
        patient.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    result.getEntry().stream()
        .flatMap(e -> criteria(e).stream())
        .map(c -> part(c, "evidence"))
        .filter(Objects::nonNull)
        .forEach(reference -> assertThat(ids).anySatisfy(id -> assertThat(reference).endsWith(id)));
    Patient patientResource = (Patient) patient.getEntryFirstRep().getResource();
    assertThat(patientResource.getGender()).isEqualTo(AdministrativeGender.MALE);
  }

  @Test
  void nearFilterKeepsOnlyStudiesWithASiteNearby() {
    // The example studies' sites carry no geo point: a point anywhere leaves none.
    Parameters parameters = withPatient(PatientBundles.adultWithHiv("p4", "280").bundle());
    parameters.addParameter().setName("near").setValue(new StringType("39.9|116.4|50|km"));
    Bundle result = match(ExampleServer.get().base, parameters);
    assertWellFormed(result);
    assertThat(result.getEntry())
        .noneMatch(e -> e.getResource().getIdElement().getIdPart().equals("NCT05939167"));
  }

  @Test
  void theCapabilityStatementDeclaresTheOperation() {
    CapabilityStatement cs =
        ExampleServer.get().client().capabilities().ofType(CapabilityStatement.class).execute();
    CapabilityStatement.CapabilityStatementRestResourceComponent studies =
        cs.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("ResearchStudy"))
            .findFirst()
            .orElseThrow();
    assertThat(studies.getOperation())
        .anySatisfy(
            op -> {
              assertThat(op.getName()).isEqualTo("match");
              assertThat(op.getDefinition()).isEqualTo(MatchOperation.DEFINITION);
            });
    // The definition is served, valid, and declares every parameter the operation reads.
    org.hl7.fhir.r4.model.OperationDefinition definition =
        ExampleServer.get()
            .client()
            .read()
            .resource(org.hl7.fhir.r4.model.OperationDefinition.class)
            .withId("ResearchStudy-match")
            .execute();
    assertThat(definition.getUrl()).isEqualTo(MatchOperation.DEFINITION);
    assertThat(definition.getCode()).isEqualTo("match");
    assertThat(definition.getParameter())
        .extracting(
            org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent
                ::getName)
        .containsExactlyInAnyOrder(
            "patient", "status", "near", "phase", "study-type", "count", "return");
    assertThat(
            SharedValidator.get().validate(definition).stream()
                .filter(ValidationIssue::isError)
                .toList())
        .isEmpty();
  }

  private static HttpResponse<String> post(String body, String contentType) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(ExampleServer.get().base + "/ResearchStudy/$match"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertBadRequest(HttpResponse<String> response, String expectedText) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    OperationOutcome outcome =
        CorpusServer.FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).containsIgnoringCase(expectedText);
  }

  private static String encode(Parameters parameters) {
    return CorpusServer.FHIR.newJsonParser().encodeResourceToString(parameters);
  }

  @Test
  void badInputIsA400OperationOutcome() throws Exception {
    String json = "application/fhir+json";
    assertBadRequest(post("", json), "Parameters");
    assertBadRequest(post("{not json", json), "not a valid FHIR resource");
    assertBadRequest(post("{\"resourceType\":\"Patient\"}", json), "must be a Parameters");
    assertBadRequest(post(encode(new Parameters()), json), "patient");

    Parameters notABundle = new Parameters();
    notABundle.addParameter().setName("patient").setResource(new Patient());
    assertBadRequest(post(encode(notABundle), json), "must be a Bundle");

    Bundle noPatient = PatientBundles.adultWithHiv("p5", "280").bundle();
    noPatient.getEntry().remove(0);
    assertBadRequest(post(encode(withPatient(noPatient)), json), "exactly one Patient");

    Parameters badStatus = withPatient(PatientBundles.adultWithHiv("p6", "280").bundle());
    badStatus.addParameter().setName("status").setValue(new CodeType("recruiting"));
    assertBadRequest(post(encode(badStatus), json), "status");

    Parameters badNear = withPatient(PatientBundles.adultWithHiv("p7", "280").bundle());
    badNear.addParameter().setName("near").setValue(new StringType("north|pole"));
    assertBadRequest(post(encode(badNear), json), "near");

    Parameters badCount = withPatient(PatientBundles.adultWithHiv("p8", "280").bundle());
    badCount.addParameter().setName("count").setValue(new IntegerType(101));
    assertBadRequest(post(encode(badCount), json), "count");

    Parameters unknown = withPatient(PatientBundles.adultWithHiv("p9", "280").bundle());
    unknown.addParameter().setName("sort").setValue(new StringType("score"));
    assertBadRequest(post(encode(unknown), json), "unknown parameter");
  }
}
