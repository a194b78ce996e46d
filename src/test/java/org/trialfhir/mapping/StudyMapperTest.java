package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.junit.jupiter.api.Test;
import org.trialfhir.testing.SharedData;

/** The seed NCT02083731 (UNKNOWN status, last known RECRUITING), field by field. */
class StudyMapperTest {
  private static final TrialGraph GRAPH =
      StudyMapper.map(
          SharedData.study(SharedData.repository().resolve("examples/NCT02083731/ctgov.json")));
  private static final ResearchStudy RS = GRAPH.researchStudy();

  private static Coding coding(ResearchStudy rs, TrialExtension extension) {
    return (Coding) rs.getExtensionByUrl(extension.url()).getValue();
  }

  @Test
  void unknownStatusIsNotActiveAndTheRegistryCodesSurvive() {
    assertThat(RS.getStatus()).isEqualTo(ResearchStudyStatus.CLOSEDTOACCRUAL);
    assertThat(coding(RS, TrialExtension.OVERALL_STATUS).getCode()).isEqualTo("UNKNOWN");
    assertThat(coding(RS, TrialExtension.LAST_KNOWN_STATUS).getCode()).isEqualTo("RECRUITING");
  }

  @Test
  void identifiersAndMeta() {
    Identifier nct = RS.getIdentifierFirstRep();
    assertThat(nct.getSystem()).isEqualTo(Canonical.NCT_SYSTEM);
    assertThat(nct.getValue()).isEqualTo("NCT02083731");
    assertThat(nct.getUse()).isEqualTo(Identifier.IdentifierUse.OFFICIAL);
    assertThat(RS.getIdentifier()).extracting(Identifier::getValue).contains("NFH-MSC-CMV-2014");
    assertThat(RS.getMeta().getLastUpdatedElement().getValueAsString())
        .isEqualTo("2015-01-07T00:00:00Z");
    assertThat(RS.getMeta().getSource()).isEqualTo("https://clinicaltrials.gov/study/NCT02083731");
    assertThat(RS.getMeta().getProfile().get(0).getValue())
        .isEqualTo(TrialProfile.RESEARCH_STUDY.url());
  }

  @Test
  void datesKeepPrecisionAndActualOrEstimated() {
    assertThat(RS.getPeriod().getStartElement().getValueAsString()).isEqualTo("2014-01");
    assertThat(RS.getPeriod().getStartElement().hasExtension()).isFalse();
    BaseDateTimeType end = RS.getPeriod().getEndElement();
    assertThat(end.getValueAsString()).isEqualTo("2017-01");
    assertThat(
            ((Coding) end.getExtensionByUrl(TrialExtension.DATE_TYPE.url()).getValue()).getCode())
        .isEqualTo("ESTIMATED");
    List<Extension> dates = RS.getExtensionsByUrl(TrialExtension.STUDY_DATE.url());
    assertThat(dates)
        .extracting(d -> ((Coding) d.getExtensionByUrl("kind").getValue()).getCode())
        .containsExactly(
            "primary-completion",
            "study-first-submitted",
            "study-first-posted",
            "last-update-submitted",
            "last-update-posted",
            "status-verified");
  }

  @Test
  void sponsorCollaboratorsAndInvestigator() {
    Reference sponsor = RS.getSponsor();
    assertThat(sponsor.getDisplay()).isEqualTo("Nanfang Hospital of Southern Medical University");
    assertThat(RS.getExtensionsByUrl(TrialExtension.COLLABORATOR.url())).hasSize(7);
    Organization lead =
        GRAPH.organizations().stream()
            .filter(o -> ("Organization/" + o.getId()).equals(sponsor.getReference()))
            .findFirst()
            .orElseThrow();
    assertThat(lead.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("OTHER");

    assertThat(RS.getPrincipalInvestigator().getDisplay()).isEqualTo("Qifa Liu, MD.");
    // The official and the responsible investigator are the same person: one Practitioner.
    assertThat(GRAPH.practitioners())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(("Practitioner/" + p.getId()))
                  .isEqualTo(RS.getPrincipalInvestigator().getReference());
              Reference affiliation =
                  (Reference) p.getExtensionByUrl(TrialExtension.AFFILIATION.url()).getValue();
              assertThat(affiliation.getReference()).isEqualTo(sponsor.getReference());
            });
    Extension responsible = RS.getExtensionByUrl(TrialExtension.RESPONSIBLE_PARTY.url());
    assertThat(((Coding) responsible.getExtensionByUrl("type").getValue()).getCode())
        .isEqualTo("PRINCIPAL_INVESTIGATOR");
    assertThat(
            ((Reference) responsible.getExtensionByUrl("investigator").getValue()).getReference())
        .isEqualTo(RS.getPrincipalInvestigator().getReference());
  }

  @Test
  void conditionsKeepTheirTextAndMeshTermsAreNotLost() {
    assertThat(RS.getCondition())
        .filteredOn(c -> c.hasText())
        .extracting(c -> c.getText())
        .containsExactly(
            "Stem Cell Transplantation, Hematopoietic", "CMV Infection", "Hematological Diseases");
    assertThat(RS.getCondition())
        .flatExtracting(c -> c.getCoding())
        .extracting(Coding::getSystem)
        .containsOnly(Canonical.MESH);
    assertThat(RS.getCondition())
        .flatExtracting(c -> c.getCoding())
        .extracting(Coding::getCode)
        .contains("D003586");
    assertThat(RS.getExtensionsByUrl(TrialExtension.CONDITION_ANCESTOR.url())).isNotEmpty();
  }

  @Test
  void countryIsCodedAndSitesAreReferenced() {
    assertThat(RS.getLocationFirstRep().getCodingFirstRep().getCode()).isEqualTo("CN");
    assertThat(RS.getSite()).hasSize(1);
    assertThat(GRAPH.locations()).hasSize(1);
    assertThat(GRAPH.practitioners())
        .extracting(Practitioner::getIdPart)
        .allMatch(id -> id.startsWith("NCT02083731-person-"));
  }
}
