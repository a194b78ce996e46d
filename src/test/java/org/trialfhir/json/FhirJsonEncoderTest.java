package org.trialfhir.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.trialfhir.mapping.Fhir;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.mapping.TrialGraph;
import org.trialfhir.testing.SharedData;

/**
 * The encoder against HAPI's own JSON parser (the reference): every resource of every real record,
 * each study's Bundle, and hand-built resources for each encoding rule, compact and pretty.
 */
class FhirJsonEncoderTest {
  private static final FhirJsonEncoder ENCODER = new FhirJsonEncoder(Fhir.context());
  private static final String EXT = "http://example.org/fhir/StructureDefinition/";

  private static IParser hapi(boolean pretty) {
    return Fhir.context().newJsonParser().setPrettyPrint(pretty);
  }

  /**
   * Every API of the encoder (compact and pretty, String, bytes, stream, writer) gives HAPI's
   * output; and whether it had to fall back.
   */
  private static boolean assertSameAsHapi(IBaseResource resource) throws IOException {
    long fallbacks = ENCODER.fallbackCount();
    for (boolean pretty : new boolean[] {false, true}) {
      String expected = hapi(pretty).encodeResourceToString(resource);
      FhirJsonEncoder encoder = ENCODER.withPrettyPrint(pretty);
      assertThat(encoder.isPrettyPrint()).isEqualTo(pretty);
      assertThat(encoder.encode(resource)).as("pretty=" + pretty).isEqualTo(expected);
      assertThat(encoder.encodeUtf8(resource)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      encoder.encode(resource, stream);
      assertThat(stream.toByteArray()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
      StringWriter writer = new StringWriter();
      encoder.encode(resource, writer);
      assertThat(writer.toString()).isEqualTo(expected);
    }
    return ENCODER.fallbackCount() != fallbacks;
  }

  private static void assertEncodedWithoutFallback(IBaseResource resource) throws IOException {
    assertThat(assertSameAsHapi(resource)).as("fell back to HAPI").isFalse();
  }

  private static void assertFallsBack(IBaseResource resource) throws IOException {
    assertThat(assertSameAsHapi(resource)).as("fell back to HAPI").isTrue();
  }

  // ----------------------------------------------------------------------------------------------
  // The corpus

  @TestFactory
  Stream<DynamicTest> everyResourceAndBundleOfEveryRecord() {
    return SharedData.perRecord(file -> check(file));
  }

  private static void check(Path file) throws IOException {
    TrialGraph graph = StudyMapper.map(SharedData.study(file));
    long fallbacks = ENCODER.fallbackCount();
    IParser compact = hapi(false);
    for (Resource resource : graph.resources()) {
      assertThat(ENCODER.encode(resource))
          .as(resource.fhirType() + "/" + resource.getIdPart())
          .isEqualTo(compact.encodeResourceToString(resource));
    }
    Bundle bundle = graph.toBundle();
    assertThat(ENCODER.encode(bundle)).isEqualTo(compact.encodeResourceToString(bundle));
    assertThat(ENCODER.withPrettyPrint(true).encodeUtf8(bundle))
        .isEqualTo(hapi(true).encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8));
    assertThat(ENCODER.fallbackCount()).as("fallbacks to HAPI").isEqualTo(fallbacks);
  }

  /**
   * Beyond our own resources: HL7's R4 value sets, extension definitions and datatype profiles as
   * HAPI ships them (narratives, primitive extensions, comments from XML, most datatypes).
   */
  @TestFactory
  Stream<DynamicTest> hl7ConformanceResourcesShippedWithHapi() {
    return Stream.of(
            "valueset/valuesets.xml",
            "extension/extension-definitions.xml",
            "profile/profiles-types.xml")
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      Bundle bundle;
                      try (InputStream in =
                          getClass().getResourceAsStream("/org/hl7/fhir/r4/model/" + name)) {
                        bundle = (Bundle) Fhir.context().newXmlParser().parseResource(in);
                      }
                      assertThat(bundle.getEntry()).hasSizeGreaterThan(50);
                      long fallbacks = ENCODER.fallbackCount();
                      IParser compact = hapi(false);
                      IParser pretty = hapi(true);
                      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                        Resource resource = entry.getResource();
                        assertThat(ENCODER.encode(resource))
                            .as(resource.fhirType() + "/" + resource.getIdPart())
                            .isEqualTo(compact.encodeResourceToString(resource));
                        assertThat(ENCODER.withPrettyPrint(true).encode(resource))
                            .isEqualTo(pretty.encodeResourceToString(resource));
                      }
                      assertThat(ENCODER.encode(bundle))
                          .isEqualTo(compact.encodeResourceToString(bundle));
                      assertThat(ENCODER.fallbackCount()).isEqualTo(fallbacks);
                    }));
  }

  @Test
  void encodingLeavesTheResourceAsItWas() throws IOException {
    Patient patient = new Patient();
    patient.addName().setFamily("Smith").addGiven("Anna");
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:0b3a7e1c-3e2b-4ad2-9b9d-3c8c5a4e1f00")
        .setResource(patient);
    String json = ENCODER.encode(bundle);
    assertThat(patient.hasIdElement()).isFalse();
    // HAPI, for comparison, gives the entry's resource its urn fullUrl as id (not written).
    assertThat(hapi(false).encodeResourceToString(bundle)).isEqualTo(json);
    assertThat(patient.getIdElement().getValue()).startsWith("urn:uuid:");
  }

  @Test
  void concurrentEncodingGivesTheSameOutput() {
    List<Bundle> bundles =
        SharedData.files("v2").stream()
            .limit(64)
            .map(file -> StudyMapper.map(SharedData.study(file)).toBundle())
            .toList();
    List<String> expected =
        bundles.stream().map(b -> hapi(false).encodeResourceToString(b)).toList();
    List<String> actual = bundles.parallelStream().map(ENCODER::encode).toList();
    assertThat(actual).isEqualTo(expected);
  }

  // ----------------------------------------------------------------------------------------------
  // Primitives

  @Test
  void primitiveExtensionsOnRepeatingPrimitives() throws IOException {
    Patient patient = new Patient();
    patient.setId("p1");
    HumanName name = patient.addName().setFamily("Smith");
    name.addGiven("Anna");
    StringType onlyExtension = new StringType();
    onlyExtension.addExtension(EXT + "absent", new CodeType("unknown"));
    name.getGiven().add(onlyExtension);
    StringType both = new StringType("Maria");
    both.setId("g3");
    both.addExtension(EXT + "origin", new StringType("baptism"));
    name.getGiven().add(both);
    name.addGiven("Luise");
    StringType idOnly = new StringType("Eva");
    idOnly.setId("g5");
    name.getGiven().add(idOnly);
    name.getGiven().add(new StringType());
    assertEncodedWithoutFallback(patient);
    assertThat(ENCODER.encode(patient))
        .contains("\"given\":[\"Anna\",null,\"Maria\",\"Luise\",\"Eva\"]")
        .contains("\"_given\":[null,{\"extension\":");
  }

  @Test
  void commentsFromXmlAsHapiTreatsThemInJson() throws IOException {
    Patient patient = new Patient();
    patient.setId("c1");
    patient.getIdElement().getFormatCommentsPre().add("a comment on the id");
    HumanName name = patient.addName();
    name.addGivenElement().setValue("Anna").getFormatCommentsPre().add("only a comment");
    StringType withExtension = new StringType("Maria");
    withExtension.addExtension(EXT + "origin", new StringType("baptism"));
    name.getGiven().add(withExtension);
    name.addGiven("Eva");
    patient.getBirthDateElement().setValueAsString("1970");
    patient.getBirthDateElement().getFormatCommentsPost().add("single value: no effect");
    name.getFamilyElement().setValue("F").getFormatCommentsPre().add("composite: no effect");
    assertEncodedWithoutFallback(patient);
    assertThat(ENCODER.encode(patient))
        .contains("\"_id\":{}")
        .contains("\"_given\":[{},{\"extension\":")
        .endsWith("null]}],\"birthDate\":\"1970\"}");
  }

  @Test
  void primitiveIdsWithoutExtensionsInARepeatingPrimitive() throws IOException {
    Patient patient = new Patient();
    HumanName name = patient.addName();
    StringType idOnly = new StringType();
    idOnly.setId("g1");
    name.getGiven().add(idOnly);
    name.addGiven("Anna");
    assertEncodedWithoutFallback(patient);
  }

  @Test
  void primitiveExtensionsOnSinglePrimitives() throws IOException {
    Patient patient = new Patient();
    DateType birth = new DateType("1970-03");
    birth.addExtension(EXT + "precision", new CodeType("month"));
    birth.setId("b1");
    patient.setBirthDateElement(birth);
    patient.getGenderElement().addExtension(EXT + "reason", new StringType("not asked"));
    patient.setActiveElement(new BooleanType(true));
    Extension nested = new Extension(EXT + "nested");
    nested.addExtension(EXT + "part", new StringType("a"));
    patient.getActiveElement().addExtension(nested);
    assertEncodedWithoutFallback(patient);
    assertThat(ENCODER.encode(patient))
        .contains("\"_gender\":{\"extension\":")
        .contains("\"birthDate\":\"1970-03\",\"_birthDate\":{\"id\":\"b1\",\"extension\":");
  }

  @Test
  void extensionValuesWithTheirOwnExtensions() throws IOException {
    Organization organization = new Organization();
    StringType value = new StringType("x");
    value.addExtension(EXT + "translation", new StringType("ix"));
    organization.addExtension(EXT + "code", value);
    StringType onlyExtension = new StringType();
    onlyExtension.addExtension(EXT + "absent", new CodeType("masked"));
    organization.addExtension(EXT + "masked", onlyExtension);
    organization.setName("Org");
    assertEncodedWithoutFallback(organization);
    assertThat(ENCODER.encode(organization)).contains("\"_valueString\":{\"extension\":");
  }

  @Test
  void decimalsKeepTheirScaleAndNotation() throws IOException {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("weight");
    observation.setValue(new Quantity().setValueElement(new DecimalType("1.50")).setUnit("kg"));
    observation.addComponent().setValue(new Quantity().setValueElement(new DecimalType("1E+3")));
    observation.addComponent().setValue(new Quantity().setValueElement(new DecimalType("0.000")));
    observation.addComponent().setValue(new Quantity().setValueElement(new DecimalType("-0.1")));
    observation
        .addComponent()
        .setValue(new Quantity().setValue(new BigDecimal("12345678901234567890.123456789")));
    observation.addComponent().setValue(new IntegerType(-42));
    observation.addComponent().setValue(new IntegerType(0));
    observation.addComponent().setValue(new IntegerType(Integer.MIN_VALUE));
    observation.addComponent().setValue(new IntegerType(Integer.MAX_VALUE));
    observation.addComponent().setValue(new BooleanType(false));
    observation.addReferenceRange().setLow(new Quantity().setValueElement(new DecimalType("3")));
    assertEncodedWithoutFallback(observation);
    String json = ENCODER.encode(observation);
    assertThat(json)
        .contains("\"value\":1.50")
        .contains("\"value\":1E+3")
        .contains("\"value\":0.000")
        .contains("\"valueInteger\":-42")
        .contains("\"valueBoolean\":false");
  }

  @Test
  void numbersBooleansDatesAndInstantsAsHapiWritesThem() throws IOException {
    Group group = new Group();
    group.setId("g");
    group.setType(Group.GroupType.PERSON);
    group.setActual(false);
    group.setQuantityElement(new org.hl7.fhir.r4.model.UnsignedIntType(0));
    group
        .addCharacteristic()
        .setCode(new CodeableConcept().setText("age"))
        .setValue(new Range().setLow(new Quantity(18).setUnit("a")))
        .setExclude(false);
    group.getMeta().setLastUpdatedElement(new InstantType("2024-01-02T03:04:05.678+01:00"));
    group.getMeta().setVersionId("7");
    ResearchStudy study = new ResearchStudy();
    study.getPeriod().setStartElement(new DateTimeType("2021-05"));
    study.getPeriod().setEndElement(new DateTimeType("2021-05-06T07:08:09Z"));
    Extension limit = new Extension(EXT + "limit", new PositiveIntType(3));
    study.addExtension(limit);
    assertEncodedWithoutFallback(group);
    assertEncodedWithoutFallback(study);
  }

  @Test
  void stringsWithUnicodeAndControlCharacters() throws IOException {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    Organization organization = new Organization();
    organization.setName("quote \" backslash \\ slash / " + controls + " del \u007f");
    organization.addAlias("Zürich – Ärztehaus, 東京, Ελληνικά, \u2028\u2029, \ufeff, emoji 🧬🏥");
    organization.addAlias("tab\tnew\nline\r\n");
    organization.addAlias("   ");
    organization.addAlias("");
    assertEncodedWithoutFallback(organization);
    assertThat(ENCODER.encode(organization)).contains("\\u0000").contains("\\u001F");
  }

  @Test
  void questionMarksAndEveryEscapeInLongAndShortStrings() throws IOException {
    Organization organization = new Organization().setName("Why? \"Because\" \\ 12345678?");
    organization.addAlias("????????????????");
    organization.addAlias("a?b");
    organization.addAlias("0123456789abcdef\u0001 0123456789abcdef\"0123456789abcdef\\");
    organization.addAlias("https://example.org/search?q=a&b=c");
    assertEncodedWithoutFallback(organization);
  }

  @Test
  void aLoneSurrogateFallsBack() throws IOException {
    assertFallsBack(new Organization().setName("broken \ud83e text"));
    assertFallsBack(new Organization().setName("\udc00"));
    assertFallsBack(new Organization().setName("Zürich \ud83e"));
    assertFallsBack(new Organization().setName("low first \udd2c\ud83e?"));
  }

  // ----------------------------------------------------------------------------------------------
  // Structure

  @Test
  void choiceTypesEmptyElementsAndElementIds() throws IOException {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.PRELIMINARY);
    observation.setEffective(new DateTimeType("2020-01-01"));
    StringType value = new StringType("positive");
    value.addExtension(EXT + "confidence", new DecimalType("0.90"));
    observation.setValue(value);
    CodeableConcept code = observation.getCode();
    code.setId("c1");
    code.addCoding(); // empty: skipped
    code.addCoding().setSystem("http://loinc.org").setCode("1234-5");
    Coding onlyExtension = code.addCoding();
    onlyExtension.addExtension(new Extension(EXT + "no-value")); // skipped, leaving {}
    observation.addCategory(); // empty: skipped
    observation.addNote().setText(""); // blank: skipped
    observation.getSubject().setDisplay("someone");
    assertEncodedWithoutFallback(observation);
    assertThat(ENCODER.encode(observation))
        .contains("\"valueString\":\"positive\",\"_valueString\":{")
        .contains("\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1234-5\"},{}]")
        .doesNotContain("category")
        .doesNotContain("note");
  }

  @Test
  void extensionsAndModifierExtensionsInHapisPlace() throws IOException {
    ResearchStudy study = new ResearchStudy();
    study.setId("NCT00000001");
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    study.addModifierExtension(new Extension(EXT + "not-really", new BooleanType(true)));
    Extension complex = new Extension(EXT + "complex");
    complex.setId("e1");
    complex.addExtension("kind", new CodeType("primary"));
    complex.addExtension("date", new DateType("2020-02-02"));
    complex.addExtension(new Extension("empty")); // skipped at the top level only
    study.addExtension(complex.getExtension().get(0).copy());
    study.addExtension(new Extension(EXT + "url-only")); // skipped
    study.addExtension(EXT + "reference", new Reference("Organization/org-1").setDisplay("Org"));
    study
        .addArm()
        .setName("A")
        .addModifierExtension(new Extension(EXT + "arm-flag", new BooleanType(false)));
    study.getArmFirstRep().addExtension(EXT + "plan", new Reference("PlanDefinition/p-1"));
    assertEncodedWithoutFallback(study);
    String json = ENCODER.encode(study);
    assertThat(json.indexOf("\"extension\"")).isLessThan(json.indexOf("\"modifierExtension\""));
    assertThat(json.indexOf("\"modifierExtension\"")).isLessThan(json.indexOf("\"status\""));
  }

  @Test
  void nestedEmptyExtensionFallsBack() throws IOException {
    ResearchStudy study = new ResearchStudy();
    Extension complex = new Extension(EXT + "complex");
    complex.addExtension("kind", new CodeType("primary"));
    complex.addExtension(new Extension("empty")); // HAPI reports it and writes the url alone
    study.addExtension(complex);
    assertFallsBack(study);
  }

  @Test
  void extensionWithValueAndNestedExtensionsFallsBack() throws IOException {
    ResearchStudy study = new ResearchStudy();
    Extension both = new Extension(EXT + "both", new StringType("v"));
    both.addExtension("part", new StringType("p"));
    study.addExtension(both);
    // HAPI refuses it; through the fallback, so does the encoder, with HAPI's message.
    assertThatThrownBy(() -> hapi(false).encodeResourceToString(study))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("both a value and nested extensions");
    long fallbacks = ENCODER.fallbackCount();
    assertThatThrownBy(() -> ENCODER.encode(study))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("both a value and nested extensions");
    assertThat(ENCODER.fallbackCount()).isEqualTo(fallbacks + 1);
  }

  @Test
  void narrativeIsWrittenAsHapiWritesIt() throws IOException {
    Patient patient = new Patient();
    patient.setId("n1");
    patient.getText().setStatus(Narrative.NarrativeStatus.GENERATED);
    patient
        .getText()
        .setDivAsString(
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Anna &amp; \"B\"</p></div>");
    patient.addName().setFamily("B");
    assertEncodedWithoutFallback(patient);
  }

  @Test
  void metaAsHapiEncodesIt() throws IOException {
    Patient versioned = new Patient();
    versioned.setId(new IdType("Patient", "p1", "3"));
    versioned.getMeta().addProfile("http://example.org/profile");
    versioned.getMeta().addTag().setDisplay("no system, no code"); // dropped by HAPI
    versioned.getMeta().addTag().setSystem("http://example.org/tags").setCode("t");
    versioned.getMeta().addSecurity().setDisplay("dropped");
    assertEncodedWithoutFallback(versioned);
    assertThat(ENCODER.encode(versioned))
        .contains("\"versionId\":\"3\"")
        .doesNotContain("no system")
        .doesNotContain("dropped");

    Patient bare = new Patient();
    bare.setId(new IdType("http://example.org/fhir/Patient/p2/_history/9"));
    assertEncodedWithoutFallback(bare);

    Patient urn = new Patient();
    urn.setId("urn:uuid:0b3a7e1c-3e2b-4ad2-9b9d-3c8c5a4e1f00");
    urn.setActive(true);
    assertEncodedWithoutFallback(urn);
  }

  @Test
  void bundleEntriesWithNestedResources() throws IOException {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(3);
    bundle.setId("b1");
    bundle.addLink().setRelation("self").setUrl("http://example.org/fhir/Patient?name=x");
    Patient patient = new Patient();
    patient.setId("p1");
    patient.addName().setFamily("X");
    bundle
        .addEntry()
        .setFullUrl("http://example.org/fhir/Patient/p1")
        .setResource(patient)
        .getSearch()
        .setMode(Bundle.SearchEntryMode.MATCH)
        .setScore(new BigDecimal("0.80"));
    bundle.addEntry().setFullUrl("urn:uuid:1").setResource(new Patient()); // empty: skipped
    Organization organization = new Organization().setName("O");
    bundle.addEntry().setFullUrl("urn:uuid:2").setResource(organization);
    Bundle inner = new Bundle().setType(Bundle.BundleType.COLLECTION);
    inner.addEntry().setResource(new Organization().setName("inner"));
    bundle.addEntry().setResource(inner);
    assertEncodedWithoutFallback(bundle);
  }

  @Test
  void referencesAsHapiWritesThem() throws IOException {
    ResearchStudy study = new ResearchStudy();
    study.addSite(new Reference("Location/loc-1"));
    study.addSite(new Reference("http://example.org/fhir/Location/loc-2"));
    study.addSite(new Reference("urn:uuid:0b3a7e1c-3e2b-4ad2-9b9d-3c8c5a4e1f00"));
    study.addSite(new Reference().setDisplay("display only"));
    study.addSite(new Reference("Location?identifier=x"));
    assertEncodedWithoutFallback(study);
  }

  // ----------------------------------------------------------------------------------------------
  // Fallbacks: what the encoder leaves to HAPI

  @Test
  void containedResourcesFallBack() throws IOException {
    ResearchStudy study = new ResearchStudy();
    Organization sponsor = new Organization().setName("Sponsor");
    sponsor.setId("sp");
    study.addContained(sponsor);
    study.setSponsor(new Reference("#sp"));
    assertFallsBack(study);
  }

  @Test
  void versionedReferencesFallBack() throws IOException {
    ResearchStudy study = new ResearchStudy();
    study.setSponsor(new Reference("Organization/org-1/_history/2"));
    assertFallsBack(study);
    assertThat(ENCODER.encode(study)).contains("\"Organization/org-1\"");
  }

  @Test
  void referencesToResourceObjectsFallBack() throws IOException {
    Organization sponsor = new Organization().setName("Sponsor");
    sponsor.setId("Organization/org-9");
    ResearchStudy study = new ResearchStudy();
    study.setSponsor(new Reference(sponsor));
    assertFallsBack(study);
  }

  @Test
  void extensionsWithoutUrlFallBack() throws IOException {
    Patient patient = new Patient();
    patient.addExtension(new Extension().setValue(new UriType("http://x")));
    assertFallsBack(patient);
  }

  @Test
  void customModelClassesFallBack() throws IOException {
    assertFallsBack(new CustomPatient().setGender(AdministrativeGender.FEMALE));
  }

  /** A user subclass of a model class: HAPI scans it; the encoder leaves it to HAPI. */
  @ca.uhn.fhir.model.api.annotation.ResourceDef(name = "Patient")
  public static class CustomPatient extends Patient {
    private static final long serialVersionUID = 1L;
  }

  // ----------------------------------------------------------------------------------------------
  // Server base URL (as a HAPI server sets it on every response's parser)

  @Test
  void withAServerBaseReferencesOnItBecomeRelativeAsHapiWritesThem() throws IOException {
    String base = "http://example.org/fhir";
    ResearchStudy study = new ResearchStudy();
    study.setId("NCT00000001");
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    study.addSite().setReference("Location/loc-1");
    study.addSite().setReference("http://elsewhere.example.org/fhir/Location/loc-2");
    study.addExtension(EXT + "note", new StringType("kept"));
    FhirJsonEncoder encoder = ENCODER.withServerBaseUrl(base);
    assertThat(encoder.serverBaseUrl()).isEqualTo(base);
    assertThat(ENCODER.withServerBaseUrl(" ").serverBaseUrl()).isNull();
    IParser hapi = Fhir.context().newJsonParser().setServerBaseUrl(base);
    long fallbacks = ENCODER.fallbackCount();
    assertThat(encoder.encode(study)).isEqualTo(hapi.encodeResourceToString(study));
    assertThat(ENCODER.fallbackCount()).isEqualTo(fallbacks);

    // A reference on the base itself, and a relative extension URL: HAPI rewrites both.
    study.addSite().setReference(base + "/Location/loc-3");
    study.addExtension("/StructureDefinition/relative", new StringType("x"));
    String expected = hapi.encodeResourceToString(study);
    assertThat(expected).contains("\"reference\":\"Location/loc-3\"");
    assertThat(encoder.encode(study)).isEqualTo(expected);
    assertThat(encoder.withPrettyPrint(true).encode(study))
        .isEqualTo(
            Fhir.context()
                .newJsonParser()
                .setServerBaseUrl(base)
                .setPrettyPrint(true)
                .encodeResourceToString(study));
    assertThat(ENCODER.fallbackCount()).isGreaterThan(fallbacks);
    // Without a base, the same resource is written as HAPI writes it without one.
    assertSameAsHapi(study);
  }
}
