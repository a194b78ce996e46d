package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.trialfhir.ctgov.Study;

/**
 * Attaches the registry's derived MeSH terms (condition- or intervention-browse {@code meshes}) to
 * the record's own texts. A term whose name equals a text (ignoring case, punctuation and a plural
 * "s") becomes a coding of that text's concept; every other term becomes a concept of its own with
 * only the MeSH coding, so no term is lost and no text gets a coding it does not mean.
 */
final class MeshTerms {
  private MeshTerms() {}

  /**
   * One concept per text (in record order, each with its matching MeSH codings), then one per MeSH
   * term that matched no text.
   */
  static List<CodeableConcept> concepts(
      List<String> texts, Map<String, List<String>> synonyms, Study.BrowseModule browse) {
    Map<String, CodeableConcept> byText = new LinkedHashMap<>();
    List<CodeableConcept> result = new ArrayList<>();
    for (String text : texts) {
      CodeableConcept concept = new CodeableConcept().setText(text);
      result.add(concept);
      byText.putIfAbsent(key(text), concept);
      for (String synonym : synonyms.getOrDefault(text, List.of())) {
        byText.putIfAbsent(key(synonym), concept);
      }
    }
    for (Study.Mesh mesh : meshes(browse)) {
      Coding coding = new Coding(Canonical.MESH, mesh.id(), mesh.term());
      CodeableConcept target = byText.get(key(mesh.term()));
      if (target != null) {
        target.addCoding(coding);
      } else {
        result.add(new CodeableConcept().addCoding(coding));
      }
    }
    return result;
  }

  /** The MeSH terms of a browse module that have an id (a term without one cannot be coded). */
  static List<Study.Mesh> meshes(Study.BrowseModule browse) {
    if (browse == null || browse.meshes() == null) {
      return List.of();
    }
    return browse.meshes().stream().filter(m -> m.id() != null && !m.id().isBlank()).toList();
  }

  static String key(String text) {
    String norm = Ids.norm(text);
    return norm.endsWith("s") ? norm.substring(0, norm.length() - 1) : norm;
  }
}
