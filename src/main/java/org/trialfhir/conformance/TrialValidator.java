package org.trialfhir.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialProfile;

/**
 * Validates FHIR R4 resources against R4 core and our conformance resources, fully offline.
 *
 * <p>HAPI's {@link FhirInstanceValidator} runs on a {@link ValidationSupportChain} of: R4 core
 * definitions ({@link DefaultProfileValidationSupport}); our profiles, extensions, code systems and
 * value sets ({@link PrePopulatedValidationSupport}); {@link SnapshotGeneratingValidationSupport},
 * because our StructureDefinitions are differential only; {@link
 * InMemoryTerminologyServerValidationSupport} and {@link CommonCodeSystemsTerminologyService} for
 * codes (terminology checks stay on, so required bindings are enforced); and last {@link
 * UnknownCodeSystemWarningValidationSupport}, which turns a code system that nothing here knows
 * (MeSH, for instance) into a warning instead of an error. No remote terminology server is used. An
 * extension that cannot be resolved is an error (every extension we write is published).
 *
 * <p>Building one is expensive: HAPI loads all of R4 core and we generate the snapshots of our
 * differential-only StructureDefinitions, about 10 s of CPU on the building thread (about 20 s of
 * process CPU with the JIT, 15 to 25 s wall on two busy cores). The constructor warms the validator
 * up; build it once and share it. Afterwards one resource costs about 15 to 20 ms of CPU.
 * Validation is thread-safe: HAPI's {@link FhirValidator} is documented thread-safe, {@link
 * FhirInstanceValidator} makes a fresh validator per call over the shared (caching) support chain,
 * and its lazily built worker context is built by the warm-up, before the instance is shared.
 *
 * <p>Known limits (HAPI 8.6.5): every resource without narrative gets HAPI's best-practice warning
 * dom-6; and validating an extension's StructureDefinition itself is not offline (HAPI's checks of
 * its element contexts try to download other FHIR versions' core packages and then report an
 * error), so validate instances, not our extension definitions.
 */
public final class TrialValidator {
  private static final Logger LOG = LoggerFactory.getLogger(TrialValidator.class);

  private final FhirContext fhirContext;
  private final FhirValidator validator;

  /** A validator with the conformance resources published in the jar ({@code profiles/}). */
  public TrialValidator() {
    this(ConformanceResources.loadPublished());
  }

  /**
   * A validator with the given conformance resources (R4 model objects: StructureDefinitions,
   * CodeSystems, ValueSets, SearchParameters).
   *
   * @throws IllegalStateException if one of our StructureDefinitions cannot be given a snapshot
   */
  public TrialValidator(Collection<? extends IBaseResource> conformanceResources) {
    long start = System.nanoTime();
    fhirContext = ConformanceResources.fhirContext();

    DefaultProfileValidationSupport core = new DefaultProfileValidationSupport(fhirContext);
    SnapshotGeneratingValidationSupport snapshots =
        new SnapshotGeneratingValidationSupport(fhirContext);
    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
    withSnapshots(conformanceResources, core, snapshots).forEach(ours::addResource);

    UnknownCodeSystemWarningValidationSupport unknownCodeSystems =
        new UnknownCodeSystemWarningValidationSupport(fhirContext);
    unknownCodeSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
    ValidationSupportChain chain =
        new ValidationSupportChain(
            core,
            ours,
            snapshots,
            new InMemoryTerminologyServerValidationSupport(fhirContext),
            new CommonCodeSystemsTerminologyService(fhirContext),
            unknownCodeSystems);

    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    instanceValidator.setNoTerminologyChecks(false);
    // Every extension we write is published; one that cannot be resolved is a typo or a missing
    // definition, so an error (HAPI's default only mentions it as information).
    instanceValidator.setAnyExtensionsAllowed(false);
    // Best-practice recommendations (dom-6: "a resource should have narrative") are not
    // conformance; our resources carry no narrative by design (clients render the data).
    instanceValidator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
    validator = fhirContext.newValidator();
    validator.setValidateAgainstStandardSchema(false);
    validator.setValidateAgainstStandardSchematron(false);
    validator.registerValidatorModule(instanceValidator);

    validate(warmUpResource());
    LOG.info(
        "validator ready in {} ms ({} conformance resources)",
        (System.nanoTime() - start) / 1_000_000,
        conformanceResources.size());
  }

  /**
   * The resources with a snapshot generated for each differential-only StructureDefinition, once,
   * here, rather than on first use; fails if one cannot be generated.
   */
  private List<IBaseResource> withSnapshots(
      Collection<? extends IBaseResource> resources,
      DefaultProfileValidationSupport core,
      SnapshotGeneratingValidationSupport snapshots) {
    PrePopulatedValidationSupport differentials = new PrePopulatedValidationSupport(fhirContext);
    resources.forEach(differentials::addResource);
    ValidationSupportChain bootstrap = new ValidationSupportChain(core, differentials, snapshots);
    ValidationSupportContext context = new ValidationSupportContext(bootstrap);
    List<IBaseResource> result = new ArrayList<>();
    for (IBaseResource resource : resources) {
      if (resource instanceof StructureDefinition sd && !sd.hasSnapshot()) {
        IBaseResource generated =
            bootstrap.generateSnapshot(context, sd, sd.getUrl(), sd.getUrl(), sd.getName());
        if (!(generated instanceof StructureDefinition withSnapshot)
            || !withSnapshot.hasSnapshot()) {
          throw new IllegalStateException("no snapshot could be generated for " + sd.getUrl());
        }
        result.add(withSnapshot);
      } else {
        result.add(resource);
      }
    }
    return result;
  }

  /** The R4 context the validator parses with. */
  public FhirContext fhirContext() {
    return fhirContext;
  }

  /**
   * Validates one resource; a Bundle is validated with its entries (each against R4 core and the
   * profiles it claims in {@code meta.profile}).
   *
   * @return every issue, information included, in the validator's order
   */
  public List<ValidationIssue> validate(IBaseResource resource) {
    return issues(validator.validateWithResult(resource));
  }

  /**
   * Validates one resource given as FHIR JSON (or XML) text. Unlike parsing first, this also
   * reports elements that the parser would drop, such as unknown properties.
   */
  public List<ValidationIssue> validate(String resourceText) {
    return issues(validator.validateWithResult(resourceText));
  }

  private static List<ValidationIssue> issues(ValidationResult result) {
    List<ValidationIssue> issues = new ArrayList<>();
    for (SingleValidationMessage m : result.getMessages()) {
      issues.add(new ValidationIssue(severity(m), m.getLocationString(), m.getMessage()));
    }
    return issues;
  }

  private static ValidationIssue.Severity severity(SingleValidationMessage message) {
    if (message.getSeverity() == null) {
      return ValidationIssue.Severity.INFORMATION;
    }
    return switch (message.getSeverity()) {
      case FATAL -> ValidationIssue.Severity.FATAL;
      case ERROR -> ValidationIssue.Severity.ERROR;
      case WARNING -> ValidationIssue.Severity.WARNING;
      case INFORMATION -> ValidationIssue.Severity.INFORMATION;
    };
  }

  /** A small ResearchStudy that touches our profile, an extension and a code system. */
  private static ResearchStudy warmUpResource() {
    ResearchStudy study = new ResearchStudy();
    study.setId("NCT00000000");
    study.getMeta().addProfile(TrialProfile.RESEARCH_STUDY.url());
    study.addIdentifier().setSystem(Canonical.NCT_SYSTEM).setValue("NCT00000000");
    study.setTitle("Warm-up");
    study.setStatus(ResearchStudyStatus.ACTIVE);
    study
        .addExtension()
        .setUrl(TrialExtension.OVERALL_STATUS.url())
        .setValue(
            new Coding(
                Canonical.codeSystem(CtgovVocabulary.OVERALL_STATUS.id()), "RECRUITING", null));
    return study;
  }
}
