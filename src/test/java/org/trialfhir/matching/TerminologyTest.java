package org.trialfhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;

/**
 * The concept table: every code has the syntax of its system (SNOMED CT ids pass their Verhoeff
 * check digit, LOINC codes their mod-10 check digit), every row cites a source, every laboratory
 * test has a LOINC code and a valid UCUM unit, and lookups by code work.
 */
class TerminologyTest {
  /** MeSH descriptor UIs: six digits up to D066xxx, nine (D000067xxx on) for newer ones. */
  private static final Pattern MESH =
      Pattern.compile("D0[0-6]\\d{4}|D0000(6[7-9]|[7-9]\\d)\\d{3}|D0001\\d{5}");

  private static final Pattern ICD10CM = Pattern.compile("[A-Z]\\d[0-9AB](\\.[0-9A-Z]{1,4})?");
  private static final Pattern SCTID = Pattern.compile("[1-9]\\d{5,17}");
  private static final Pattern LOINC = Pattern.compile("\\d{1,7}-\\d");
  private final Terminology terminology = Terminology.standard();

  @Test
  void everyCodeHasTheSyntaxOfItsSystem() {
    for (Concept concept : terminology.concepts()) {
      assertThat(concept.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(concept.source()).as(concept.id()).isNotBlank();
      assertThat(concept.mesh()).as(concept.id()).allMatch(c -> MESH.matcher(c).matches());
      assertThat(concept.icd10cm()).as(concept.id()).allMatch(c -> ICD10CM.matcher(c).matches());
      assertThat(concept.snomed())
          .as(concept.id())
          .allMatch(c -> SCTID.matcher(c).matches() && verhoeff(c));
      assertThat(concept.loinc())
          .as(concept.id())
          .allMatch(c -> LOINC.matcher(c).matches() && loincCheckDigit(c));
    }
  }

  @Test
  void everyLabHasLoincAndAValidUcumUnit() {
    assertThat(terminology.concepts().stream().filter(Concept::lab)).hasSizeGreaterThan(15);
    for (Concept lab : terminology.concepts().stream().filter(Concept::lab).toList()) {
      assertThat(lab.loinc()).as(lab.id()).isNotEmpty();
      assertThat(Units.isValid(lab.unit())).as(lab.id() + " " + lab.unit()).isTrue();
    }
  }

  @Test
  void codesFindTheirConcepts() {
    assertThat(terminology.conceptsOf(new Coding(Terminology.SNOMED, "86406008", null)))
        .extracting(Concept::id)
        .containsExactly("hiv-infections");
    assertThat(terminology.conceptsOf(new Coding(Terminology.ICD10CM, "B20", null)))
        .extracting(Concept::id)
        .contains("hiv-infections");
    assertThat(terminology.conceptsOf(new Coding(Terminology.ICD10CM, "C50.911", null)))
        .extracting(Concept::id)
        .contains("breast-neoplasms");
    assertThat(terminology.conceptsOf(new Coding(Terminology.LOINC, "24467-3", null)))
        .extracting(Concept::id)
        .containsExactly("cd4");
    assertThat(terminology.withBroader("hiv-2-infection")).contains("hiv-infections");
    assertThat(terminology.withBroader("breast-neoplasms")).contains("neoplasms");
    assertThat(terminology.conceptNamed("HIV-2 infection"))
        .map(Concept::id)
        .hasValue("hiv-2-infection");
  }

  @Test
  void cellCountsCompareAcrossUnits() {
    BigDecimal cells = new BigDecimal("350");
    assertThat(Units.convert(cells, "{cells}/uL", "10*9/L"))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.35"));
    assertThat(Units.convert(cells, "{cells}/uL", "/mm3"))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("350"));
    assertThat(Units.convert(new BigDecimal("1.5"), "10*9/L", "10*3/uL"))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1.5"));
    assertThat(Units.convert(new BigDecimal("100000"), "/mm3", "10*3/uL"))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("100"));
    assertThat(Units.convert(new BigDecimal("9"), "g/dL", "g/L"))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("90"));
    assertThat(Units.convert(new BigDecimal("60"), "mL/min/{1.73_m2}", "mL/min")).isPresent();
    assertThat(Units.convert(new BigDecimal("7"), "%", "mmol/mol")).isEmpty();
    assertThat(Units.isValid("cells/uL")).isFalse();
  }

  @Test
  void verhoeffAndLoincChecksRejectWrongCheckDigits() {
    assertThat(verhoeff("86406008")).isTrue();
    assertThat(verhoeff("86406009")).isFalse();
    assertThat(loincCheckDigit("24467-3")).isTrue();
    assertThat(loincCheckDigit("24467-4")).isFalse();
  }

  private static final int[][] D = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
  };
  private static final int[][] P = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}
  };

  /** SNOMED CT identifiers end in a Verhoeff check digit. */
  static boolean verhoeff(String id) {
    int c = 0;
    for (int i = 0; i < id.length(); i++) {
      int digit = id.charAt(id.length() - 1 - i) - '0';
      c = D[c][P[i % 8][digit]];
    }
    return c == 0;
  }

  /** LOINC's mod-10 check digit (the digit after the hyphen). */
  static boolean loincCheckDigit(String code) {
    String body = code.substring(0, code.indexOf('-'));
    int check = code.charAt(code.length() - 1) - '0';
    StringBuilder odd = new StringBuilder();
    StringBuilder even = new StringBuilder();
    for (int i = body.length() - 1, position = 0; i >= 0; i--, position++) {
      (position % 2 == 0 ? odd : even).insert(0, body.charAt(i));
    }
    String doubled = Long.toString(Long.parseLong(odd.toString()) * 2);
    int sum = 0;
    for (char ch : (doubled + even).toCharArray()) {
      sum += ch - '0';
    }
    return (10 - sum % 10) % 10 == check;
  }
}
