package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.trialfhir.ctgov.CtgovValues;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.ctgov.Study;

/**
 * {@code eligibilityModule} (+ enrollment, + the registry's BMI prediction) → the eligibility Group
 * referenced by {@code ResearchStudy.enrollment}.
 */
public final class EligibilityMapper {
  private static final Pattern HEADING =
      Pattern.compile(
          "(?im)^[ \\t*#_-]*(?:key |main |major |general |specific |additional )?"
              + "(inclusion|exclusion|eligibility)(?: criteria)?\\b[^\\n:]{0,40}:?[ \\t*_]*$");

  private EligibilityMapper() {}

  /** A part of the criteria text: its kind (inclusion, exclusion or other) and verbatim text. */
  public record CriteriaPart(String kind, String text) {}

  public static Group map(Study study) {
    String nctId = study.nctId();
    Study.ProtocolSection protocol = study.protocolSection();
    Study.EligibilityModule eligibility = protocol.eligibilityModule();
    Group group = new Group();
    group.setId(Ids.eligibilityGroup(nctId));
    group.setType(Group.GroupType.PERSON).setActual(false);
    group.setName("Eligibility criteria of " + nctId);
    enrollment(group, protocol.designModule());
    if (eligibility != null) {
      age(group, eligibility);
      sex(group, eligibility);
      if (eligibility.healthyVolunteers() != null) {
        characteristic(group, "healthy-volunteers")
            .setValue(new BooleanType(eligibility.healthyVolunteers()));
      }
      stdAges(group, eligibility.stdAges());
      criteria(group, eligibility);
    }
    bmi(group, study.derivedSection());
    return group;
  }

  private static void enrollment(Group group, Study.DesignModule design) {
    Study.EnrollmentInfo info = design == null ? null : design.enrollmentInfo();
    if (info == null || info.count() == null) {
      return;
    }
    UnsignedIntType quantity = new UnsignedIntType(info.count());
    if (info.type() != null) {
      quantity.addExtension(
          Codings.extension(
              TrialExtension.ENROLLMENT_TYPE,
              Codings.registryOrText(CtgovVocabulary.ENROLLMENT_TYPE, info.type())));
    }
    group.setQuantityElement(quantity);
  }

  private static void age(Group group, Study.EligibilityModule eligibility) {
    CtgovValues.Age min = CtgovValues.parseAge(eligibility.minimumAge());
    CtgovValues.Age max = CtgovValues.parseAge(eligibility.maximumAge());
    if (min == null && max == null) {
      return;
    }
    if (min != null && max != null && !min.ucum().equals(max.ucum())) {
      // Range bounds must be comparable (rng-2): express both in the finer unit.
      String unit = commonUnit(min.ucum(), max.ucum());
      min = inUnit(min, unit);
      max = inUnit(max, unit);
    }
    Range range = new Range();
    if (min != null) {
      range.setLow(Codings.ucum(min.value(), min.unit(), min.ucum()));
    }
    if (max != null) {
      range.setHigh(Codings.ucum(max.value(), max.unit(), max.ucum()));
    }
    characteristic(group, "age").setValue(range);
  }

  /** Minutes per UCUM time unit, as UCUM defines them (a = 365.25 d, mo = a/12). */
  private static final Map<String, BigDecimal> MINUTES =
      Map.of(
          "a", new BigDecimal(525960),
          "mo", new BigDecimal(43830),
          "wk", new BigDecimal(10080),
          "d", new BigDecimal(1440),
          "h", new BigDecimal(60),
          "min", BigDecimal.ONE);

  private static final Map<String, String> UNIT_NAMES =
      Map.of(
          "a", "years", "mo", "months", "wk", "weeks", "d", "days", "h", "hours", "min", "minutes");

  /** The finer of two units; weeks only when both are weeks (months and years divide into days). */
  static String commonUnit(String a, String b) {
    String finer = MINUTES.get(a).compareTo(MINUTES.get(b)) < 0 ? a : b;
    return finer.equals("wk") ? "d" : finer;
  }

  /** The same age in another (finer) unit; exact, since the factors are terminating decimals. */
  static CtgovValues.Age inUnit(CtgovValues.Age age, String unit) {
    if (age.ucum().equals(unit)) {
      return age;
    }
    BigDecimal value =
        age.value()
            .multiply(MINUTES.get(age.ucum()))
            .divide(MINUTES.get(unit))
            .stripTrailingZeros();
    if (value.scale() < 0) {
      value = value.setScale(0);
    }
    return new CtgovValues.Age(value, UNIT_NAMES.get(unit), unit);
  }

  private static void sex(Group group, Study.EligibilityModule eligibility) {
    String sex = eligibility.sex();
    if (sex != null && !"ALL".equals(sex)) {
      CodeableConcept value = new CodeableConcept();
      switch (sex) {
        case "FEMALE" ->
            value.addCoding(new Coding(Canonical.ADMINISTRATIVE_GENDER, "female", "Female"));
        case "MALE" -> value.addCoding(new Coding(Canonical.ADMINISTRATIVE_GENDER, "male", "Male"));
        default -> {}
      }
      value.setText(Codings.text(CtgovVocabulary.SEX, sex));
      characteristic(group, "sex").setValue(value);
    }
    if (eligibility.genderBased() != null) {
      Extension genderBased = Codings.extension(TrialExtension.GENDER_BASED, null);
      genderBased.addExtension("genderBased", new BooleanType(eligibility.genderBased()));
      Codings.part(genderBased, "description", Codings.string(eligibility.genderDescription()));
      group.addExtension(genderBased);
    }
  }

  private static void stdAges(Group group, List<String> stdAges) {
    if (stdAges == null || stdAges.isEmpty()) {
      return;
    }
    CodeableConcept value = new CodeableConcept();
    List<String> texts = new ArrayList<>();
    for (String age : stdAges) {
      Codings.addRegistryCoding(value, CtgovVocabulary.STD_AGE, age);
      texts.add(Codings.text(CtgovVocabulary.STD_AGE, age));
    }
    value.setText(String.join(", ", texts));
    characteristic(group, "std-age-group").setValue(value);
  }

  private static void criteria(Group group, Study.EligibilityModule eligibility) {
    String text = eligibility.eligibilityCriteria();
    if (eligibility.studyPopulation() != null) {
      group.addExtension(
          Codings.extension(
              TrialExtension.STUDY_POPULATION, new MarkdownType(eligibility.studyPopulation())));
    }
    if (eligibility.samplingMethod() != null) {
      group.addExtension(
          Codings.extension(
              TrialExtension.SAMPLING_METHOD,
              Codings.registryOrText(
                  CtgovVocabulary.SAMPLING_METHOD, eligibility.samplingMethod())));
    }
    if (text == null || text.isBlank()) {
      return;
    }
    group.addExtension(
        Codings.extension(TrialExtension.ELIGIBILITY_CRITERIA, new MarkdownType(text)));
    for (CriteriaPart part : split(text)) {
      String code =
          switch (part.kind()) {
            case "inclusion" -> "inclusion-criteria";
            case "exclusion" -> "exclusion-criteria";
            default -> "criteria-text";
          };
      characteristic(group, code)
          .setValue(new CodeableConcept().setText(part.text()))
          .setExclude("exclusion".equals(part.kind()));
    }
  }

  /**
   * Splits criteria text at its "Inclusion Criteria:" / "Exclusion Criteria:" headings. Text before
   * the first heading, or under another heading, is of kind "other". Each part is verbatim (only
   * the heading line is left out, and surrounding blank lines trimmed).
   */
  public static List<CriteriaPart> split(String text) {
    List<CriteriaPart> parts = new ArrayList<>();
    Matcher m = HEADING.matcher(text);
    String kind = "other";
    int start = 0;
    while (m.find()) {
      addPart(parts, kind, text.substring(start, m.start()));
      String word = m.group(1).toLowerCase(java.util.Locale.ROOT);
      kind = word.equals("eligibility") ? "other" : word;
      start = m.end();
    }
    addPart(parts, kind, text.substring(start));
    return parts;
  }

  private static void addPart(List<CriteriaPart> parts, String kind, String text) {
    String trimmed = text.strip();
    if (!trimmed.isEmpty()) {
      parts.add(new CriteriaPart(kind, trimmed));
    }
  }

  private static void bmi(Group group, Study.DerivedSection derived) {
    Study.BmiLimits limits =
        derived == null
                || derived.miscInfoModule() == null
                || derived.miscInfoModule().modelPredictions() == null
            ? null
            : derived.miscInfoModule().modelPredictions().bmiLimits();
    if (limits == null || (limits.minBmi() == null && limits.maxBmi() == null)) {
      return;
    }
    Range range = new Range();
    if (limits.minBmi() != null) {
      range.setLow(Codings.ucum(BigDecimal.valueOf(limits.minBmi()), "kg/m2", "kg/m2"));
    }
    if (limits.maxBmi() != null) {
      range.setHigh(Codings.ucum(BigDecimal.valueOf(limits.maxBmi()), "kg/m2", "kg/m2"));
    }
    GroupCharacteristicComponent bmi = characteristic(group, "bmi").setValue(range);
    Extension source = Codings.extension(TrialExtension.CHARACTERISTIC_SOURCE, null);
    source.addExtension(
        "method", Codings.local(LocalCode.CHARACTERISTIC_METHOD, "registry-prediction"));
    bmi.addExtension(source);
  }

  private static GroupCharacteristicComponent characteristic(Group group, String code) {
    GroupCharacteristicComponent characteristic = group.addCharacteristic();
    characteristic.setCode(
        new CodeableConcept(Codings.local(LocalCode.ELIGIBILITY_CHARACTERISTIC, code)));
    characteristic.setExclude(false);
    return characteristic;
  }
}
