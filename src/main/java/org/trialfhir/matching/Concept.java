package org.trialfhir.matching;

import java.util.List;

/**
 * One row of the curated concept table ({@code matching/concepts.tsv}).
 *
 * @param id stable id, lower case with hyphens ({@code hiv-infection}, {@code cd4})
 * @param lab true for a laboratory test, false for a condition
 * @param name preferred name
 * @param mesh MeSH descriptor ids (7-character form, {@code D015658})
 * @param snomed SNOMED CT concept ids
 * @param icd10cm ICD-10-CM codes; a patient code matches when it equals one or lies below it
 *     (ICD-10-CM is hierarchical by prefix: {@code B18.1} is below {@code B18})
 * @param loinc LOINC codes of a laboratory test
 * @param unit canonical UCUM unit of a laboratory test
 * @param synonyms lower-case phrases that name the concept in criteria text
 * @param broader ids of broader concepts in the table (a patient with a narrower concept has the
 *     broader one too)
 * @param source where the codes come from
 */
public record Concept(
    String id,
    boolean lab,
    String name,
    List<String> mesh,
    List<String> snomed,
    List<String> icd10cm,
    List<String> loinc,
    String unit,
    List<String> synonyms,
    List<String> broader,
    String source) {

  public Concept {
    mesh = List.copyOf(mesh);
    snomed = List.copyOf(snomed);
    icd10cm = List.copyOf(icd10cm);
    loinc = List.copyOf(loinc);
    synonyms = List.copyOf(synonyms);
    broader = List.copyOf(broader);
  }
}
