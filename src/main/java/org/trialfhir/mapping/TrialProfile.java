package org.trialfhir.mapping;

/** The profiles every emitted resource claims in {@code meta.profile}. */
public enum TrialProfile {
  RESEARCH_STUDY(
      "trialfhir-researchstudy",
      "ResearchStudy",
      "A ClinicalTrials.gov study: identifiers, status crosswalk, phases, conditions, arms, sites."),
  ELIGIBILITY_GROUP(
      "trialfhir-eligibility-group",
      "Group",
      "The eligibility of a study: age range, sex, healthy volunteers, criteria text."),
  ARM_PLAN(
      "trialfhir-arm-plandefinition",
      "PlanDefinition",
      "One arm of a study (or its interventions assigned to no arm) with the interventions as"
          + " actions."),
  SITE_LOCATION(
      "trialfhir-site-location",
      "Location",
      "A study site, shared between the studies that use it, with the registry's geo point."),
  ORGANIZATION(
      "trialfhir-organization",
      "Organization",
      "A sponsor, collaborator or affiliation named by ClinicalTrials.gov."),
  PRACTITIONER(
      "trialfhir-practitioner",
      "Practitioner",
      "A study official or responsible investigator named by ClinicalTrials.gov.");

  private final String id;
  private final String type;
  private final String description;

  TrialProfile(String id, String type, String description) {
    this.id = id;
    this.type = type;
    this.description = description;
  }

  public String id() {
    return id;
  }

  /** The FHIR resource type constrained. */
  public String type() {
    return type;
  }

  public String description() {
    return description;
  }

  public String url() {
    return Canonical.structureDefinition(id);
  }
}
