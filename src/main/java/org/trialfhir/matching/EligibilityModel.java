package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
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
 */
public record EligibilityModel(String studyId, List<Criterion> criteria) {
  private static final String GROUP_SUFFIX = "-eligibility";

  public EligibilityModel {
    criteria = List.copyOf(criteria);
  }

  /** The model of a study's graph, with the standard parser. */
  public static EligibilityModel from(TrialGraph graph) {
    return new EligibilityModel(
        graph.researchStudy().getIdElement().getIdPart(), from(graph.eligibility()).criteria());
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
