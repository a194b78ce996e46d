package org.trialfhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Group;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NCT05939167 (MSC for late-stage AIDS): an adult with confirmed HIV and CD4 280 cells/uL is at
 * least possibly eligible; the same patient with hepatitis B, CD4 500, aged 70, pregnant or with
 * HIV-2 is not, and the deciding criterion is named.
 */
class Nct05939167MatchTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
  private static final String HIV = "86406008";
  private static final String CD4 = "24467-3";
  private static EligibilityModel model;

  @BeforeAll
  static void readTheExample() throws IOException {
    Path bundleFile =
        Path.of(System.getProperty("project.basedir", "."))
            .resolve("examples/NCT05939167/bundle.json");
    Bundle bundle =
        FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(Bundle.class, Files.readString(bundleFile));
    Group group =
        bundle.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Group.class::isInstance)
            .map(Group.class::cast)
            .findFirst()
            .orElseThrow();
    model = EligibilityModel.from(group);
  }

  private static TestPatients adultWithHiv(String id, LocalDate birthDate, String cd4) {
    return TestPatients.patient(id, AdministrativeGender.FEMALE, birthDate)
        .condition(HIV, "Human immunodeficiency virus infection (disorder)")
        .observation(CD4, "900", "/uL", TODAY.minusYears(2))
        .observation(CD4, cd4, "/uL", TODAY.minusMonths(1));
  }

  private static MatchResult evaluate(TestPatients patient) {
    return Matcher.standard().evaluate(patient.data(), model, TODAY);
  }

  @Test
  void adultWithHivAndLowCd4IsAtLeastPossiblyEligible() {
    MatchResult result = evaluate(adultWithHiv("p1", LocalDate.of(1980, 3, 1), "280"));

    assertThat(result.verdict()).isIn(Verdict.ELIGIBLE, Verdict.POSSIBLY_ELIGIBLE);
    assertThat(result.notMet()).isEmpty();
    assertThat(outcome(result, "include condition hiv-infections")).isEqualTo(Outcome.MET);
    CriterionResult cd4 = result(result, "include lab cd4 <350 {cells}/uL");
    assertThat(cd4.outcome()).isEqualTo(Outcome.MET);
    assertThat(cd4.evidence().getIdElement().getIdPart()).isEqualTo("p1-observation-3");
    assertThat(outcome(result, "include age [18,65] a")).isEqualTo(Outcome.MET);
    assertThat(outcome(result, "exclude condition hiv-2-infection")).isEqualTo(Outcome.MET);
    assertThat(result.unknown())
        .extracting(r -> r.criterion().kind())
        .contains(CriterionKind.OTHER);
  }

  @Test
  void hepatitisBExcludes() {
    MatchResult result =
        evaluate(
            adultWithHiv("p2", LocalDate.of(1980, 3, 1), "280")
                .condition("61977001", "Chronic type B viral hepatitis (disorder)"));

    assertDecidedBy(result, "exclude condition hepatitis-b|hepatitis-c|hepatitis-d|hepatitis-e");
  }

  @Test
  void cd4Of500Excludes() {
    assertDecidedBy(
        evaluate(adultWithHiv("p3", LocalDate.of(1980, 3, 1), "500")),
        "include lab cd4 <350 {cells}/uL");
  }

  @Test
  void cd4InAnotherUnitIsConvertedWithUcum() {
    TestPatients patient =
        TestPatients.patient("p4", AdministrativeGender.MALE, LocalDate.of(1980, 3, 1))
            .condition(HIV, "HIV")
            .observation(CD4, "0.5", "10*9/L", TODAY);

    assertDecidedBy(evaluate(patient), "include lab cd4 <350 {cells}/uL");
  }

  @Test
  void aged70Excludes() {
    assertDecidedBy(
        evaluate(adultWithHiv("p5", TODAY.minusYears(70), "280")), "include age [18,65] a");
  }

  @Test
  void pregnancyExcludes() {
    MatchResult result =
        evaluate(
            adultWithHiv("p6", LocalDate.of(1990, 5, 5), "280")
                .condition("72892002", "Normal pregnancy"));

    assertDecidedBy(result, "exclude pregnancy");
  }

  @Test
  void hiv2Excludes() {
    MatchResult result =
        evaluate(
            adultWithHiv("p7", LocalDate.of(1980, 3, 1), "280").condition(null, "HIV-2 infection"));

    assertDecidedBy(result, "exclude condition hiv-2-infection");
  }

  private static void assertDecidedBy(MatchResult result, String notation) {
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_ELIGIBLE);
    assertThat(result.notMet()).extracting(r -> r.criterion().notation()).containsExactly(notation);
    assertThat(result.notMet().get(0).evidence()).isNotNull();
  }

  private static Outcome outcome(MatchResult result, String notation) {
    return result(result, notation).outcome();
  }

  private static CriterionResult result(MatchResult result, String notation) {
    return result.results().stream()
        .filter(r -> r.criterion().notation().equals(notation))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no criterion " + notation));
  }
}
