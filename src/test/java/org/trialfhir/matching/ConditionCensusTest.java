package org.trialfhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.trialfhir.testing.SharedData;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The census that chose the condition rows of the concept table, kept as a test: it counts, over
 * every record in {@code data/ctgov/} (v2, v2-partial, xml), in how many studies each MeSH
 * condition term occurs, and checks that the table covers the 300 most frequent.
 *
 * <p>Per study, the terms are the registry's derived condition MeSH terms ({@code
 * derivedSection.conditionBrowseModule.meshes} in API v2, {@code condition_browse/mesh_term} in
 * legacy XML); a study without them contributes each of its condition texts that equals a MeSH term
 * seen elsewhere. Terms compare in lower case. A term's descriptor id is the one API v2 records
 * give it (meshes and ancestors), in MeSH's own form: six digits for the older descriptors (the
 * registry's {@code D000015658} is {@code D015658}), nine for those from {@code D000067xxx} on. A
 * term is covered by a concept with its descriptor id, or, when the corpus has no id for it, by a
 * concept of the same name. Ties are ordered by name, so the top 300 are well defined.
 */
class ConditionCensusTest {
  private static final int TOP = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LONG_ID = Pattern.compile("D000(\\d{6})");

  /** A term's count of studies and its descriptor id (null when the corpus gives none). */
  record Term(String name, int studies, String meshId) {}

  @Test
  void conceptTableCoversTheMostFrequentConditionTerms() throws Exception {
    List<Term> top = census().subList(0, TOP);
    Terminology terminology = Terminology.standard();
    List<String> missing = new ArrayList<>();
    int coded = 0;
    for (Term term : top) {
      List<Concept> covering =
          terminology.concepts().stream()
              .filter(
                  c ->
                      term.meshId() != null
                          ? c.mesh().contains(term.meshId())
                          : c.name().equalsIgnoreCase(term.name()))
              .toList();
      if (covering.isEmpty()) {
        missing.add(term.name() + " (" + term.studies() + ")");
      } else if (covering.stream().anyMatch(c -> !c.snomed().isEmpty() || !c.icd10cm().isEmpty())) {
        coded++;
      }
    }
    System.out.printf(
        "condition census: top %d MeSH condition terms (%d to %d studies each); %d covered, %d with"
            + " SNOMED CT or ICD-10-CM codes%n",
        TOP, top.get(TOP - 1).studies(), top.get(0).studies(), TOP - missing.size(), coded);
    assertThat(missing).as("top condition terms missing from concepts.tsv").isEmpty();
  }

  /** Every MeSH condition term of the corpus with its study count, most frequent first. */
  static List<Term> census() throws Exception {
    Map<String, String> ids = new HashMap<>();
    List<Set<String>> studies = new ArrayList<>();
    List<List<String>> conditionTexts = new ArrayList<>();
    for (String folder : List.of("v2", "v2-partial")) {
      for (Path file : SharedData.files(folder)) {
        JsonNode study = JSON.readTree(file.toFile());
        JsonNode browse = study.path("derivedSection").path("conditionBrowseModule");
        Set<String> terms = new LinkedHashSet<>();
        for (String list : List.of("meshes", "ancestors")) {
          for (JsonNode mesh : browse.path(list)) {
            String term = mesh.path("term").asText().toLowerCase(Locale.ROOT);
            String id = mesh.path("id").asText();
            if (id.startsWith("D")) {
              ids.putIfAbsent(term, normalize(id));
            }
            if (list.equals("meshes")) {
              terms.add(term);
            }
          }
        }
        studies.add(terms);
        List<String> texts = new ArrayList<>();
        study
            .path("protocolSection")
            .path("conditionsModule")
            .path("conditions")
            .forEach(c -> texts.add(c.asText()));
        conditionTexts.add(texts);
      }
    }
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    try (Stream<Path> files = Files.list(SharedData.ctgov("xml"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
        Document xml = factory.newDocumentBuilder().parse(file.toFile());
        Set<String> terms = new LinkedHashSet<>();
        NodeList browse = xml.getElementsByTagName("condition_browse");
        if (browse.getLength() > 0) {
          NodeList meshes = ((Element) browse.item(0)).getElementsByTagName("mesh_term");
          for (int i = 0; i < meshes.getLength(); i++) {
            terms.add(meshes.item(i).getTextContent().strip().toLowerCase(Locale.ROOT));
          }
        }
        studies.add(terms);
        List<String> texts = new ArrayList<>();
        NodeList conditions = xml.getElementsByTagName("condition");
        for (int i = 0; i < conditions.getLength(); i++) {
          texts.add(conditions.item(i).getTextContent().strip());
        }
        conditionTexts.add(texts);
      }
    }
    Set<String> known = new LinkedHashSet<>();
    studies.forEach(known::addAll);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < studies.size(); i++) {
      Set<String> terms = new LinkedHashSet<>(studies.get(i));
      if (terms.isEmpty()) {
        conditionTexts.get(i).stream()
            .map(t -> t.toLowerCase(Locale.ROOT))
            .filter(known::contains)
            .forEach(terms::add);
      }
      terms.forEach(t -> counts.merge(t, 1, Integer::sum));
    }
    return counts.entrySet().stream()
        .map(e -> new Term(e.getKey(), e.getValue(), ids.get(e.getKey())))
        .sorted(Comparator.comparing(Term::studies).reversed().thenComparing(Term::name))
        .toList();
  }

  /** The registry's ten-character id in MeSH's own form (see the class comment). */
  static String normalize(String id) {
    Matcher m = LONG_ID.matcher(id);
    return m.matches() && Integer.parseInt(m.group(1)) < 67000 ? "D" + m.group(1) : id;
  }
}
