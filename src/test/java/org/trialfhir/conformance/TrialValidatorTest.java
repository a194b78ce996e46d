package org.trialfhir.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactDetail;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialProfile;

/** The offline validator on real R4 resources shaped like the mapper's output. */
class TrialValidatorTest {
  private static final String NCT = "NCT01234567";

  private final TrialValidator validator = SharedValidator.get();

  @Test
  void aTrialGraphValidatesWithoutErrors() {
    for (Resource resource : graph()) {
      assertThat(errors(validator.validate(resource)))
          .as(resource.getIdElement().getValue())
          .isEmpty();
    }
  }

  @Test
  void aBundleValidatesItsEntries() {
    Bundle bundle = bundle(graph());
    assertThat(errors(validator.validate(bundle))).isEmpty();

    ResearchStudy bad = study();
    bad.setId("NCT07654321");
    bad.setTitle(null);
    bundle
        .addEntry()
        .setFullUrl("https://trialfhir.org/fhir/ResearchStudy/NCT07654321")
        .setResource(bad);

    List<ValidationIssue> errors = errors(validator.validate(bundle));
    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .allSatisfy(e -> assertThat(e.entryIndex()).hasValue(bundle.getEntry().size() - 1));
    assertThat(errors).anySatisfy(e -> assertThat(e.message()).contains("ResearchStudy.title"));
  }

  @Test
  void meshCodesAreAWarningNotAnError() {
    List<ValidationIssue> issues = validator.validate(study());

    assertThat(errors(issues)).isEmpty();
    assertThat(issues)
        .anySatisfy(
            i -> {
              assertThat(i.severity()).isEqualTo(ValidationIssue.Severity.WARNING);
              assertThat(i.message()).contains(Canonical.MESH);
            });
  }

  @Test
  void aBogusStatusIsAnError() {
    // HAPI's model refuses unknown enum codes unless the parser is told to keep them.
    IParser lenient =
        validator
            .fhirContext()
            .newJsonParser()
            .setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));
    ResearchStudy study =
        lenient.parseResource(
            ResearchStudy.class,
            "{\"resourceType\":\"ResearchStudy\",\"id\":\"x\",\"status\":\"bogus\"}");
    assertThat(study.getStatusElement().getValueAsString()).isEqualTo("bogus");

    assertThat(errors(validator.validate(study)))
        .anySatisfy(e -> assertThat(e.location()).isEqualTo("ResearchStudy.status"));
    assertThat(
            errors(validator.validate("{\"resourceType\":\"ResearchStudy\",\"status\":\"bogus\"}")))
        .anySatisfy(e -> assertThat(e.location()).isEqualTo("ResearchStudy.status"));
  }

  @Test
  void anOverallStatusCodeOutsideItsCodeSystemIsAnError() {
    ResearchStudy study = study();
    Coding coding =
        (Coding) study.getExtensionByUrl(TrialExtension.OVERALL_STATUS.url()).getValue();
    coding.setCode("NOT_A_STATUS");

    List<ValidationIssue> errors = errors(validator.validate(study));
    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .allSatisfy(e -> assertThat(e.location()).startsWith("ResearchStudy.extension["));
    assertThat(errors).anySatisfy(e -> assertThat(e.message()).contains("NOT_A_STATUS"));
  }

  @Test
  void anExtensionOutsideItsContextIsAnError() {
    Group group = group();
    group.addExtension(overallStatus("RECRUITING"));

    assertThat(errors(validator.validate(group)))
        .anySatisfy(
            e -> assertThat(e.message()).contains("is not allowed to be used at this point"));
  }

  @Test
  void aComplexExtensionWithoutARequiredPartIsAnError() {
    ResearchStudy study = study();
    study.getExtensionByUrl(TrialExtension.STUDY_OFFICIAL.url()).getExtension().remove(0);

    assertThat(errors(validator.validate(study)))
        .anySatisfy(e -> assertThat(e.message()).contains("practitioner"));
  }

  @Test
  void anUnknownExtensionIsAnError() {
    ResearchStudy study = study();
    study.addExtension(Canonical.structureDefinition("no-such-extension"), new StringType("x"));

    assertThat(errors(validator.validate(study)))
        .anySatisfy(e -> assertThat(e.message()).contains("no-such-extension"));
  }

  @Test
  void profileConstraintsAreEnforced() {
    Group actual = group();
    actual.setActual(true);
    PlanDefinition untyped = plan();
    untyped.setType(null);
    Location unnamed = location();
    unnamed.setName(null);

    assertThat(errors(validator.validate(actual)))
        .anySatisfy(e -> assertThat(e.location()).isEqualTo("Group.actual"));
    assertThat(errors(validator.validate(untyped)))
        .anySatisfy(e -> assertThat(e.message()).contains("PlanDefinition.type"));
    assertThat(errors(validator.validate(unnamed)))
        .anySatisfy(e -> assertThat(e.message()).contains("Location.name"));
  }

  @Test
  void ourCodeSystemsValueSetsAndProfilesAreValidR4() {
    // Extension StructureDefinitions are left out: HAPI 8.6.5's StructureDefinition checks look
    // their element contexts up in other FHIR versions' packages, which needs the network.
    for (MetadataResource resource : ConformanceResources.generate()) {
      boolean extension =
          resource instanceof StructureDefinition sd && "Extension".equals(sd.getType());
      if (!extension) {
        assertThat(errors(validator.validate(resource)))
            .as(ConformanceResources.fileName(resource))
            .isEmpty();
      }
    }
  }

  @Test
  void concurrentValidationGivesTheSameAnswers() throws Exception {
    ResearchStudy bad = study();
    ((Coding) bad.getExtensionByUrl(TrialExtension.OVERALL_STATUS.url()).getValue())
        .setCode("NOT_A_STATUS");
    List<IBaseResource> inputs = List.of(study(), bad, group(), plan());
    List<List<ValidationIssue>> expected = inputs.stream().map(validator::validate).toList();

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<List<ValidationIssue>>>> runs =
          IntStream.range(0, 4)
              .mapToObj(i -> pool.submit(() -> inputs.stream().map(validator::validate).toList()))
              .toList();
      for (Future<List<List<ValidationIssue>>> run : runs) {
        assertThat(run.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static List<ValidationIssue> errors(List<ValidationIssue> issues) {
    return issues.stream().filter(ValidationIssue::isError).toList();
  }

  // ---- a small trial graph, as the mapper will emit it ----

  static List<Resource> graph() {
    return List.of(study(), group(), plan(), location(), organization(), practitioner());
  }

  static Bundle bundle(List<Resource> resources) {
    Bundle bundle = new Bundle();
    bundle.setType(Bundle.BundleType.COLLECTION);
    for (Resource resource : resources) {
      bundle
          .addEntry()
          .setFullUrl("https://trialfhir.org/fhir/" + resource.getIdElement().getValue())
          .setResource(resource);
    }
    return bundle;
  }

  static ResearchStudy study() {
    ResearchStudy study = new ResearchStudy();
    study.setId("ResearchStudy/" + NCT);
    study.getMeta().addProfile(TrialProfile.RESEARCH_STUDY.url());
    study
        .addIdentifier()
        .setUse(Identifier.IdentifierUse.OFFICIAL)
        .setSystem(Canonical.NCT_SYSTEM)
        .setValue(NCT);
    study.setTitle("A study of drug X in type 2 diabetes");
    study.setStatus(ResearchStudyStatus.ACTIVE);
    study.addExtension(overallStatus("RECRUITING"));
    study.addExtension(
        complex(
            TrialExtension.STUDY_OFFICIAL,
            part("practitioner", new Reference("Practitioner/p1")),
            part("role", coding(CtgovVocabulary.OFFICIAL_ROLE, "PRINCIPAL_INVESTIGATOR"))));
    study.addExtension(
        complex(
            TrialExtension.STUDY_DATE,
            part(
                "kind", new Coding(LocalCode.STUDY_DATE_KIND.system(), "primary-completion", null)),
            part("date", new DateTimeType("2026-06")),
            part("type", coding(CtgovVocabulary.DATE_TYPE, "ESTIMATED"))));
    study.addExtension(TrialExtension.HAS_RESULTS.url(), new BooleanType(false));
    study.setPhase(
        new CodeableConcept(new Coding(Canonical.RESEARCH_STUDY_PHASE, "phase-2", "Phase 2")));
    study.addCondition(
        new CodeableConcept(new Coding(Canonical.MESH, "D003924", "Diabetes Mellitus, Type 2"))
            .setText("Type 2 Diabetes"));
    DateTimeType start = new DateTimeType("2024-03-01");
    start.addExtension(TrialExtension.DATE_TYPE.url(), coding(CtgovVocabulary.DATE_TYPE, "ACTUAL"));
    study.getPeriod().setStartElement(start);
    study.addEnrollment(new Reference("Group/" + NCT + "-eligibility"));
    study.setSponsor(new Reference("Organization/o1"));
    Reference site = new Reference("Location/l1");
    site.addExtension(
        TrialExtension.SITE_STATUS.url(), coding(CtgovVocabulary.SITE_STATUS, "RECRUITING"));
    site.addExtension(
        complex(
            TrialExtension.SITE_CONTACT,
            part("role", coding(CtgovVocabulary.CONTACT_ROLE, "CONTACT")),
            part(
                "contact",
                new ContactDetail()
                    .setName("Study desk")
                    .addTelecom(
                        new ContactPoint()
                            .setSystem(ContactPoint.ContactPointSystem.EMAIL)
                            .setValue("desk@example.org")))));
    study.addSite(site);
    study
        .addArm()
        .setName("Drug X")
        .getExtension()
        .add(
            new Extension(
                TrialExtension.ARM_PLAN.url(), new Reference("PlanDefinition/" + NCT + "-arm-1")));
    return study;
  }

  static Group group() {
    Group group = new Group();
    group.setId("Group/" + NCT + "-eligibility");
    group.getMeta().addProfile(TrialProfile.ELIGIBILITY_GROUP.url());
    group.setType(Group.GroupType.PERSON);
    group.setActual(false);
    group.getQuantityElement().setValue(120);
    group
        .getQuantityElement()
        .addExtension(
            TrialExtension.ENROLLMENT_TYPE.url(),
            coding(CtgovVocabulary.ENROLLMENT_TYPE, "ESTIMATED"));
    group.addExtension(
        TrialExtension.ELIGIBILITY_CRITERIA.url(),
        new MarkdownType("Inclusion Criteria:\n\n* Adults"));
    Group.GroupCharacteristicComponent age = group.addCharacteristic();
    age.setCode(
        new CodeableConcept(
            new Coding(LocalCode.ELIGIBILITY_CHARACTERISTIC.system(), "age", "Age")));
    SimpleQuantity eighteen = new SimpleQuantity();
    eighteen.setValue(new BigDecimal(18)).setUnit("years").setSystem(Canonical.UCUM).setCode("a");
    age.setValue(new Range().setLow(eighteen));
    age.setExclude(false);
    age.addExtension(
        complex(
            TrialExtension.CHARACTERISTIC_SOURCE,
            part(
                "method",
                new Coding(LocalCode.CHARACTERISTIC_METHOD.system(), "structured", null))));
    return group;
  }

  static PlanDefinition plan() {
    PlanDefinition plan = new PlanDefinition();
    plan.setId("PlanDefinition/" + NCT + "-arm-1");
    plan.getMeta().addProfile(TrialProfile.ARM_PLAN.url());
    plan.setStatus(PublicationStatus.ACTIVE);
    plan.setTitle("Drug X");
    plan.setType(
        new CodeableConcept(new Coding(Canonical.PLAN_DEFINITION_TYPE, "clinical-protocol", null)));
    PlanDefinition.PlanDefinitionActionComponent action = plan.addAction().setTitle("Drug X");
    action.addExtension(
        TrialExtension.INTERVENTION_TYPE.url(), coding(CtgovVocabulary.INTERVENTION_TYPE, "DRUG"));
    action.addExtension(TrialExtension.INTERVENTION_OTHER_NAME.url(), new StringType("X-123"));
    return plan;
  }

  static Location location() {
    Location location = new Location();
    location.setId("Location/l1");
    location.getMeta().addProfile(TrialProfile.SITE_LOCATION.url());
    location.setName("City Hospital");
    location.getAddress().setCity("Boston").setCountry("United States");
    location.getPosition().setLatitude(42.36).setLongitude(-71.06);
    return location;
  }

  static Organization organization() {
    Organization organization = new Organization();
    organization.setId("Organization/o1");
    organization.getMeta().addProfile(TrialProfile.ORGANIZATION.url());
    organization.setName("Example Pharma");
    return organization;
  }

  static Practitioner practitioner() {
    Practitioner practitioner = new Practitioner();
    practitioner.setId("Practitioner/p1");
    practitioner.getMeta().addProfile(TrialProfile.PRACTITIONER.url());
    practitioner.addName().setText("Jane Doe, MD");
    practitioner.addExtension(TrialExtension.AFFILIATION.url(), new Reference("Organization/o1"));
    return practitioner;
  }

  static Extension overallStatus(String code) {
    return new Extension(
        TrialExtension.OVERALL_STATUS.url(), coding(CtgovVocabulary.OVERALL_STATUS, code));
  }

  private static Coding coding(CtgovVocabulary vocabulary, String code) {
    return new Coding(Canonical.codeSystem(vocabulary.id()), code, vocabulary.display(code));
  }

  private static Extension complex(TrialExtension extension, Extension... parts) {
    Extension complex = new Extension(extension.url());
    for (Extension part : parts) {
      complex.addExtension(part);
    }
    return complex;
  }

  private static Extension part(String name, Type value) {
    return new Extension(name, value);
  }
}
