package org.trialfhir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Derives any number of realistic API v2 study records from a folder of real ones,
 * deterministically (fixed seed): each record is a real template with a new NCT id and with
 * conditions, sites, phases, status and dates resampled from other real records, and its geo points
 * jittered around real sites. The mix of sizes, site counts and field values therefore stays that
 * of the real corpus.
 */
public final class CorpusGenerator {
  /** New NCT ids start here (NCT9xxxxxxx), far above the ids the registry has assigned. */
  static final int FIRST_ID = 90_000_000;

  private final List<ObjectNode> templates;
  private final ObjectMapper json = new ObjectMapper();
  private final long seed;

  public CorpusGenerator(List<ObjectNode> templates, long seed) {
    if (templates.isEmpty()) {
      throw new IllegalArgumentException("no template records");
    }
    this.templates = List.copyOf(templates);
    this.seed = seed;
  }

  /** Loads every {@code *.json} study object below a folder, sorted by path. */
  public static List<ObjectNode> loadTemplates(Path folder) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<ObjectNode> templates = new ArrayList<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode node = json.readTree(file.toFile());
        if (node instanceof ObjectNode study && study.has("protocolSection")) {
          templates.add(study);
        }
      }
    }
    return templates;
  }

  /** The NCT id of the i-th generated study. */
  public static String nctId(int index) {
    return String.format("NCT%08d", FIRST_ID + index);
  }

  /** The i-th generated study: the same index always gives the same record. */
  public ObjectNode study(int index) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
    ObjectNode study = templates.get(random.nextInt(templates.size())).deepCopy();
    ObjectNode protocol = object(study, "protocolSection");
    object(protocol, "identificationModule").put("nctId", nctId(index));

    if (random.nextDouble() < 0.5) {
      ObjectNode donor = donor(random);
      copy(donor.path("protocolSection"), protocol, "conditionsModule");
      copy(donor.path("derivedSection"), object(study, "derivedSection"), "conditionBrowseModule");
    }
    if (random.nextDouble() < 0.3) {
      ObjectNode donor = donor(random);
      String type = protocol.path("designModule").path("studyType").asText();
      JsonNode phases = donor.path("protocolSection").path("designModule").path("phases");
      if (type.equals(donor.path("protocolSection").path("designModule").path("studyType").asText())
          && phases.isArray()) {
        object(protocol, "designModule").set("phases", phases.deepCopy());
      }
    }
    if (random.nextDouble() < 0.5) {
      ObjectNode donor = donor(random);
      ObjectNode status = object(protocol, "statusModule");
      JsonNode donorStatus = donor.path("protocolSection").path("statusModule");
      for (String field : new String[] {"overallStatus", "lastKnownStatus", "whyStopped"}) {
        status.remove(field);
        if (donorStatus.has(field)) {
          status.set(field, donorStatus.get(field).deepCopy());
        }
      }
    }
    if (random.nextDouble() < 0.4) {
      ObjectNode donor = donor(random);
      JsonNode sites =
          donor.path("protocolSection").path("contactsLocationsModule").path("locations");
      if (sites.isArray()) {
        object(protocol, "contactsLocationsModule").set("locations", sites.deepCopy());
      }
    }
    jitterSites(protocol, random);
    shiftDates(object(protocol, "statusModule"), random.nextInt(-36, 37));
    return study;
  }

  /** Writes studies [0, count) as a ZIP of per-study files, like the website's download. */
  public void writeZip(int count, OutputStream out) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < count; i++) {
        zip.putNextEntry(new ZipEntry(nctId(i) + ".json"));
        zip.write(json.writeValueAsBytes(study(i)));
        zip.closeEntry();
      }
    }
  }

  private ObjectNode donor(SplittableRandom random) {
    return templates.get(random.nextInt(templates.size()));
  }

  /** Moves each site's geo point by up to about 5 km, as a nearby town would be. */
  private static void jitterSites(ObjectNode protocol, SplittableRandom random) {
    JsonNode sites = protocol.path("contactsLocationsModule").path("locations");
    if (!(sites instanceof ArrayNode array)) {
      return;
    }
    for (JsonNode site : array) {
      if (site.path("geoPoint") instanceof ObjectNode geo && geo.has("lat") && geo.has("lon")) {
        double lat = clamp(geo.get("lat").asDouble() + random.nextDouble(-0.045, 0.045), -90, 90);
        double lon = clamp(geo.get("lon").asDouble() + random.nextDouble(-0.045, 0.045), -180, 180);
        geo.put("lat", Math.round(lat * 1e5) / 1e5);
        geo.put("lon", Math.round(lon * 1e5) / 1e5);
      }
    }
  }

  /** Shifts every date of the status module by the same number of months. */
  private static void shiftDates(ObjectNode status, int months) {
    List<String> names = new ArrayList<>();
    status.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = status.get(name);
      if (value.isTextual() && name.endsWith("Date")) {
        status.put(name, shift(value.asText(), months));
      } else if (value instanceof ObjectNode struct && struct.has("date")) {
        struct.put("date", shift(struct.get("date").asText(), months));
      }
    }
  }

  static String shift(String date, int months) {
    if (!date.matches("\\d{4}-\\d{2}(-\\d{2})?")) {
      return date;
    }
    YearMonth shifted = YearMonth.parse(date.substring(0, 7)).plusMonths(months);
    if (date.length() == 7) {
      return shifted.toString();
    }
    int day = Math.min(Integer.parseInt(date.substring(8)), shifted.lengthOfMonth());
    return shifted.atDay(day).toString();
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode child ? child : parent.putObject(name);
  }

  private static void copy(JsonNode from, ObjectNode to, String name) {
    to.remove(name);
    if (from.has(name)) {
      to.set(name, from.get(name).deepCopy());
    }
  }
}
