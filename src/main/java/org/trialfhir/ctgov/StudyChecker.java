package org.trialfhir.ctgov;

import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.trialfhir.ctgov.Study.ArmsInterventionsModule;
import org.trialfhir.ctgov.Study.ContactsLocationsModule;
import org.trialfhir.ctgov.Study.DateStruct;
import org.trialfhir.ctgov.Study.DesignInfo;
import org.trialfhir.ctgov.Study.DesignModule;
import org.trialfhir.ctgov.Study.DocumentSection;
import org.trialfhir.ctgov.Study.EligibilityModule;
import org.trialfhir.ctgov.Study.GeoPoint;
import org.trialfhir.ctgov.Study.IdentificationModule;
import org.trialfhir.ctgov.Study.Organization;
import org.trialfhir.ctgov.Study.ProtocolSection;
import org.trialfhir.ctgov.Study.ReferencesModule;
import org.trialfhir.ctgov.Study.SponsorCollaboratorsModule;
import org.trialfhir.ctgov.Study.StatusModule;

/**
 * Validates a parsed study, naming the API v2 field path of every problem.
 *
 * <p>ERROR (the record is skipped): a missing or malformed NCT id, a missing brief title or overall
 * status, a date that is not {@code yyyy}, {@code yyyy-MM} or {@code yyyy-MM-dd} naming a real day,
 * an age that is not a number and a unit ({@code 18 Years}), a geo point without a latitude and
 * longitude on the globe. WARNING (the record is kept and the mapper keeps the code as text): an
 * enumeration code that {@link CtgovVocabulary} does not know. Absent values are never a problem,
 * except the three required ones.
 */
public final class StudyChecker {
  private static final String PROTOCOL = "protocolSection";
  private static final String IDENTIFICATION = PROTOCOL + ".identificationModule";
  private static final String STATUS = PROTOCOL + ".statusModule";
  private static final String SPONSORS = PROTOCOL + ".sponsorCollaboratorsModule";
  private static final String DESIGN = PROTOCOL + ".designModule";
  private static final String ARMS = PROTOCOL + ".armsInterventionsModule";
  private static final String ELIGIBILITY = PROTOCOL + ".eligibilityModule";
  private static final String CONTACTS = PROTOCOL + ".contactsLocationsModule";
  private static final String REFERENCES = PROTOCOL + ".referencesModule";
  private static final String DOCUMENTS = "documentSection.largeDocumentModule.largeDocs";

  /** All problems of the study, errors and warnings, in field order. */
  public List<RecordProblem> check(String source, Study study) {
    Objects.requireNonNull(study, "study");
    Problems problems = new Problems(source, study.nctId());
    ProtocolSection protocol = study.protocolSection();
    identification(protocol == null ? null : protocol.identificationModule(), problems);
    status(protocol == null ? null : protocol.statusModule(), problems);
    if (protocol != null) {
      sponsors(protocol.sponsorCollaboratorsModule(), problems);
      design(protocol.designModule(), problems);
      arms(protocol.armsInterventionsModule(), problems);
      eligibility(protocol.eligibilityModule(), problems);
      contacts(protocol.contactsLocationsModule(), problems);
      references(protocol.referencesModule(), problems);
    }
    documents(study.documentSection(), problems);
    return problems.list;
  }

  private static void identification(IdentificationModule module, Problems problems) {
    String field = IDENTIFICATION + ".nctId";
    String nctId = module == null ? null : module.nctId();
    if (nctId == null) {
      problems.error(field, "missing NCT id");
    } else if (!CtgovValues.isNctId(nctId)) {
      problems.error(field, "malformed NCT id '" + nctId + "' (expected NCT and 8 digits)");
    }
    if (module == null || isBlank(module.briefTitle())) {
      problems.error(IDENTIFICATION + ".briefTitle", "missing brief title");
    }
    if (module == null) {
      return;
    }
    agencyClass(IDENTIFICATION + ".organization", module.organization(), problems);
    each(
        module.secondaryIdInfos(),
        IDENTIFICATION + ".secondaryIdInfos",
        (id, at) -> problems.code(at + ".type", CtgovVocabulary.SECONDARY_ID_TYPE, id.type()));
  }

  private static void status(StatusModule module, Problems problems) {
    String overall = STATUS + ".overallStatus";
    if (module == null || module.overallStatus() == null) {
      problems.error(overall, "missing overall status");
      return;
    }
    problems.code(overall, CtgovVocabulary.OVERALL_STATUS, module.overallStatus());
    problems.code(
        STATUS + ".lastKnownStatus", CtgovVocabulary.OVERALL_STATUS, module.lastKnownStatus());
    if (module.expandedAccessInfo() != null) {
      problems.code(
          STATUS + ".expandedAccessInfo.statusForNctId",
          CtgovVocabulary.OVERALL_STATUS,
          module.expandedAccessInfo().statusForNctId());
    }
    problems.date(STATUS + ".statusVerifiedDate", module.statusVerifiedDate());
    problems.dateStruct(STATUS + ".startDateStruct", module.startDateStruct());
    problems.dateStruct(
        STATUS + ".primaryCompletionDateStruct", module.primaryCompletionDateStruct());
    problems.dateStruct(STATUS + ".completionDateStruct", module.completionDateStruct());
    problems.date(STATUS + ".studyFirstSubmitDate", module.studyFirstSubmitDate());
    problems.date(STATUS + ".studyFirstSubmitQcDate", module.studyFirstSubmitQcDate());
    problems.dateStruct(STATUS + ".studyFirstPostDateStruct", module.studyFirstPostDateStruct());
    problems.date(STATUS + ".resultsFirstSubmitDate", module.resultsFirstSubmitDate());
    problems.date(STATUS + ".resultsFirstSubmitQcDate", module.resultsFirstSubmitQcDate());
    problems.dateStruct(
        STATUS + ".resultsFirstPostDateStruct", module.resultsFirstPostDateStruct());
    problems.date(STATUS + ".lastUpdateSubmitDate", module.lastUpdateSubmitDate());
    problems.dateStruct(STATUS + ".lastUpdatePostDateStruct", module.lastUpdatePostDateStruct());
    problems.date(STATUS + ".dispFirstSubmitDate", module.dispFirstSubmitDate());
    problems.date(STATUS + ".dispFirstSubmitQcDate", module.dispFirstSubmitQcDate());
    problems.dateStruct(STATUS + ".dispFirstPostDateStruct", module.dispFirstPostDateStruct());
  }

  private static void sponsors(SponsorCollaboratorsModule module, Problems problems) {
    if (module == null) {
      return;
    }
    agencyClass(SPONSORS + ".leadSponsor", module.leadSponsor(), problems);
    each(
        module.collaborators(),
        SPONSORS + ".collaborators",
        (collaborator, at) -> agencyClass(at, collaborator, problems));
  }

  private static void agencyClass(String field, Organization organization, Problems problems) {
    if (organization != null) {
      problems.code(field + ".class", CtgovVocabulary.AGENCY_CLASS, organization.agencyClass());
    }
  }

  private static void design(DesignModule module, Problems problems) {
    if (module == null) {
      return;
    }
    problems.code(DESIGN + ".studyType", CtgovVocabulary.STUDY_TYPE, module.studyType());
    problems.codes(DESIGN + ".phases", CtgovVocabulary.PHASE, module.phases());
    if (module.enrollmentInfo() != null) {
      problems.code(
          DESIGN + ".enrollmentInfo.type",
          CtgovVocabulary.ENROLLMENT_TYPE,
          module.enrollmentInfo().type());
    }
    if (module.bioSpec() != null) {
      problems.code(
          DESIGN + ".bioSpec.retention",
          CtgovVocabulary.BIOSPEC_RETENTION,
          module.bioSpec().retention());
    }
    if (module.targetDuration() != null && CtgovValues.parseAge(module.targetDuration()) == null) {
      problems.warning(
          DESIGN + ".targetDuration",
          "'" + module.targetDuration() + "' is not a duration such as '2 Years'; not mapped");
    }
    DesignInfo info = module.designInfo();
    if (info == null) {
      return;
    }
    String at = DESIGN + ".designInfo";
    problems.code(at + ".allocation", CtgovVocabulary.ALLOCATION, info.allocation());
    problems.code(
        at + ".interventionModel", CtgovVocabulary.INTERVENTION_MODEL, info.interventionModel());
    problems.code(at + ".primaryPurpose", CtgovVocabulary.PRIMARY_PURPOSE, info.primaryPurpose());
    problems.code(
        at + ".observationalModel", CtgovVocabulary.OBSERVATIONAL_MODEL, info.observationalModel());
    problems.code(
        at + ".timePerspective", CtgovVocabulary.TIME_PERSPECTIVE, info.timePerspective());
    if (info.maskingInfo() != null) {
      problems.code(
          at + ".maskingInfo.masking", CtgovVocabulary.MASKING, info.maskingInfo().masking());
      problems.codes(
          at + ".maskingInfo.whoMasked",
          CtgovVocabulary.WHO_MASKED,
          info.maskingInfo().whoMasked());
    }
  }

  private static void arms(ArmsInterventionsModule module, Problems problems) {
    if (module == null) {
      return;
    }
    each(
        module.armGroups(),
        ARMS + ".armGroups",
        (arm, at) -> problems.code(at + ".type", CtgovVocabulary.ARM_GROUP_TYPE, arm.type()));
    each(
        module.interventions(),
        ARMS + ".interventions",
        (intervention, at) ->
            problems.code(at + ".type", CtgovVocabulary.INTERVENTION_TYPE, intervention.type()));
  }

  private static void eligibility(EligibilityModule module, Problems problems) {
    if (module == null) {
      return;
    }
    problems.code(ELIGIBILITY + ".sex", CtgovVocabulary.SEX, module.sex());
    problems.codes(ELIGIBILITY + ".stdAges", CtgovVocabulary.STD_AGE, module.stdAges());
    problems.code(
        ELIGIBILITY + ".samplingMethod", CtgovVocabulary.SAMPLING_METHOD, module.samplingMethod());
    problems.age(ELIGIBILITY + ".minimumAge", module.minimumAge());
    problems.age(ELIGIBILITY + ".maximumAge", module.maximumAge());
  }

  private static void contacts(ContactsLocationsModule module, Problems problems) {
    if (module == null) {
      return;
    }
    each(
        module.centralContacts(),
        CONTACTS + ".centralContacts",
        (contact, at) -> problems.code(at + ".role", CtgovVocabulary.CONTACT_ROLE, contact.role()));
    each(
        module.overallOfficials(),
        CONTACTS + ".overallOfficials",
        (official, at) ->
            problems.code(at + ".role", CtgovVocabulary.OFFICIAL_ROLE, official.role()));
    each(
        module.locations(),
        CONTACTS + ".locations",
        (site, at) -> {
          problems.code(at + ".status", CtgovVocabulary.SITE_STATUS, site.status());
          each(
              site.contacts(),
              at + ".contacts",
              (contact, contactAt) ->
                  problems.code(contactAt + ".role", CtgovVocabulary.CONTACT_ROLE, contact.role()));
          geoPoint(at + ".geoPoint", site.geoPoint(), problems);
        });
  }

  private static void geoPoint(String field, GeoPoint point, Problems problems) {
    if (point == null) {
      return;
    }
    if (point.lat() == null || !(point.lat() >= -90 && point.lat() <= 90)) {
      problems.error(field + ".lat", "latitude " + point.lat() + " is not within [-90, 90]");
    }
    if (point.lon() == null || !(point.lon() >= -180 && point.lon() <= 180)) {
      problems.error(field + ".lon", "longitude " + point.lon() + " is not within [-180, 180]");
    }
  }

  private static void references(ReferencesModule module, Problems problems) {
    if (module == null) {
      return;
    }
    each(
        module.references(),
        REFERENCES + ".references",
        (reference, at) ->
            problems.code(at + ".type", CtgovVocabulary.REFERENCE_TYPE, reference.type()));
  }

  private static void documents(DocumentSection section, Problems problems) {
    if (section == null || section.largeDocumentModule() == null) {
      return;
    }
    each(
        section.largeDocumentModule().largeDocs(),
        DOCUMENTS,
        (document, at) -> {
          problems.date(at + ".date", document.date());
          problems.dateTime(at + ".uploadDate", document.uploadDate());
        });
  }

  /** Runs the check on every non-null item, with its indexed field path, e.g. {@code phases[1]}. */
  private static <T> void each(List<T> items, String field, BiConsumer<T, String> check) {
    if (items == null) {
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) != null) {
        check.accept(items.get(i), field + "[" + i + "]");
      }
    }
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  /** The problems of one record, and the checks of single values. */
  private static final class Problems {
    private final String source;
    private final String nctId;
    private final List<RecordProblem> list = new ArrayList<>();

    Problems(String source, String nctId) {
      this.source = source;
      this.nctId = nctId;
    }

    void error(String field, String message) {
      list.add(RecordProblem.error(source, nctId, field, message));
    }

    void warning(String field, String message) {
      list.add(RecordProblem.warning(source, nctId, field, message));
    }

    void code(String field, CtgovVocabulary vocabulary, String code) {
      if (code != null && !vocabulary.contains(code)) {
        String message = "unknown " + vocabulary.title() + " code '" + code + "'; kept as text";
        list.add(RecordProblem.warning(source, nctId, field, message));
      }
    }

    void codes(String field, CtgovVocabulary vocabulary, List<String> codes) {
      each(codes, field, (code, at) -> code(at, vocabulary, code));
    }

    void date(String field, String date) {
      if (date != null && !CtgovValues.isValidDate(date)) {
        error(field, "'" + date + "' is not a date (yyyy, yyyy-MM or yyyy-MM-dd)");
      }
    }

    void dateStruct(String field, DateStruct struct) {
      if (struct != null) {
        date(field + ".date", struct.date());
        code(field + ".type", CtgovVocabulary.DATE_TYPE, struct.type());
      }
    }

    void dateTime(String field, String dateTime) {
      if (dateTime == null) {
        return;
      }
      try {
        LocalDateTime.parse(dateTime);
      } catch (DateTimeParseException e) {
        error(field, "'" + dateTime + "' is not a date and time (yyyy-MM-ddTHH:mm)");
      }
    }

    void age(String field, String age) {
      if (age != null && CtgovValues.parseAge(age) == null) {
        error(field, "'" + age + "' is not an age such as '18 Years'");
      }
    }
  }
}
