package org.trialfhir.ctgov;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Real ClinicalTrials.gov records from the shared test data ({@code
 * ${trialfhir.shared}/data/ctgov}, see its README for provenance), as text to build test inputs
 * from.
 */
final class RealRecords {
  /** Small real records (4 to 6 KB). NCT02385136 has two phases; NCT04571398 has one site. */
  static final String A = "NCT02385136";

  static final String B = "NCT02782533";
  static final String C = "NCT00458770";
  static final String D = "NCT04571398";

  /** The largest real record (1.4 MB, with a full results section). */
  static final String LARGEST = "NCT02513394";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RealRecords() {}

  static Path ctgov() {
    return Path.of(System.getProperty("trialfhir.shared", "../shared"), "data", "ctgov");
  }

  /** The record as the registry serialised it (pretty-printed, several lines). */
  static String pretty(String nctId) {
    try {
      return Files.readString(ctgov().resolve("v2").resolve(nctId + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record on one line, as in JSON Lines. */
  static String compact(String nctId) {
    return edited(nctId, record -> {});
  }

  /** The record as a JSON tree. */
  static ObjectNode tree(String nctId) {
    try {
      return (ObjectNode) JSON.readTree(pretty(nctId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record on one line, after a change to its JSON tree. */
  static String edited(String nctId, Consumer<ObjectNode> change) {
    ObjectNode record = tree(nctId);
    change.accept(record);
    return record.toString();
  }

  /**
   * The object at a path of field names inside a record, e.g. {@code protocolSection.statusModule}.
   */
  static ObjectNode at(ObjectNode record, String path) {
    ObjectNode node = record;
    for (String field : path.split("\\.")) {
      node = (ObjectNode) node.get(field);
    }
    return node;
  }

  /** A JSON array of the records, one per line. */
  static String array(String... records) {
    return "[\n" + String.join(",\n", records) + "\n]\n";
  }

  /** JSON Lines of the records. */
  static String lines(String... records) {
    return String.join("\n", records) + "\n";
  }
}
