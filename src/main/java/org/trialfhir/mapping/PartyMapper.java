package org.trialfhir.mapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.ctgov.Study;

/**
 * Sponsor, collaborators, overall officials and the responsible party → Organizations and
 * Practitioners, referenced from the study. Organizations are shared between studies (id from the
 * name); a Practitioner belongs to the study that names it.
 */
public final class PartyMapper {
  private final String nctId;
  private final Map<String, Organization> organizations = new LinkedHashMap<>();
  private final Map<String, Practitioner> practitioners = new LinkedHashMap<>();

  public PartyMapper(String nctId) {
    this.nctId = nctId;
  }

  public List<Organization> organizations() {
    return List.copyOf(organizations.values());
  }

  public List<Practitioner> practitioners() {
    return List.copyOf(practitioners.values());
  }

  /** Sponsor, collaborators, officials and responsible party of the study. */
  public void map(Study study, ResearchStudy researchStudy) {
    Study.ProtocolSection protocol = study.protocolSection();
    Study.SponsorCollaboratorsModule sponsors = protocol.sponsorCollaboratorsModule();
    Study.Organization lead = sponsors == null ? null : sponsors.leadSponsor();
    if (lead == null || lead.displayName() == null) {
      lead = protocol.identificationModule().organization();
    }
    if (lead != null && lead.displayName() != null) {
      researchStudy.setSponsor(organization(lead.displayName(), lead.agencyClass()));
    }
    if (sponsors != null && sponsors.collaborators() != null) {
      for (Study.Organization collaborator : sponsors.collaborators()) {
        if (collaborator.displayName() != null) {
          researchStudy.addExtension(
              Codings.extension(
                  TrialExtension.COLLABORATOR,
                  organization(collaborator.displayName(), collaborator.agencyClass())));
        }
      }
    }
    officials(protocol.contactsLocationsModule(), researchStudy);
    responsibleParty(sponsors == null ? null : sponsors.responsibleParty(), researchStudy);
  }

  private void officials(Study.ContactsLocationsModule module, ResearchStudy researchStudy) {
    if (module == null || module.overallOfficials() == null) {
      return;
    }
    for (Study.Official official : module.overallOfficials()) {
      if (official.name() == null || official.name().isBlank()) {
        continue;
      }
      Reference person = practitioner(official.name(), official.affiliation());
      Extension extension = Codings.extension(TrialExtension.STUDY_OFFICIAL, null);
      extension.addExtension("practitioner", person.copy());
      if (official.role() != null) {
        extension.addExtension(
            "role", Codings.registryOrText(CtgovVocabulary.OFFICIAL_ROLE, official.role()));
      }
      researchStudy.addExtension(extension);
      if ("PRINCIPAL_INVESTIGATOR".equals(official.role())
          && !researchStudy.hasPrincipalInvestigator()) {
        researchStudy.setPrincipalInvestigator(person);
      }
    }
  }

  private void responsibleParty(Study.ResponsibleParty party, ResearchStudy researchStudy) {
    if (party == null || party.type() == null) {
      return;
    }
    Extension extension = Codings.extension(TrialExtension.RESPONSIBLE_PARTY, null);
    extension.addExtension(
        "type", Codings.registryOrText(CtgovVocabulary.RESPONSIBLE_PARTY_TYPE, party.type()));
    String name =
        party.investigatorFullName() != null ? party.investigatorFullName() : party.oldNameTitle();
    if (name != null && !name.isBlank()) {
      String affiliation =
          party.investigatorAffiliation() != null
              ? party.investigatorAffiliation()
              : party.oldOrganization();
      extension.addExtension("investigator", practitioner(name, affiliation));
    }
    Codings.part(extension, "title", Codings.string(party.investigatorTitle()));
    researchStudy.addExtension(extension);
  }

  /** A reference to the (shared) Organization of this name, creating it on first use. */
  public Reference organization(String name, String agencyClass) {
    String id = Ids.organization(name);
    Organization organization =
        organizations.computeIfAbsent(
            id,
            key -> {
              Organization created = new Organization();
              created.setId(key);
              created.setActive(true);
              created.setName(name);
              return created;
            });
    if (agencyClass != null && !organization.hasType()) {
      CodeableConcept type = Codings.registryConcept(CtgovVocabulary.AGENCY_CLASS, agencyClass);
      organization.addType(type);
    }
    return new Reference("Organization/" + id).setDisplay(name);
  }

  private Reference practitioner(String name, String affiliation) {
    String id = Ids.practitioner(nctId, name);
    Practitioner practitioner =
        practitioners.computeIfAbsent(
            id,
            key -> {
              Practitioner created = new Practitioner();
              created.setId(key);
              created.addName().setText(name);
              return created;
            });
    if (affiliation != null
        && !affiliation.isBlank()
        && !practitioner.hasExtension(TrialExtension.AFFILIATION.url())) {
      practitioner.addExtension(
          Codings.extension(TrialExtension.AFFILIATION, organization(affiliation, null)));
    }
    return new Reference("Practitioner/" + id).setDisplay(name);
  }
}
