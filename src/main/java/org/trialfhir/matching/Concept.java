package org.trialfhir.matching;

import java.util.List;

/**
 * One row of the curated concept table ({@code matching/concepts.tsv}).
 *
 * @param id stable id, lower case with hyphens ({@code hiv-infection}, {@code cd4})
 * @param kind a condition, a laboratory test, a medication (an ingredient or a class of them) or a
 *     procedure
 * @param name preferred name
 * @param mesh MeSH descriptor ids (7-character form, {@code D015658})
 * @param snomed SNOMED CT concept ids
 * @param icd10cm ICD-10-CM codes; a patient code matches when it equals one or lies below it
 *     (ICD-10-CM is hierarchical by prefix: {@code B18.1} is below {@code B18})
 * @param loinc LOINC codes of a laboratory test
 * @param rxnorm RxNorm codes of a medication (ingredients, or clinical drugs that contain it)
 * @param unit canonical UCUM unit of a laboratory test
 * @param synonyms lower-case phrases that name the concept in criteria text (for a medication
 *     ingredient, also in the text of a patient's medication)
 * @param broader ids of broader concepts in the table (a patient with a narrower concept has the
 *     broader one too)
 * @param source where the codes come from
 */
public record Concept(
    String id,
    Kind kind,
    String name,
    List<String> mesh,
    List<String> snomed,
    List<String> icd10cm,
    List<String> loinc,
    List<String> rxnorm,
    String unit,
    List<String> synonyms,
    List<String> broader,
    String source) {

  public Concept {
    mesh = List.copyOf(mesh);
    snomed = List.copyOf(snomed);
    icd10cm = List.copyOf(icd10cm);
    loinc = List.copyOf(loinc);
    rxnorm = List.copyOf(rxnorm);
    synonyms = List.copyOf(synonyms);
    broader = List.copyOf(broader);
  }

  /** What a row of the table names. */
  public enum Kind {
    CONDITION("condition"),
    LAB("lab"),
    MEDICATION("medication"),
    PROCEDURE("procedure");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    /** The code in the table's {@code kind} column. */
    public String code() {
      return code;
    }

    static Kind fromCode(String code) {
      for (Kind kind : values()) {
        if (kind.code.equals(code)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "kind must be one of condition, lab, medication, procedure");
    }
  }

  /** Whether this is a laboratory test. */
  public boolean lab() {
    return kind == Kind.LAB;
  }

  /** Whether this is a condition. */
  public boolean condition() {
    return kind == Kind.CONDITION;
  }
}
