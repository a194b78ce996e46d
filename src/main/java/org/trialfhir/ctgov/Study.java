package org.trialfhir.ctgov;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One ClinicalTrials.gov API v2 study record, as the registry serialises it.
 *
 * <p>Only the parts we map are typed; unknown fields are ignored. Enumerations, dates and ages stay
 * strings here: {@link StudyChecker} validates them so that a bad value is reported with its field
 * path instead of failing the whole read.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Study(
    ProtocolSection protocolSection,
    DerivedSection derivedSection,
    DocumentSection documentSection,
    Boolean hasResults) {

  /** The NCT id, or null when the record has none. */
  public String nctId() {
    return protocolSection == null || protocolSection.identificationModule() == null
        ? null
        : protocolSection.identificationModule().nctId();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ProtocolSection(
      IdentificationModule identificationModule,
      StatusModule statusModule,
      SponsorCollaboratorsModule sponsorCollaboratorsModule,
      OversightModule oversightModule,
      DescriptionModule descriptionModule,
      ConditionsModule conditionsModule,
      DesignModule designModule,
      ArmsInterventionsModule armsInterventionsModule,
      OutcomesModule outcomesModule,
      EligibilityModule eligibilityModule,
      ContactsLocationsModule contactsLocationsModule,
      ReferencesModule referencesModule,
      IpdSharingStatementModule ipdSharingStatementModule) {}

  // ---- identification -------------------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IdentificationModule(
      String nctId,
      List<String> nctIdAliases,
      OrgStudyIdInfo orgStudyIdInfo,
      List<SecondaryIdInfo> secondaryIdInfos,
      Organization organization,
      String briefTitle,
      String officialTitle,
      String acronym) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OrgStudyIdInfo(String id, String type, String link) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SecondaryIdInfo(String id, String type, String domain, String link) {}

  /** An organisation as the registry names it: {@code fullName} or {@code name}, and its class. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Organization(
      String fullName,
      String name,
      @com.fasterxml.jackson.annotation.JsonProperty("class") String agencyClass) {
    public String displayName() {
      return fullName != null ? fullName : name;
    }
  }

  // ---- status ---------------------------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StatusModule(
      String statusVerifiedDate,
      String overallStatus,
      String lastKnownStatus,
      Boolean delayedPosting,
      String whyStopped,
      ExpandedAccessInfo expandedAccessInfo,
      DateStruct startDateStruct,
      DateStruct primaryCompletionDateStruct,
      DateStruct completionDateStruct,
      String studyFirstSubmitDate,
      String studyFirstSubmitQcDate,
      DateStruct studyFirstPostDateStruct,
      String resultsFirstSubmitDate,
      String resultsFirstSubmitQcDate,
      DateStruct resultsFirstPostDateStruct,
      String lastUpdateSubmitDate,
      DateStruct lastUpdatePostDateStruct,
      String dispFirstSubmitDate,
      String dispFirstSubmitQcDate,
      DateStruct dispFirstPostDateStruct) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ExpandedAccessInfo(
      Boolean hasExpandedAccess, String nctId, String statusForNctId) {}

  /** A date (yyyy, yyyy-MM or yyyy-MM-dd) and whether it is ACTUAL or ESTIMATED. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DateStruct(String date, String type) {}

  // ---- sponsor, oversight, description, conditions -------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SponsorCollaboratorsModule(
      ResponsibleParty responsibleParty,
      Organization leadSponsor,
      List<Organization> collaborators) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ResponsibleParty(
      String type,
      String investigatorFullName,
      String investigatorTitle,
      String investigatorAffiliation,
      String oldNameTitle,
      String oldOrganization) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OversightModule(
      Boolean oversightHasDmc,
      Boolean isFdaRegulatedDrug,
      Boolean isFdaRegulatedDevice,
      Boolean isUnapprovedDevice,
      Boolean isUsExport) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DescriptionModule(String briefSummary, String detailedDescription) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ConditionsModule(List<String> conditions, List<String> keywords) {}

  // ---- design ---------------------------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DesignModule(
      String studyType,
      Boolean patientRegistry,
      String targetDuration,
      List<String> phases,
      DesignInfo designInfo,
      BioSpec bioSpec,
      EnrollmentInfo enrollmentInfo) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DesignInfo(
      String allocation,
      String interventionModel,
      String interventionModelDescription,
      String primaryPurpose,
      String observationalModel,
      String timePerspective,
      MaskingInfo maskingInfo) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MaskingInfo(String masking, String maskingDescription, List<String> whoMasked) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BioSpec(String retention, String description) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record EnrollmentInfo(Integer count, String type) {}

  // ---- arms and interventions -----------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ArmsInterventionsModule(
      List<ArmGroup> armGroups, List<Intervention> interventions) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ArmGroup(
      String label, String type, String description, List<String> interventionNames) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Intervention(
      String type,
      String name,
      String description,
      List<String> armGroupLabels,
      List<String> otherNames) {}

  // ---- outcomes, eligibility ------------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OutcomesModule(
      List<Outcome> primaryOutcomes,
      List<Outcome> secondaryOutcomes,
      List<Outcome> otherOutcomes) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Outcome(String measure, String description, String timeFrame) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record EligibilityModule(
      String eligibilityCriteria,
      Boolean healthyVolunteers,
      String sex,
      Boolean genderBased,
      String genderDescription,
      String minimumAge,
      String maximumAge,
      List<String> stdAges,
      String studyPopulation,
      String samplingMethod) {}

  // ---- contacts and locations -----------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContactsLocationsModule(
      List<Contact> centralContacts, List<Official> overallOfficials, List<Site> locations) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Contact(String name, String role, String phone, String phoneExt, String email) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Official(String name, String affiliation, String role) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Site(
      String facility,
      String status,
      String city,
      String state,
      String zip,
      String country,
      List<Contact> contacts,
      GeoPoint geoPoint) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record GeoPoint(Double lat, Double lon) {}

  // ---- references, IPD ------------------------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ReferencesModule(
      List<Reference> references, List<SeeAlsoLink> seeAlsoLinks, List<AvailIpd> availIpds) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Reference(String pmid, String type, String citation) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SeeAlsoLink(String label, String url) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AvailIpd(String id, String type, String url, String comment) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IpdSharingStatementModule(
      String ipdSharing,
      String description,
      List<String> infoTypes,
      String timeFrame,
      String accessCriteria,
      String url) {}

  // ---- derived and document sections ----------------------------------------------------

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DerivedSection(
      MiscInfoModule miscInfoModule,
      BrowseModule conditionBrowseModule,
      BrowseModule interventionBrowseModule) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MiscInfoModule(String versionHolder, ModelPredictions modelPredictions) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ModelPredictions(BmiLimits bmiLimits) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BmiLimits(Double minBmi, Double maxBmi) {}

  /** MeSH terms the registry derived for the conditions or interventions, with their ancestors. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BrowseModule(
      List<Mesh> meshes, List<Mesh> ancestors, List<BrowseLeaf> browseLeaves) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Mesh(String id, String term) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BrowseLeaf(String id, String name, String asFound, String relevance) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DocumentSection(LargeDocumentModule largeDocumentModule) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LargeDocumentModule(List<LargeDoc> largeDocs) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LargeDoc(
      String typeAbbrev,
      Boolean hasProtocol,
      Boolean hasSap,
      Boolean hasIcf,
      String label,
      String date,
      String uploadDate,
      String filename,
      Integer size) {}
}
