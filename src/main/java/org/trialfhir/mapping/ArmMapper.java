package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyStatus;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.ctgov.Study;

/**
 * {@code armsInterventionsModule} → {@code ResearchStudy.arm}, one PlanDefinition per arm whose
 * actions are that arm's interventions, {@code ResearchStudy.protocol}, and {@code
 * ResearchStudy.focus} (every intervention, with its MeSH codings). Interventions that belong to no
 * arm get one further PlanDefinition, so none is lost.
 */
public final class ArmMapper {
  private ArmMapper() {}

  /** Adds arms, protocol and focus to the study and returns the PlanDefinitions. */
  public static List<PlanDefinition> map(Study study, ResearchStudy researchStudy) {
    String nctId = study.nctId();
    Study.ArmsInterventionsModule module = study.protocolSection().armsInterventionsModule();
    List<Study.ArmGroup> arms =
        module == null || module.armGroups() == null ? List.of() : module.armGroups();
    List<Study.Intervention> interventions =
        module == null || module.interventions() == null ? List.of() : module.interventions();
    Study.BrowseModule browse =
        study.derivedSection() == null ? null : study.derivedSection().interventionBrowseModule();

    Map<Study.Intervention, CodeableConcept> concepts = focus(interventions, browse, researchStudy);
    PublicationStatus planStatus = planStatus(researchStudy.getStatus());
    List<PlanDefinition> plans = new ArrayList<>();
    Set<Study.Intervention> assigned = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < arms.size(); i++) {
      Study.ArmGroup arm = arms.get(i);
      List<Study.Intervention> members = membersOf(arm, interventions);
      assigned.addAll(members);
      PlanDefinition plan =
          plan(
              Ids.arm(nctId, i + 1), arm.label(), arm.description(), members, concepts, planStatus);
      if (arm.type() != null) {
        plan.setSubtitle(Codings.text(CtgovVocabulary.ARM_GROUP_TYPE, arm.type()));
      }
      plans.add(plan);
      Reference planRef = new Reference("PlanDefinition/" + plan.getId()).setDisplay(arm.label());
      researchStudy.addProtocol(planRef.copy());
      ResearchStudy.ResearchStudyArmComponent armComponent = researchStudy.addArm();
      armComponent.setName(arm.label() != null ? arm.label() : "Arm " + (i + 1));
      armComponent.setType(Codings.registryConcept(CtgovVocabulary.ARM_GROUP_TYPE, arm.type()));
      armComponent.setDescription(arm.description());
      armComponent.addExtension(Codings.extension(TrialExtension.ARM_PLAN, planRef));
    }
    List<Study.Intervention> unassigned =
        interventions.stream().filter(intervention -> !assigned.contains(intervention)).toList();
    if (!unassigned.isEmpty()) {
      PlanDefinition plan =
          plan(
              Ids.unassignedInterventions(nctId),
              "Interventions not assigned to an arm",
              null,
              unassigned,
              concepts,
              planStatus);
      plans.add(plan);
      researchStudy.addProtocol(
          new Reference("PlanDefinition/" + plan.getId()).setDisplay(plan.getTitle()));
    }
    return plans;
  }

  /** An arm's interventions: named by the arm ("Drug: X") or naming the arm's label. */
  private static List<Study.Intervention> membersOf(
      Study.ArmGroup arm, List<Study.Intervention> all) {
    Set<String> names =
        new LinkedHashSet<>(arm.interventionNames() == null ? List.of() : arm.interventionNames());
    List<Study.Intervention> members = new ArrayList<>();
    for (Study.Intervention intervention : all) {
      boolean namedByArm =
          names.contains(qualifiedName(intervention)) || names.contains(intervention.name());
      boolean namesArm =
          arm.label() != null
              && intervention.armGroupLabels() != null
              && intervention.armGroupLabels().contains(arm.label());
      if (namedByArm || namesArm) {
        members.add(intervention);
      }
    }
    return members;
  }

  /** "Drug: Aspirin", the form arm groups use to name their interventions. */
  private static String qualifiedName(Study.Intervention intervention) {
    String type =
        intervention.type() == null
            ? ""
            : Codings.text(CtgovVocabulary.INTERVENTION_TYPE, intervention.type());
    return type + ": " + intervention.name();
  }

  private static Map<Study.Intervention, CodeableConcept> focus(
      List<Study.Intervention> interventions,
      Study.BrowseModule browse,
      ResearchStudy researchStudy) {
    List<String> names = new ArrayList<>();
    Map<String, List<String>> synonyms = new HashMap<>();
    for (Study.Intervention intervention : interventions) {
      String name = intervention.name() == null ? "" : intervention.name();
      names.add(name);
      if (intervention.otherNames() != null) {
        synonyms.computeIfAbsent(name, n -> new ArrayList<>()).addAll(intervention.otherNames());
      }
    }
    List<CodeableConcept> concepts = MeshTerms.concepts(names, synonyms, browse);
    Map<Study.Intervention, CodeableConcept> byIntervention = new IdentityHashMap<>();
    for (int i = 0; i < concepts.size(); i++) {
      CodeableConcept concept = concepts.get(i);
      if (i < interventions.size()) {
        Study.Intervention intervention = interventions.get(i);
        byIntervention.put(intervention, concept);
        if (intervention.type() != null) {
          concept.addExtension(
              Codings.extension(
                  TrialExtension.INTERVENTION_TYPE,
                  Codings.registryOrText(CtgovVocabulary.INTERVENTION_TYPE, intervention.type())));
        }
      }
      researchStudy.addFocus(concept);
    }
    return byIntervention;
  }

  private static PlanDefinition plan(
      String id,
      String title,
      String description,
      List<Study.Intervention> interventions,
      Map<Study.Intervention, CodeableConcept> concepts,
      PublicationStatus status) {
    PlanDefinition plan = new PlanDefinition();
    plan.setId(id);
    plan.setStatus(status);
    plan.setType(
        new CodeableConcept(
            new Coding(Canonical.PLAN_DEFINITION_TYPE, "clinical-protocol", "Clinical Protocol")));
    plan.setTitle(title);
    plan.setDescription(description);
    for (Study.Intervention intervention : interventions) {
      PlanDefinitionActionComponent action = plan.addAction();
      action.setTitle(intervention.name());
      action.setDescription(intervention.description());
      CodeableConcept concept = concepts.get(intervention);
      CodeableConcept code = new CodeableConcept().setText(intervention.name());
      concept.getCoding().forEach(coding -> code.addCoding(coding.copy()));
      action.addCode(code);
      if (intervention.type() != null) {
        action.addExtension(
            Codings.extension(
                TrialExtension.INTERVENTION_TYPE,
                Codings.registryOrText(CtgovVocabulary.INTERVENTION_TYPE, intervention.type())));
      }
      if (intervention.otherNames() != null) {
        for (String other : intervention.otherNames()) {
          action.addExtension(
              Codings.extension(TrialExtension.INTERVENTION_OTHER_NAME, new StringType(other)));
        }
      }
    }
    return plan;
  }

  /** Arms of a study that is open or planned are active; of one that ended, retired. */
  private static PublicationStatus planStatus(ResearchStudyStatus status) {
    return switch (status) {
      case ACTIVE,
          APPROVED,
          INREVIEW,
          TEMPORARILYCLOSEDTOACCRUAL,
          TEMPORARILYCLOSEDTOACCRUALANDINTERVENTION,
          CLOSEDTOACCRUAL ->
          PublicationStatus.ACTIVE;
      default -> PublicationStatus.RETIRED;
    };
  }
}
