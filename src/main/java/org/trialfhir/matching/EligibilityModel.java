package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialGraph;

/**
 * A study's computable eligibility: the structured criteria of its eligibility Group (age range,
 * sex, healthy volunteers, BMI limits) followed by the criteria parsed from its inclusion and
 * exclusion text, in text order.
 *
 * @param studyId the NCT id
 * @param criteria every criterion
 * @param conditions the concept ids of the study's own conditions ({@code ResearchStudy.condition}
 *     by MeSH code or name), which decide "does not accept healthy volunteers"
 * @param interventions the names of the study's interventions ({@code ResearchStudy.focus}), which
 *     decide "hypersensitivity to the study drug"
 */
public record EligibilityModel(
    String studyId, List<Criterion> criteria, List<String> conditions, List<String> interventions) {
  private static final String GROUP_SUFFIX = "-eligibility";

  public EligibilityModel {
    criteria = List.copyOf(criteria);
    conditions = List.copyOf(conditions);
    interventions = List.copyOf(interventions);
  }

  /** A model that knows nothing of the study beyond its criteria. */
  public EligibilityModel(String studyId, List<Criterion> criteria) {
    this(studyId, criteria, List.of(), List.of());
  }

  /** The model of a study's graph, with the standard parser. */
  public static EligibilityModel from(TrialGraph graph) {
    return from(graph.eligibility(), graph.researchStudy());
  }

  /**
   * The model of an eligibility Group with its study's conditions and interventions, with the
   * standard parser and concept table.
   */
  public static EligibilityModel from(Group group, ResearchStudy study) {
    Terminology terminology = Terminology.standard();
    Set<String> conditions = new LinkedHashSet<>();
    for (CodeableConcept condition : study.getCondition()) {
      for (Coding coding : condition.getCoding()) {
        if (coding.hasCode()) {
          terminology.conceptsOfMesh(coding.getCode()).stream()
              .filter(Concept::condition)
              .forEach(c -> conditions.add(c.id()));
        }
      }
      terminology
          .conceptNamed(condition.getText())
          .filter(Concept::condition)
          .ifPresent(c -> conditions.add(c.id()));
    }
    Set<String> interventions = new LinkedHashSet<>();
    for (CodeableConcept focus : study.getFocus()) {
      if (focus.hasText()) {
        interventions.add(focus.getText());
      }
      focus.getCoding().stream()
          .filter(Coding::hasDisplay)
          .forEach(c -> interventions.add(c.getDisplay()));
    }
    return new EligibilityModel(
        study.getIdElement().getIdPart(),
        from(group).criteria(),
        List.copyOf(conditions),
        List.copyOf(interventions));
  }

  /** The model of an eligibility Group as the mapping writes it, with the standard parser. */
  public static EligibilityModel from(Group group) {
    return from(group, CriteriaParser.standard());
  }

  /**
   * The model of an eligibility Group. Characteristics derived from text earlier (see {@link
   * EligibilityGroups#enrich}) are ignored: the text is parsed again, so the model always follows
   * the parser.
   */
  public static EligibilityModel from(Group group, CriteriaParser parser) {
    String id = group.getIdElement().getIdPart();
    String studyId =
        id != null && id.endsWith(GROUP_SUFFIX)
            ? id.substring(0, id.length() - GROUP_SUFFIX.length())
            : id;
    List<Criterion> structured = new ArrayList<>();
    List<Criterion> derived = new ArrayList<>();
    for (GroupCharacteristicComponent characteristic : group.getCharacteristic()) {
      String code = code(characteristic);
      if (code == null || isTextDerived(characteristic)) {
        continue;
      }
      switch (code) {
        case "age", "bmi" -> range(characteristic, code).ifPresent(structured::add);
        case "sex" -> sex(characteristic).ifPresent(structured::add);
        case "healthy-volunteers" -> {
          if (characteristic.hasValueBooleanType()) {
            boolean accepts = characteristic.getValueBooleanType().booleanValue();
            structured.add(
                new Criterion(
                    CriterionKind.HEALTHY_VOLUNTEERS,
                    false,
                    "Accepts healthy volunteers: " + (accepts ? "yes" : "no"),
                    Origin.STRUCTURED,
                    List.of(),
                    false,
                    false,
                    null,
                    Boolean.toString(accepts)));
          }
        }
        case "inclusion-criteria", "criteria-text" ->
            derived.addAll(parser.parsePart(text(characteristic), false));
        case "exclusion-criteria" -> derived.addAll(parser.parsePart(text(characteristic), true));
        default -> {}
      }
    }
    List<Criterion> all = new ArrayList<>(structured);
    all.addAll(derived);
    return new EligibilityModel(studyId, all);
  }

  /** The criteria derived from the text. */
  public List<Criterion> textDerived() {
    return criteria.stream().filter(c -> c.origin() == Origin.TEXT_DERIVED).toList();
  }

  private static String code(GroupCharacteristicComponent characteristic) {
    for (Coding coding : characteristic.getCode().getCoding()) {
      if (LocalCode.ELIGIBILITY_CHARACTERISTIC.system().equals(coding.getSystem())) {
        return coding.getCode();
      }
    }
    return null;
  }

  /** Whether a characteristic was derived from the criteria text (by {@link EligibilityGroups}). */
  static boolean isTextDerived(GroupCharacteristicComponent characteristic) {
    Extension source = characteristic.getExtensionByUrl(TrialExtension.CHARACTERISTIC_SOURCE.url());
    if (source == null) {
      return false;
    }
    Extension method = source.getExtensionByUrl("method");
    return method != null
        && method.getValue() instanceof Coding coding
        && Origin.TEXT_DERIVED.code().equals(coding.getCode());
  }

  private static Origin origin(GroupCharacteristicComponent characteristic) {
    Extension source = characteristic.getExtensionByUrl(TrialExtension.CHARACTERISTIC_SOURCE.url());
    Extension method = source == null ? null : source.getExtensionByUrl("method");
    return method != null
            && method.getValue() instanceof Coding coding
            && Origin.REGISTRY_PREDICTION.code().equals(coding.getCode())
        ? Origin.REGISTRY_PREDICTION
        : Origin.STRUCTURED;
  }

  private static String text(GroupCharacteristicComponent characteristic) {
    return characteristic.hasValueCodeableConcept()
        ? characteristic.getValueCodeableConcept().getText()
        : "";
  }

  private static Optional<Criterion> range(
      GroupCharacteristicComponent characteristic, String code) {
    if (!characteristic.hasValueRange()) {
      return Optional.empty();
    }
    Range range = characteristic.getValueRange();
    Quantity low = range.hasLow() ? range.getLow() : null;
    Quantity high = range.hasHigh() ? range.getHigh() : null;
    String unit = low != null ? low.getCode() : high.getCode();
    Interval interval = new Interval(value(low), low != null, value(high), high != null, unit);
    CriterionKind kind = code.equals("age") ? CriterionKind.AGE : CriterionKind.BMI;
    String sentence =
        (kind == CriterionKind.AGE ? "Age" : "Body mass index")
            + (low != null ? " from " + describe(low) : "")
            + (high != null ? " to " + describe(high) : "");
    return Optional.of(
        new Criterion(
            kind,
            characteristic.getExclude(),
            sentence,
            origin(characteristic),
            List.of(),
            false,
            false,
            interval,
            null));
  }

  private static BigDecimal value(Quantity quantity) {
    return quantity == null ? null : quantity.getValue();
  }

  private static String describe(Quantity quantity) {
    return quantity.getValue().stripTrailingZeros().toPlainString() + " " + quantity.getUnit();
  }

  private static Optional<Criterion> sex(GroupCharacteristicComponent characteristic) {
    if (!characteristic.hasValueCodeableConcept()) {
      return Optional.empty();
    }
    return characteristic.getValueCodeableConcept().getCoding().stream()
        .filter(c -> c.hasCode() && c.getCode().matches("female|male"))
        .findFirst()
        .map(
            c ->
                new Criterion(
                    CriterionKind.SEX,
                    characteristic.getExclude(),
                    "Sex: " + characteristic.getValueCodeableConcept().getText(),
                    Origin.STRUCTURED,
                    List.of(),
                    false,
                    false,
                    null,
                    c.getCode()));
  }
}
