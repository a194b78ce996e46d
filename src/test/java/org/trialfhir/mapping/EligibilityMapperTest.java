package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Group.GroupCharacteristicComponent;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.Test;
import org.trialfhir.ctgov.Study;
import org.trialfhir.mapping.EligibilityMapper.CriteriaPart;

class EligibilityMapperTest {

  static Study study(Study.EligibilityModule eligibility, Study.EnrollmentInfo enrollment) {
    var id =
        new Study.IdentificationModule(
            "NCT00000001", null, null, null, null, "A study", null, null);
    var design =
        new Study.DesignModule(
            "INTERVENTIONAL", null, null, List.of("PHASE2"), null, null, enrollment);
    var protocol =
        new Study.ProtocolSection(
            id, null, null, null, null, null, design, null, null, eligibility, null, null, null);
    return new Study(protocol, null, null, false);
  }

  static Study.EligibilityModule eligibility(String criteria, String sex, String min, String max) {
    return new Study.EligibilityModule(
        criteria, true, sex, null, null, min, max, List.of("ADULT"), null, null);
  }

  private static GroupCharacteristicComponent characteristic(Group group, String code) {
    return group.getCharacteristic().stream()
        .filter(c -> c.getCode().getCodingFirstRep().getCode().equals(code))
        .findFirst()
        .orElse(null);
  }

  @Test
  void ageRangeInUcumWithAnOpenUpperEnd() {
    Group group = EligibilityMapper.map(study(eligibility("x", "ALL", "6 Months", null), null));
    Range range = characteristic(group, "age").getValueRange();
    assertThat(range.getLow().getValue()).isEqualByComparingTo(new BigDecimal(6));
    assertThat(range.getLow().getCode()).isEqualTo("mo");
    assertThat(range.getLow().getSystem()).isEqualTo(Canonical.UCUM);
    assertThat(range.hasHigh()).isFalse();
  }

  @Test
  void sexIsOmittedForAllAndCodedOtherwise() {
    assertThat(
            characteristic(
                EligibilityMapper.map(study(eligibility("x", "ALL", null, null), null)), "sex"))
        .isNull();
    var female =
        characteristic(
            EligibilityMapper.map(study(eligibility("x", "FEMALE", null, null), null)), "sex");
    assertThat(female.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("female");
  }

  @Test
  void enrollmentKeepsActualOrEstimated() {
    Group group =
        EligibilityMapper.map(
            study(eligibility("x", "ALL", null, null), new Study.EnrollmentInfo(150, "ESTIMATED")));
    assertThat(group.getQuantity()).isEqualTo(150);
    assertThat(
            group
                .getQuantityElement()
                .getExtensionByUrl(TrialExtension.ENROLLMENT_TYPE.url())
                .getValue())
        .extracting("code")
        .isEqualTo("ESTIMATED");
  }

  @Test
  void criteriaAreKeptVerbatimAndSplitIntoInclusionAndExclusion() {
    String text =
        "Inclusion Criteria:\n\n* Age 18 or older\n* HbA1c between 7% and 10%\n\nExclusion Criteria:\n\n* Pregnant";
    Group group = EligibilityMapper.map(study(eligibility(text, "ALL", null, null), null));
    assertThat(
            group
                .getExtensionByUrl(TrialExtension.ELIGIBILITY_CRITERIA.url())
                .getValue()
                .primitiveValue())
        .isEqualTo(text);
    var inclusion = characteristic(group, "inclusion-criteria");
    assertThat(inclusion.getValueCodeableConcept().getText())
        .isEqualTo("* Age 18 or older\n* HbA1c between 7% and 10%");
    assertThat(inclusion.getExclude()).isFalse();
    var exclusion = characteristic(group, "exclusion-criteria");
    assertThat(exclusion.getValueCodeableConcept().getText()).isEqualTo("* Pregnant");
    assertThat(exclusion.getExclude()).isTrue();
  }

  @Test
  void splitKeepsTextBeforeAnyHeadingAndHandlesKeyHeadings() {
    List<CriteriaPart> parts =
        EligibilityMapper.split(
            "Patients with asthma.\n\nKey Inclusion Criteria:\n- a\nKEY EXCLUSION CRITERIA\n- b");
    assertThat(parts)
        .containsExactly(
            new CriteriaPart("other", "Patients with asthma."),
            new CriteriaPart("inclusion", "- a"),
            new CriteriaPart("exclusion", "- b"));
  }

  @Test
  void textWithoutHeadingsIsOneOtherPart() {
    assertThat(EligibilityMapper.split("Adults with type 2 diabetes"))
        .containsExactly(new CriteriaPart("other", "Adults with type 2 diabetes"));
  }

  @Test
  void boundsInDifferentUnitsAreExpressedInTheFinerOne() {
    Range months =
        characteristic(
                EligibilityMapper.map(study(eligibility("x", "ALL", "6 Months", "17 Years"), null)),
                "age")
            .getValueRange();
    assertThat(months.getLow().getValue()).isEqualByComparingTo("6");
    assertThat(months.getHigh().getValue()).isEqualByComparingTo("204");
    assertThat(months.getHigh().getCode()).isEqualTo("mo");
    Range days =
        characteristic(
                EligibilityMapper.map(study(eligibility("x", "ALL", "30 Days", "30 Years"), null)),
                "age")
            .getValueRange();
    assertThat(days.getHigh().getValue()).isEqualByComparingTo("10957.5");
    assertThat(days.getHigh().getUnit()).isEqualTo("days");
    Range weeks =
        characteristic(
                EligibilityMapper.map(study(eligibility("x", "ALL", "2 Weeks", "1 Month"), null)),
                "age")
            .getValueRange();
    assertThat(weeks.getLow().getValue()).isEqualByComparingTo("14");
    assertThat(weeks.getHigh().getValue()).isEqualByComparingTo("30.4375");
  }
}
