package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.hl7.fhir.r4.model.RelatedArtifact.RelatedArtifactType;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UrlType;
import org.trialfhir.ctgov.CtgovValues;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.ctgov.Study;

/**
 * Study → TrialGraph: a pure, deterministic function (no I/O, no clock). The mapping decisions are
 * the contract in DESIGN.md ("Mapping decisions"); each section below names its source path.
 *
 * <p>The study must have passed {@code StudyChecker} (an NCT id, a brief title, valid dates).
 */
public final class StudyMapper {
  private static final Map<String, String> PRIMARY_PURPOSE = new LinkedHashMap<>();

  static {
    PRIMARY_PURPOSE.put("TREATMENT", "treatment");
    PRIMARY_PURPOSE.put("PREVENTION", "prevention");
    PRIMARY_PURPOSE.put("DIAGNOSTIC", "diagnostic");
    PRIMARY_PURPOSE.put("SUPPORTIVE_CARE", "supportive-care");
    PRIMARY_PURPOSE.put("SCREENING", "screening");
    PRIMARY_PURPOSE.put("HEALTH_SERVICES_RESEARCH", "health-services-research");
    PRIMARY_PURPOSE.put("BASIC_SCIENCE", "basic-science");
    PRIMARY_PURPOSE.put("DEVICE_FEASIBILITY", "device-feasibility");
  }

  private StudyMapper() {}

  public static TrialGraph map(Study study) {
    String nctId = study.nctId();
    Study.ProtocolSection protocol = study.protocolSection();
    ResearchStudy rs = new ResearchStudy();
    rs.setId(nctId);

    identification(protocol.identificationModule(), rs);
    status(protocol.statusModule(), rs);
    rs.setPhase(
        PhaseMapper.map(protocol.designModule() == null ? null : protocol.designModule().phases()));
    design(protocol.designModule(), rs);
    conditions(study, rs);
    description(protocol.descriptionModule(), rs);
    contacts(protocol.contactsLocationsModule(), rs);
    outcomes(protocol.outcomesModule(), rs);
    references(study, rs);
    oversight(protocol.oversightModule(), rs);
    ipdSharing(protocol.ipdSharingStatementModule(), rs);

    Group eligibility = EligibilityMapper.map(study);
    rs.addEnrollment(
        new Reference("Group/" + eligibility.getId()).setDisplay(eligibility.getName()));
    var plans = ArmMapper.map(study, rs);
    var locations = SiteMapper.map(study, rs);
    PartyMapper parties = new PartyMapper(nctId);
    parties.map(study, rs);
    countries(protocol.contactsLocationsModule(), rs);

    TrialGraph graph =
        new TrialGraph(
            rs, eligibility, plans, locations, parties.organizations(), parties.practitioners());
    InstantType lastUpdated = lastUpdated(protocol.statusModule());
    for (Resource resource : graph.resources()) {
      Meta meta = resource.getMeta();
      meta.setLastUpdatedElement(lastUpdated == null ? null : lastUpdated.copy());
      boolean shared =
          resource.getResourceType().name().equals("Location")
              || resource.getResourceType().name().equals("Organization");
      if (!shared) {
        meta.setSource(Canonical.studyPage(nctId));
      }
      meta.addProfile(profileOf(resource).url());
    }
    return graph;
  }

  /** The profile a resource of the graph claims. */
  static TrialProfile profileOf(Resource resource) {
    return switch (resource.getResourceType()) {
      case ResearchStudy -> TrialProfile.RESEARCH_STUDY;
      case Group -> TrialProfile.ELIGIBILITY_GROUP;
      case PlanDefinition -> TrialProfile.ARM_PLAN;
      case Location -> TrialProfile.SITE_LOCATION;
      case Organization -> TrialProfile.ORGANIZATION;
      case Practitioner -> TrialProfile.PRACTITIONER;
      default ->
          throw new IllegalArgumentException(
              "not part of a trial graph: " + resource.getResourceType());
    };
  }

  // identificationModule → identifier, title, official-title, acronym
  private static void identification(Study.IdentificationModule id, ResearchStudy rs) {
    rs.addIdentifier()
        .setUse(Identifier.IdentifierUse.OFFICIAL)
        .setSystem(Canonical.NCT_SYSTEM)
        .setValue(id.nctId());
    if (id.nctIdAliases() != null) {
      for (String alias : id.nctIdAliases()) {
        rs.addIdentifier()
            .setUse(Identifier.IdentifierUse.OLD)
            .setSystem(Canonical.NCT_SYSTEM)
            .setValue(alias);
      }
    }
    Study.OrgStudyIdInfo org = id.orgStudyIdInfo();
    if (org != null && org.id() != null) {
      Identifier identifier =
          rs.addIdentifier()
              .setUse(Identifier.IdentifierUse.SECONDARY)
              .setType(new CodeableConcept().setText("Organization's unique protocol ID"))
              .setValue(org.id());
      if (id.organization() != null && id.organization().displayName() != null) {
        identifier.getAssigner().setDisplay(id.organization().displayName());
      }
    }
    if (id.secondaryIdInfos() != null) {
      for (Study.SecondaryIdInfo secondary : id.secondaryIdInfos()) {
        if (secondary.id() == null) {
          continue;
        }
        Identifier identifier =
            rs.addIdentifier().setUse(Identifier.IdentifierUse.SECONDARY).setValue(secondary.id());
        if (secondary.type() != null) {
          identifier.setType(
              Codings.registryConcept(CtgovVocabulary.SECONDARY_ID_TYPE, secondary.type()));
        }
        if (secondary.domain() != null) {
          identifier.getAssigner().setDisplay(secondary.domain());
        }
      }
    }
    rs.setTitle(id.briefTitle());
    if (id.officialTitle() != null) {
      rs.addExtension(
          Codings.extension(TrialExtension.OFFICIAL_TITLE, new StringType(id.officialTitle())));
    }
    if (id.acronym() != null) {
      rs.addExtension(Codings.extension(TrialExtension.ACRONYM, new StringType(id.acronym())));
    }
  }

  // statusModule → status (crosswalk), overall-status, last-known-status, period, study dates,
  // reasonStopped, expanded-access
  private static void status(Study.StatusModule status, ResearchStudy rs) {
    rs.setStatus(StatusCrosswalk.toR4(status.overallStatus()));
    rs.addExtension(
        Codings.extension(
            TrialExtension.OVERALL_STATUS,
            Codings.registryOrText(CtgovVocabulary.OVERALL_STATUS, status.overallStatus())));
    if (status.lastKnownStatus() != null) {
      rs.addExtension(
          Codings.extension(
              TrialExtension.LAST_KNOWN_STATUS,
              Codings.registryOrText(CtgovVocabulary.OVERALL_STATUS, status.lastKnownStatus())));
    }
    Period period = new Period();
    period.setStartElement(datedWithType(status.startDateStruct()));
    period.setEndElement(datedWithType(status.completionDateStruct()));
    if (!period.isEmpty()) {
      rs.setPeriod(period);
    }
    studyDate(rs, "primary-completion", status.primaryCompletionDateStruct());
    studyDate(rs, "study-first-submitted", status.studyFirstSubmitDate(), null);
    studyDate(rs, "study-first-posted", status.studyFirstPostDateStruct());
    studyDate(rs, "results-first-submitted", status.resultsFirstSubmitDate(), null);
    studyDate(rs, "results-first-posted", status.resultsFirstPostDateStruct());
    studyDate(rs, "last-update-submitted", status.lastUpdateSubmitDate(), null);
    studyDate(rs, "last-update-posted", status.lastUpdatePostDateStruct());
    studyDate(rs, "status-verified", status.statusVerifiedDate(), null);
    if (status.whyStopped() != null && !status.whyStopped().isBlank()) {
      rs.setReasonStopped(new CodeableConcept().setText(status.whyStopped()));
    }
    Study.ExpandedAccessInfo expanded = status.expandedAccessInfo();
    if (expanded != null && expanded.hasExpandedAccess() != null) {
      Extension extension = Codings.extension(TrialExtension.EXPANDED_ACCESS, null);
      extension.addExtension("available", new BooleanType(expanded.hasExpandedAccess()));
      Codings.part(extension, "nctId", Codings.string(expanded.nctId()));
      if (expanded.statusForNctId() != null) {
        extension.addExtension(
            "status",
            Codings.registryOrText(CtgovVocabulary.OVERALL_STATUS, expanded.statusForNctId()));
      }
      rs.addExtension(extension);
    }
  }

  private static DateTimeType datedWithType(Study.DateStruct struct) {
    DateTimeType date = struct == null ? null : Codings.date(struct.date());
    if (date != null && struct.type() != null) {
      date.addExtension(
          Codings.extension(
              TrialExtension.DATE_TYPE,
              Codings.registryOrText(CtgovVocabulary.DATE_TYPE, struct.type())));
    }
    return date;
  }

  private static void studyDate(ResearchStudy rs, String kind, Study.DateStruct struct) {
    if (struct != null) {
      studyDate(rs, kind, struct.date(), struct.type());
    }
  }

  private static void studyDate(ResearchStudy rs, String kind, String date, String type) {
    DateTimeType value = Codings.date(date);
    if (value == null) {
      return;
    }
    Extension extension = Codings.extension(TrialExtension.STUDY_DATE, null);
    extension.addExtension("kind", Codings.local(LocalCode.STUDY_DATE_KIND, kind));
    extension.addExtension("date", value);
    if (type != null) {
      extension.addExtension("type", Codings.registryOrText(CtgovVocabulary.DATE_TYPE, type));
    }
    rs.addExtension(extension);
  }

  /** meta.lastUpdated: the last-update-posted date (else submitted), at 00:00 UTC. */
  private static InstantType lastUpdated(Study.StatusModule status) {
    String date =
        status.lastUpdatePostDateStruct() != null
                && status.lastUpdatePostDateStruct().date() != null
            ? status.lastUpdatePostDateStruct().date()
            : status.lastUpdateSubmitDate();
    if (date == null || !CtgovValues.isValidDate(date) || date.length() != 10) {
      return null;
    }
    return new InstantType(date + "T00:00:00Z");
  }

  // designModule → category (study type and design), primaryPurposeType
  private static void design(Study.DesignModule design, ResearchStudy rs) {
    if (design == null) {
      return;
    }
    if (design.studyType() != null) {
      CodeableConcept type =
          Codings.registryConcept(CtgovVocabulary.STUDY_TYPE, design.studyType());
      if (Boolean.TRUE.equals(design.patientRegistry())) {
        type.setText(type.getText() + " (patient registry)");
      }
      rs.addCategory(type);
    }
    Study.BioSpec bioSpec = design.bioSpec();
    if (bioSpec != null && (bioSpec.retention() != null || bioSpec.description() != null)) {
      Extension extension = Codings.extension(TrialExtension.BIOSPECIMEN, null);
      if (bioSpec.retention() != null) {
        extension.addExtension(
            "retention",
            Codings.registryOrText(CtgovVocabulary.BIOSPEC_RETENTION, bioSpec.retention()));
      }
      Codings.part(
          extension,
          "description",
          bioSpec.description() == null ? null : new MarkdownType(bioSpec.description()));
      rs.addExtension(extension);
    }
    CtgovValues.Age duration = CtgovValues.parseAge(design.targetDuration());
    if (duration != null) {
      rs.addExtension(
          Codings.extension(
              TrialExtension.TARGET_DURATION,
              new Duration()
                  .setValue(duration.value())
                  .setUnit(duration.unit())
                  .setSystem(Canonical.UCUM)
                  .setCode(duration.ucum())));
    }
    Study.DesignInfo info = design.designInfo();
    if (info == null) {
      return;
    }
    category(rs, CtgovVocabulary.ALLOCATION, info.allocation(), null);
    category(
        rs,
        CtgovVocabulary.INTERVENTION_MODEL,
        info.interventionModel(),
        info.interventionModelDescription());
    category(rs, CtgovVocabulary.OBSERVATIONAL_MODEL, info.observationalModel(), null);
    category(rs, CtgovVocabulary.TIME_PERSPECTIVE, info.timePerspective(), null);
    Study.MaskingInfo masking = info.maskingInfo();
    if (masking != null) {
      CodeableConcept concept =
          category(rs, CtgovVocabulary.MASKING, masking.masking(), masking.maskingDescription());
      if (concept != null && masking.whoMasked() != null && !masking.whoMasked().isEmpty()) {
        List<String> who = new ArrayList<>();
        for (String party : masking.whoMasked()) {
          Codings.addRegistryCoding(concept, CtgovVocabulary.WHO_MASKED, party);
          who.add(Codings.text(CtgovVocabulary.WHO_MASKED, party));
        }
        concept.setText(concept.getText() + " (" + String.join(", ", who) + ")");
      }
    }
    if (info.primaryPurpose() != null) {
      CodeableConcept purpose = new CodeableConcept();
      String hl7 = PRIMARY_PURPOSE.get(info.primaryPurpose());
      if (hl7 != null) {
        purpose.addCoding(new Coding(Canonical.RESEARCH_STUDY_PRIMARY_PURPOSE, hl7, null));
      }
      Codings.addRegistryCoding(purpose, CtgovVocabulary.PRIMARY_PURPOSE, info.primaryPurpose());
      purpose.setText(Codings.text(CtgovVocabulary.PRIMARY_PURPOSE, info.primaryPurpose()));
      rs.setPrimaryPurposeType(purpose);
    }
  }

  private static CodeableConcept category(
      ResearchStudy rs, CtgovVocabulary vocabulary, String code, String note) {
    CodeableConcept concept = Codings.registryConcept(vocabulary, code);
    if (concept == null) {
      return null;
    }
    concept.setText(
        vocabulary.title().replace("ClinicalTrials.gov ", "") + ": " + concept.getText());
    if (note != null && !note.isBlank()) {
      concept.addExtension(Codings.extension(TrialExtension.DESIGN_NOTE, new StringType(note)));
    }
    rs.addCategory(concept);
    return concept;
  }

  // conditionsModule + conditionBrowseModule → condition (text + MeSH), keyword
  private static void conditions(Study study, ResearchStudy rs) {
    Study.ConditionsModule module = study.protocolSection().conditionsModule();
    List<String> conditions =
        module == null || module.conditions() == null ? List.of() : module.conditions();
    Study.BrowseModule browse =
        study.derivedSection() == null ? null : study.derivedSection().conditionBrowseModule();
    MeshTerms.concepts(conditions, Map.of(), browse).forEach(rs::addCondition);
    if (browse != null && browse.ancestors() != null) {
      for (Study.Mesh ancestor : browse.ancestors()) {
        if (ancestor.id() != null && !ancestor.id().isBlank()) {
          rs.addExtension(
              Codings.extension(
                  TrialExtension.CONDITION_ANCESTOR,
                  new Coding(Canonical.MESH, ancestor.id(), ancestor.term())));
        }
      }
    }
    if (module != null && module.keywords() != null) {
      module.keywords().forEach(keyword -> rs.addKeyword(new CodeableConcept().setText(keyword)));
    }
  }

  // descriptionModule → description (brief summary), detailed-description
  private static void description(Study.DescriptionModule module, ResearchStudy rs) {
    if (module == null) {
      return;
    }
    rs.setDescription(module.briefSummary());
    if (module.detailedDescription() != null) {
      rs.addExtension(
          Codings.extension(
              TrialExtension.DETAILED_DESCRIPTION, new MarkdownType(module.detailedDescription())));
    }
  }

  // contactsLocationsModule.centralContacts → contact
  private static void contacts(Study.ContactsLocationsModule module, ResearchStudy rs) {
    if (module == null || module.centralContacts() == null) {
      return;
    }
    for (Study.Contact contact : module.centralContacts()) {
      var detail = Contacts.detail(contact);
      if (detail != null) {
        rs.addContact(detail);
      }
    }
  }

  // locations[].country → location (ISO 3166 where the name is known), in order of first use
  private static void countries(Study.ContactsLocationsModule module, ResearchStudy rs) {
    if (module == null || module.locations() == null) {
      return;
    }
    module.locations().stream()
        .map(Study.Site::country)
        .filter(country -> country != null && !country.isBlank())
        .distinct()
        .forEach(
            country -> {
              CodeableConcept concept = new CodeableConcept().setText(country);
              String code = Countries.code(country);
              if (code != null) {
                concept.addCoding(new Coding(Canonical.ISO_3166, code, null));
              }
              rs.addLocation(concept);
            });
  }

  // outcomesModule → objective (primary, secondary, exploratory), with description and time frame
  private static void outcomes(Study.OutcomesModule module, ResearchStudy rs) {
    if (module == null) {
      return;
    }
    objectives(rs, module.primaryOutcomes(), "primary", "Primary");
    objectives(rs, module.secondaryOutcomes(), "secondary", "Secondary");
    objectives(rs, module.otherOutcomes(), "exploratory", "Exploratory");
  }

  private static void objectives(
      ResearchStudy rs, List<Study.Outcome> outcomes, String type, String display) {
    if (outcomes == null) {
      return;
    }
    for (Study.Outcome outcome : outcomes) {
      ResearchStudy.ResearchStudyObjectiveComponent objective = rs.addObjective();
      objective.setName(outcome.measure());
      objective.setType(
          new CodeableConcept(new Coding(Canonical.RESEARCH_STUDY_OBJECTIVE_TYPE, type, display)));
      if (outcome.description() != null) {
        objective.addExtension(
            Codings.extension(
                TrialExtension.OUTCOME_DESCRIPTION, new MarkdownType(outcome.description())));
      }
      if (outcome.timeFrame() != null) {
        objective.addExtension(
            Codings.extension(
                TrialExtension.OUTCOME_TIME_FRAME, new StringType(outcome.timeFrame())));
      }
    }
  }

  // referencesModule, documentSection, hasResults, id links → relatedArtifact, has-results
  private static void references(Study study, ResearchStudy rs) {
    String nctId = study.nctId();
    Study.ReferencesModule module = study.protocolSection().referencesModule();
    if (module != null && module.references() != null) {
      for (Study.Reference reference : module.references()) {
        RelatedArtifact artifact = rs.addRelatedArtifact().setType(RelatedArtifactType.CITATION);
        if (reference.type() != null) {
          artifact.setLabel(Codings.text(CtgovVocabulary.REFERENCE_TYPE, reference.type()));
        }
        artifact.setCitation(reference.citation());
        if (reference.pmid() != null && !reference.pmid().isBlank()) {
          artifact.setDisplay("PMID " + reference.pmid());
          artifact.setUrl("https://pubmed.ncbi.nlm.nih.gov/" + reference.pmid().trim() + "/");
        }
      }
    }
    if (module != null && module.seeAlsoLinks() != null) {
      for (Study.SeeAlsoLink link : module.seeAlsoLinks()) {
        documentation(rs, link.label(), link.url());
      }
    }
    if (module != null && module.availIpds() != null) {
      for (Study.AvailIpd ipd : module.availIpds()) {
        String display =
            ipd.type() == null
                ? ipd.id()
                : ipd.id() == null ? ipd.type() : ipd.type() + " (" + ipd.id() + ")";
        RelatedArtifact artifact = documentation(rs, display, ipd.url());
        if (ipd.comment() != null) {
          artifact.setCitation(ipd.comment());
        }
      }
    }
    if (study.documentSection() != null
        && study.documentSection().largeDocumentModule() != null
        && study.documentSection().largeDocumentModule().largeDocs() != null) {
      for (Study.LargeDoc doc : study.documentSection().largeDocumentModule().largeDocs()) {
        if (doc.filename() == null) {
          continue;
        }
        String url =
            "https://cdn.clinicaltrials.gov/large-docs/"
                + nctId.substring(nctId.length() - 2)
                + "/"
                + nctId
                + "/"
                + doc.filename();
        documentation(rs, doc.label() != null ? doc.label() : doc.typeAbbrev(), url);
      }
    }
    if (study.hasResults() != null) {
      rs.addExtension(
          Codings.extension(TrialExtension.HAS_RESULTS, new BooleanType(study.hasResults())));
      if (study.hasResults()) {
        documentation(
            rs, "Results on ClinicalTrials.gov", Canonical.studyPage(nctId) + "?tab=results");
      }
    }
  }

  private static RelatedArtifact documentation(ResearchStudy rs, String display, String url) {
    RelatedArtifact artifact = rs.addRelatedArtifact().setType(RelatedArtifactType.DOCUMENTATION);
    artifact.setDisplay(display);
    if (url != null && !url.isBlank()) {
      artifact.setUrl(url.trim());
    }
    return artifact;
  }

  // oversightModule → oversight
  private static void oversight(Study.OversightModule module, ResearchStudy rs) {
    if (module == null) {
      return;
    }
    Extension extension = Codings.extension(TrialExtension.OVERSIGHT, null);
    flag(extension, "hasDmc", module.oversightHasDmc());
    flag(extension, "fdaRegulatedDrug", module.isFdaRegulatedDrug());
    flag(extension, "fdaRegulatedDevice", module.isFdaRegulatedDevice());
    flag(extension, "unapprovedDevice", module.isUnapprovedDevice());
    flag(extension, "usExport", module.isUsExport());
    if (extension.hasExtension()) {
      rs.addExtension(extension);
    }
  }

  private static void flag(Extension extension, String name, Boolean value) {
    if (value != null) {
      extension.addExtension(name, new BooleanType(value));
    }
  }

  // ipdSharingStatementModule → ipd-sharing
  private static void ipdSharing(Study.IpdSharingStatementModule module, ResearchStudy rs) {
    if (module == null || module.ipdSharing() == null) {
      return;
    }
    Extension extension = Codings.extension(TrialExtension.IPD_SHARING, null);
    extension.addExtension(
        "plan", Codings.registryOrText(CtgovVocabulary.IPD_SHARING, module.ipdSharing()));
    Codings.part(
        extension,
        "description",
        module.description() == null ? null : new MarkdownType(module.description()));
    if (module.infoTypes() != null) {
      for (String type : module.infoTypes()) {
        extension.addExtension(
            "infoType", Codings.registryOrText(CtgovVocabulary.IPD_INFO_TYPE, type));
      }
    }
    Codings.part(extension, "timeFrame", Codings.string(module.timeFrame()));
    Codings.part(extension, "accessCriteria", Codings.string(module.accessCriteria()));
    Codings.part(
        extension,
        "url",
        module.url() == null || module.url().isBlank() ? null : new UrlType(module.url().trim()));
    rs.addExtension(extension);
  }
}
