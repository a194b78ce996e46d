package org.trialfhir.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The values a mix's placeholders are filled from, sampled from the target itself at start with
 * plain FHIR searches any R4 server answers (so the bench needs nothing but the base URL):
 *
 * <ul>
 *   <li>{@code ResearchStudy?_count=100&_elements=id,status,phase,condition}, then {@code
 *       ResearchStudy?status=active&…} likewise, each followed by its {@code next} links up to the
 *       sample size: {@code {id}}, {@code {status}}, {@code {phase}} ({@code system|code}), {@code
 *       {condition}} (each condition coding, {@code system|code}), {@code {condition-text}} (each
 *       condition's text, else its codings' display);
 *   <li>{@code Location?_count=100&_elements=id,position} likewise: {@code {lat}} and {@code
 *       {lng}}, always drawn together from one Location.
 * </ul>
 *
 * <p>Values are FHIR-escaped ({@code \, \| \$ \\}) where they are data, de-duplicated and sorted,
 * so the same data give the same pools whatever order the server returns them in.
 */
public final class ValuePools {
  /** Every placeholder a mix may use. */
  public static final Set<String> PLACEHOLDERS =
      Set.of("id", "status", "phase", "condition", "condition-text", "lat", "lng");

  private static final String ELEMENTS = "_elements=id,status,phase,condition";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final Map<String, List<String>> values;
  private final List<String[]> positions;

  /**
   * @param values the values of each placeholder except {@code lat} and {@code lng}
   * @param positions latitude and longitude pairs, as decimal text
   */
  public ValuePools(
      Map<String, ? extends java.util.Collection<String>> values, List<String[]> positions) {
    Map<String, List<String>> copy = new HashMap<>();
    values.forEach((name, list) -> copy.put(name, List.copyOf(new TreeSet<>(list))));
    this.values = Map.copyOf(copy);
    this.positions = List.copyOf(positions);
  }

  /** How many values each placeholder has ({@code lat} and {@code lng}: positions). */
  public Map<String, Integer> sizes() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String name : new TreeSet<>(PLACEHOLDERS)) {
      sizes.put(name, size(name));
    }
    return sizes;
  }

  private int size(String name) {
    return name.equals("lat") || name.equals("lng")
        ? positions.size()
        : values.getOrDefault(name, List.of()).size();
  }

  /** The placeholders among these that have no value. */
  public List<String> missing(Set<String> names) {
    return names.stream().filter(name -> size(name) == 0).sorted().toList();
  }

  /** One value for each placeholder named, drawn uniformly ({@code lat} with its {@code lng}). */
  public Map<String, String> draw(Set<String> names, SplittableRandom random) {
    Map<String, String> drawn = new HashMap<>();
    for (String name : names) {
      if (drawn.containsKey(name)) {
        continue;
      }
      if (name.equals("lat") || name.equals("lng")) {
        String[] position = positions.get(random.nextInt(positions.size()));
        drawn.put("lat", position[0]);
        drawn.put("lng", position[1]);
      } else {
        List<String> list = values.get(name);
        drawn.put(name, list.get(random.nextInt(list.size())));
      }
    }
    return drawn;
  }

  /**
   * Samples the pools from the target.
   *
   * @param sample how many studies (from each of the two searches) and Locations to read at most
   */
  static ValuePools sample(FhirHttp http, int sample) throws IOException, InterruptedException {
    int count = Math.min(100, sample);
    Map<String, Set<String>> values = new HashMap<>();
    for (String name : PLACEHOLDERS) {
      values.put(name, new TreeSet<>());
    }
    List<JsonNode> studies = new ArrayList<>();
    studies.addAll(walk(http, "ResearchStudy?_count=" + count + "&" + ELEMENTS, sample));
    studies.addAll(
        walk(http, "ResearchStudy?status=active&_count=" + count + "&" + ELEMENTS, sample));
    for (JsonNode study : studies) {
      add(values, "id", study.path("id").asText(""));
      add(values, "status", escape(study.path("status").asText("")));
      for (JsonNode phase : study.path("phase").path("coding")) {
        add(values, "phase", token(phase));
      }
      for (JsonNode condition : study.path("condition")) {
        String text = condition.path("text").asText("");
        for (JsonNode coding : condition.path("coding")) {
          add(values, "condition", token(coding));
          if (text.isBlank()) {
            add(values, "condition-text", escape(coding.path("display").asText("")));
          }
        }
        add(values, "condition-text", escape(text));
      }
    }
    List<String[]> positions = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (JsonNode location :
        walk(http, "Location?_count=" + count + "&_elements=id,position", sample)) {
      JsonNode latitude = location.path("position").path("latitude");
      JsonNode longitude = location.path("position").path("longitude");
      if (latitude.isNumber() && longitude.isNumber()) {
        String lat = latitude.decimalValue().toPlainString();
        String lng = longitude.decimalValue().toPlainString();
        if (seen.add(lat + "," + lng)) {
          positions.add(new String[] {lat, lng});
        }
      }
    }
    positions.sort((a, b) -> (a[0] + "," + a[1]).compareTo(b[0] + "," + b[1]));
    return new ValuePools(values, positions);
  }

  private static void add(Map<String, Set<String>> values, String name, String value) {
    if (!value.isBlank()) {
      values.get(name).add(value);
    }
  }

  /** {@code system|code} (escaped), or the code alone when the coding has no system. */
  private static String token(JsonNode coding) {
    String code = coding.path("code").asText("");
    if (code.isBlank()) {
      return "";
    }
    String system = coding.path("system").asText("");
    return system.isBlank() ? escape(code) : escape(system) + "|" + escape(code);
  }

  /** FHIR search escaping of a value that is data (R4 3.1.1.5.7). */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("|", "\\|").replace("$", "\\$");
  }

  /** The resources of a search's pages (not included ones), up to a limit. */
  private static List<JsonNode> walk(FhirHttp http, String search, int limit)
      throws IOException, InterruptedException {
    List<JsonNode> resources = new ArrayList<>();
    String url = search;
    String type = search.substring(0, search.indexOf('?'));
    for (int page = 0; url != null && resources.size() < limit && page < 1000; page++) {
      FhirHttp.Response response = http.get(url);
      if (!response.ok()) {
        throw new IOException(
            "GET " + url + " answered " + response.status() + ": " + response.snippet());
      }
      JsonNode bundle = JSON.readTree(response.body());
      if (!"Bundle".equals(bundle.path("resourceType").asText())) {
        throw new IOException("GET " + url + " did not answer a Bundle: " + response.snippet());
      }
      for (JsonNode entry : bundle.path("entry")) {
        JsonNode resource = entry.path("resource");
        if (type.equals(resource.path("resourceType").asText()) && resources.size() < limit) {
          resources.add(resource);
        }
      }
      url = null;
      for (JsonNode link : bundle.path("link")) {
        if ("next".equals(link.path("relation").asText())) {
          url = link.path("url").asText();
        }
      }
    }
    return resources;
  }
}
