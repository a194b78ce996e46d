package org.trialfhir.matching;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;

/**
 * The curated concept table: conditions, laboratory tests, medications and procedures with their
 * MeSH, SNOMED CT, ICD-10-CM, LOINC and RxNorm codes, synonyms and broader concepts. Loaded once
 * from {@code matching/concepts.tsv} on the classpath (tab-separated, one header line, lists
 * separated by {@code |}).
 */
public final class Terminology {
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  public static final String LOINC = "http://loinc.org";
  public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  public static final String RESOURCE = "/matching/concepts.tsv";

  static final List<String> COLUMNS =
      List.of(
          "id",
          "kind",
          "name",
          "mesh",
          "snomed",
          "icd10cm",
          "loinc",
          "rxnorm",
          "unit",
          "synonyms",
          "broader",
          "source");

  private static final class Holder {
    static final Terminology DEFAULT = load();
  }

  private final Map<String, Concept> byId;
  private final Map<String, List<Concept>> bySnomed = new HashMap<>();
  private final Map<String, List<Concept>> byLoinc = new HashMap<>();
  private final Map<String, List<Concept>> byIcd = new HashMap<>();
  private final Map<String, List<Concept>> byRxnorm = new HashMap<>();
  private final Map<String, List<Concept>> byMesh = new HashMap<>();
  private final Map<String, Concept> byPhrase = new HashMap<>();
  private final Mentions mentions;

  Terminology(Collection<Concept> concepts) {
    byId = new LinkedHashMap<>();
    for (Concept concept : concepts) {
      if (byId.put(concept.id(), concept) != null) {
        throw new IllegalArgumentException("duplicate concept id " + concept.id());
      }
      concept
          .snomed()
          .forEach(c -> bySnomed.computeIfAbsent(c, k -> new ArrayList<>()).add(concept));
      concept.loinc().forEach(c -> byLoinc.computeIfAbsent(c, k -> new ArrayList<>()).add(concept));
      concept.icd10cm().forEach(c -> byIcd.computeIfAbsent(c, k -> new ArrayList<>()).add(concept));
      concept
          .rxnorm()
          .forEach(c -> byRxnorm.computeIfAbsent(c, k -> new ArrayList<>()).add(concept));
      concept.mesh().forEach(c -> byMesh.computeIfAbsent(c, k -> new ArrayList<>()).add(concept));
      if (concept.condition()) {
        concept
            .synonyms()
            .forEach(s -> byPhrase.putIfAbsent(String.join(" ", Mentions.words(s)), concept));
        byPhrase.putIfAbsent(String.join(" ", Mentions.words(concept.name())), concept);
      }
    }
    mentions = new Mentions(byId.values());
    for (Concept concept : concepts) {
      for (String broader : concept.broader()) {
        if (!byId.containsKey(broader)) {
          throw new IllegalArgumentException(concept.id() + ": unknown broader concept " + broader);
        }
      }
    }
  }

  /** The table shipped in the jar. */
  public static Terminology standard() {
    return Holder.DEFAULT;
  }

  private static Terminology load() {
    try (InputStream in = Terminology.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new Terminology(parse(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the table format described on the class. */
  static List<Concept> parse(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String header = reader.readLine();
    if (header == null || !Arrays.asList(header.split("\t", -1)).equals(COLUMNS)) {
      throw new IllegalArgumentException("concept table header must be " + COLUMNS);
    }
    List<Concept> concepts = new ArrayList<>();
    String line;
    int number = 1;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != COLUMNS.size()) {
        throw new IllegalArgumentException(
            "concept table line " + number + " has " + f.length + " columns");
      }
      concepts.add(
          new Concept(
              f[0],
              kind(f[1], number),
              f[2],
              list(f[3]),
              list(f[4]),
              list(f[5]),
              list(f[6]),
              list(f[7]),
              f[8].isEmpty() ? null : f[8],
              list(f[9]),
              list(f[10]),
              f[11]));
    }
    return concepts;
  }

  private static Concept.Kind kind(String code, int line) {
    try {
      return Concept.Kind.fromCode(code);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
    }
  }

  private static List<String> list(String field) {
    return field.isBlank() ? List.of() : List.of(field.split("\\|"));
  }

  public Collection<Concept> concepts() {
    return byId.values();
  }

  public Optional<Concept> concept(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The concepts coded with a MeSH descriptor id. */
  public List<Concept> conceptsOfMesh(String meshId) {
    return byMesh.getOrDefault(meshId, List.of());
  }

  /** The concepts a coding denotes directly (SNOMED CT, ICD-10-CM by prefix, LOINC, RxNorm). */
  public List<Concept> conceptsOf(Coding coding) {
    String system = coding.getSystem();
    String code = coding.getCode();
    if (system == null || code == null) {
      return List.of();
    }
    return switch (system) {
      case SNOMED -> bySnomed.getOrDefault(code, List.of());
      case LOINC -> byLoinc.getOrDefault(code, List.of());
      case RXNORM -> byRxnorm.getOrDefault(code, List.of());
      case ICD10CM -> icd(code);
      default -> List.of();
    };
  }

  private List<Concept> icd(String code) {
    List<Concept> found = new ArrayList<>();
    String prefix = code.toUpperCase(java.util.Locale.ROOT);
    while (!prefix.isEmpty()) {
      found.addAll(byIcd.getOrDefault(prefix, List.of()));
      prefix = prefix.substring(0, prefix.length() - 1);
      if (prefix.endsWith(".")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
    }
    return found;
  }

  /**
   * The concept one of whose synonyms is the whole text (compared word by word as the parser does),
   * for a patient condition that carries no code the table knows.
   */
  public Optional<Concept> conceptNamed(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byPhrase.get(String.join(" ", Mentions.words(text))));
  }

  /**
   * The medication and procedure concepts a text names (a medication's display, "lamivudine 300 MG
   * / tenofovir disoproxil fumarate 300 MG Oral Tablet"), with their broader concepts.
   */
  public Set<String> treatmentsNamed(String text) {
    Set<String> ids = new LinkedHashSet<>();
    if (text == null || text.isBlank()) {
      return ids;
    }
    for (Mentions.Mention mention : mentions.find(ItemText.normalize(text))) {
      Concept.Kind kind = mention.concept().kind();
      if (kind == Concept.Kind.MEDICATION || kind == Concept.Kind.PROCEDURE) {
        ids.addAll(withBroader(mention.concept().id()));
      }
    }
    return ids;
  }

  /** A concept's id with the ids of all its broader concepts, transitively. */
  public Set<String> withBroader(String id) {
    Set<String> all = new LinkedHashSet<>();
    List<String> queue = new ArrayList<>(List.of(id));
    while (!queue.isEmpty()) {
      String next = queue.remove(queue.size() - 1);
      if (all.add(next)) {
        Concept concept = byId.get(next);
        if (concept != null) {
          queue.addAll(concept.broader());
        }
      }
    }
    return all;
  }
}
