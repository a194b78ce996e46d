package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;

/**
 * Writes the criteria derived from the text back into the eligibility Group as characteristics,
 * each marked machine-derived ({@code characteristic-source}: method {@code text-derived} and the
 * source sentence): conditions with their MeSH, SNOMED CT and ICD-10-CM codings, labs with their
 * LOINC codings and a UCUM value, medications with their RxNorm codings, procedures with their
 * SNOMED CT codings, allergies, pregnancy, breastfeeding, ECOG and ages, and the sentences not
 * understood as {@code other}. A window ("within 4 weeks") is the qualifier's {@code within}.
 */
public final class EligibilityGroups {
  private static final String MESH = Canonical.MESH;

  private EligibilityGroups() {}

  /**
   * A copy of the Group with one characteristic per text-derived criterion of the model appended
   * (characteristics derived earlier are replaced).
   */
  public static Group enrich(Group group, EligibilityModel model, Terminology terminology) {
    Group enriched = group.copy();
    enriched.getCharacteristic().removeIf(EligibilityModel::isTextDerived);
    for (Criterion criterion : model.textDerived()) {
      enriched.addCharacteristic(characteristic(criterion, terminology));
    }
    return enriched;
  }

  static GroupCharacteristicComponent characteristic(Criterion criterion, Terminology terminology) {
    GroupCharacteristicComponent characteristic = new GroupCharacteristicComponent();
    CodeableConcept code = new CodeableConcept(local(criterion.kind().code()));
    characteristic.setCode(code);
    characteristic.setExclude(criterion.exclusion());
    characteristic.setValue(value(criterion, code, terminology));
    if (criterion.kind() == CriterionKind.CONDITION
        || criterion.kind() == CriterionKind.MEDICATION
        || criterion.kind() == CriterionKind.PROCEDURE
        || criterion.kind() == CriterionKind.ALLERGY) {
      Extension qualifier = new Extension(TrialExtension.CRITERION_QUALIFIER.url());
      if (criterion.history()) {
        qualifier.addExtension("history", new BooleanType(true));
      }
      if (criterion.qualified()) {
        qualifier.addExtension("qualified", new BooleanType(true));
      }
      if (criterion.concepts().size() > 1) {
        qualifier.addExtension("anyOf", new BooleanType(true));
      }
      if (criterion.range() != null && criterion.range().high() != null) {
        qualifier.addExtension(
            "within", quantity(criterion.range().high(), criterion.range().unit()));
      }
      if (qualifier.hasExtension()) {
        characteristic.addExtension(qualifier);
      }
    }
    Extension source = new Extension(TrialExtension.CHARACTERISTIC_SOURCE.url());
    source.addExtension(
        "method",
        new Coding(
            LocalCode.CHARACTERISTIC_METHOD.system(),
            Origin.TEXT_DERIVED.code(),
            LocalCode.CHARACTERISTIC_METHOD.display(Origin.TEXT_DERIVED.code())));
    source.addExtension("sentence", new StringType(criterion.sentence()));
    characteristic.addExtension(source);
    return characteristic;
  }

  private static Type value(Criterion criterion, CodeableConcept code, Terminology terminology) {
    return switch (criterion.kind()) {
      case CONDITION, MEDICATION, PROCEDURE -> coded(criterion.concepts(), terminology);
      case ALLERGY ->
          Criterion.STUDY_DRUG.equals(criterion.value())
              ? new CodeableConcept().setText("the study's intervention")
              : coded(criterion.concepts(), terminology);
      case LAB -> {
        terminology
            .concept(criterion.concepts().get(0))
            .ifPresent(
                lab -> {
                  lab.loinc()
                      .forEach(loinc -> code.addCoding(new Coding(Terminology.LOINC, loinc, null)));
                  code.setText(lab.name());
                });
        yield range(criterion.range());
      }
      case AGE, BMI, ECOG -> range(criterion.range());
      case PREGNANCY, BREASTFEEDING -> new BooleanType(true);
      case SEX ->
          new CodeableConcept(new Coding(Canonical.ADMINISTRATIVE_GENDER, criterion.value(), null));
      case HEALTHY_VOLUNTEERS -> new BooleanType(Boolean.parseBoolean(criterion.value()));
      case OTHER -> new CodeableConcept().setText(criterion.sentence());
    };
  }

  private static CodeableConcept coded(List<String> ids, Terminology terminology) {
    CodeableConcept value = new CodeableConcept();
    List<Concept> concepts =
        ids.stream().map(terminology::concept).flatMap(java.util.Optional::stream).toList();
    for (Concept concept : concepts) {
      concept.mesh().forEach(c -> value.addCoding(new Coding(MESH, c, concept.name())));
      concept.snomed().forEach(c -> value.addCoding(new Coding(Terminology.SNOMED, c, null)));
      concept.icd10cm().forEach(c -> value.addCoding(new Coding(Terminology.ICD10CM, c, null)));
      concept.rxnorm().forEach(c -> value.addCoding(new Coding(Terminology.RXNORM, c, null)));
    }
    value.setText(concepts.stream().map(Concept::name).collect(Collectors.joining(" or ")));
    return value;
  }

  /**
   * One bound as a Quantity with its comparator ({@code < 350}); two bounds as a Range (whose ends
   * are inclusive, as R4 defines them).
   */
  private static Type range(Interval interval) {
    if (interval.low() != null && interval.high() != null) {
      return new Range()
          .setLow(quantity(interval.low(), interval.unit()))
          .setHigh(quantity(interval.high(), interval.unit()));
    }
    boolean low = interval.low() != null;
    Quantity quantity = quantity(low ? interval.low() : interval.high(), interval.unit());
    boolean inclusive = low ? interval.lowInclusive() : interval.highInclusive();
    quantity.setComparator(
        low
            ? (inclusive
                ? Quantity.QuantityComparator.GREATER_OR_EQUAL
                : Quantity.QuantityComparator.GREATER_THAN)
            : (inclusive
                ? Quantity.QuantityComparator.LESS_OR_EQUAL
                : Quantity.QuantityComparator.LESS_THAN));
    return quantity;
  }

  private static Quantity quantity(BigDecimal value, String unit) {
    Quantity quantity = new Quantity().setValue(value);
    if (unit != null) {
      quantity.setUnit(unit).setSystem(Canonical.UCUM).setCode(unit);
    }
    return quantity;
  }

  private static Coding local(String code) {
    LocalCode system = LocalCode.ELIGIBILITY_CHARACTERISTIC;
    return new Coding(system.system(), code, system.display(code));
  }
}
