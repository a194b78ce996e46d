package org.trialfhir.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query mix of {@code bench search}: weighted query types whose URL templates are filled from
 * {@link ValuePools}.
 *
 * <p>Format, one query type per line: {@code <name> <weight> <template> [pages=<n>]}, fields
 * separated by spaces or tabs; {@code #} starts a comment, blank lines are skipped.
 *
 * <ul>
 *   <li>{@code name}: letters, digits, {@code - _ .}; unique in the file;
 *   <li>{@code weight}: a positive integer; a type is chosen with probability weight / sum of
 *       weights;
 *   <li>{@code template}: a FHIR URL relative to the base, written unencoded (the bench
 *       percent-encodes each parameter value), {@code Type/{id}} for a read or {@code Type?…} for a
 *       search, with placeholders from {@link ValuePools#PLACEHOLDERS};
 *   <li>{@code pages=<n>}: a paging walk: the search, then its {@code next} link followed up to n −
 *       1 times; the whole walk is one sample.
 * </ul>
 */
public record QueryMix(List<QueryMix.QueryType> types) {
  /** The mix shipped in the jar, used when {@code --mix} is not given. */
  public static final String DEFAULT_RESOURCE = "/bench/default-mix.txt";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_:.-]+");
  private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]+");
  private static final int MAX_PAGES = 100;

  public QueryMix {
    types = List.copyOf(types);
    if (types.isEmpty()) {
      throw new IllegalArgumentException("the mix has no query types");
    }
  }

  /**
   * One query type: a read ({@code Type/{id}}, answered by a resource of that type) or a search
   * ({@code Type?…} or {@code Type/_search?…}, answered by a searchset Bundle), walked over {@code
   * pages} pages.
   */
  public record QueryType(String name, int weight, String template, int pages) {
    /** The resource type of the template's first path segment. */
    public String resourceType() {
      return path().split("/")[0];
    }

    /** Whether the template reads one resource rather than searching. */
    public boolean isRead() {
      String[] segments = path().split("/");
      return segments.length == 2 && !segments[1].equals("_search");
    }

    /** The placeholders the template uses, in order of appearance. */
    public Set<String> placeholders() {
      Set<String> names = new LinkedHashSet<>();
      Matcher matcher = PLACEHOLDER.matcher(template);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
      return names;
    }

    /**
     * The relative URL with the placeholders filled in: every parameter value and path segment is
     * percent-encoded (UTF-8, spaces as {@code %20}).
     */
    public String expand(Map<String, String> values) {
      int question = template.indexOf('?');
      StringBuilder url = new StringBuilder();
      String[] segments = path().split("/");
      for (int i = 0; i < segments.length; i++) {
        url.append(i == 0 ? "" : "/").append(encode(fill(segments[i], values)));
      }
      if (question >= 0) {
        String separator = "?";
        for (String parameter : template.substring(question + 1).split("&")) {
          int equals = parameter.indexOf('=');
          url.append(separator)
              .append(parameter, 0, equals)
              .append('=')
              .append(encode(fill(parameter.substring(equals + 1), values)));
          separator = "&";
        }
      }
      return url.toString();
    }

    private String path() {
      int question = template.indexOf('?');
      return question < 0 ? template : template.substring(0, question);
    }

    private static String fill(String text, Map<String, String> values) {
      Matcher matcher = PLACEHOLDER.matcher(text);
      StringBuilder filled = new StringBuilder();
      while (matcher.find()) {
        String value = values.get(matcher.group(1));
        if (value == null) {
          throw new IllegalArgumentException("no value for {" + matcher.group(1) + "}");
        }
        matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
      }
      return matcher.appendTail(filled).toString();
    }

    private static String encode(String text) {
      return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  /** The sum of the weights. */
  public int totalWeight() {
    return types.stream().mapToInt(QueryType::weight).sum();
  }

  /** Every placeholder any template uses. */
  public Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    types.forEach(type -> names.addAll(type.placeholders()));
    return names;
  }

  /** The default mix ({@value #DEFAULT_RESOURCE}). */
  public static QueryMix defaultMix() {
    try (InputStream in = QueryMix.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return parse("default-mix.txt", text.lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a mix file. */
  public static QueryMix read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses the lines of a mix.
   *
   * @throws IllegalArgumentException naming the source and line of the first bad line
   */
  public static QueryMix parse(String source, List<String> lines) {
    List<QueryType> types = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      try {
        QueryType type = parseLine(content);
        if (!names.add(type.name())) {
          throw new IllegalArgumentException("query type '" + type.name() + "' is defined twice");
        }
        types.add(type);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": " + e.getMessage() + ": " + line.strip(), e);
      }
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException(source + ": no query types");
    }
    return new QueryMix(types);
  }

  private static QueryType parseLine(String content) {
    String[] fields = content.split("[ \\t]+");
    if (fields.length < 3 || fields.length > 4) {
      throw new IllegalArgumentException(
          "expected <name> <weight> <template> [pages=<n>], found " + fields.length + " fields");
    }
    String name = fields[0];
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "the name '" + name + "' may only hold letters, digits, '-', '_' and '.'");
    }
    int weight;
    try {
      weight = Integer.parseInt(fields[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the weight '" + fields[1] + "' is not an integer");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("the weight must be positive, not " + weight);
    }
    int pages = 1;
    if (fields.length == 4) {
      if (!fields[3].startsWith("pages=")) {
        throw new IllegalArgumentException("unknown option '" + fields[3] + "' (only pages=<n>)");
      }
      try {
        pages = Integer.parseInt(fields[3].substring("pages=".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("pages must be an integer: " + fields[3]);
      }
      if (pages < 1 || pages > MAX_PAGES) {
        throw new IllegalArgumentException("pages must be between 1 and " + MAX_PAGES);
      }
    }
    QueryType type = new QueryType(name, weight, fields[2], pages);
    checkTemplate(type);
    return type;
  }

  private static void checkTemplate(QueryType type) {
    String template = type.template();
    if (template.contains("://") || template.startsWith("/")) {
      throw new IllegalArgumentException(
          "the template must be relative to the FHIR base (Type/{id} or Type?…)");
    }
    if (!RESOURCE_TYPE.matcher(type.resourceType()).matches()) {
      throw new IllegalArgumentException(
          "the template must start with a resource type, not '" + type.resourceType() + "'");
    }
    String[] segments = template.split("\\?", -1)[0].split("/", -1);
    if (segments.length > 2 || (segments.length == 2 && segments[1].isEmpty())) {
      throw new IllegalArgumentException("the template's path must be Type, Type/{id} or Type/id");
    }
    if (type.isRead() && template.contains("?")) {
      throw new IllegalArgumentException("a read (Type/id) takes no parameters");
    }
    if (type.isRead() && type.pages() > 1) {
      throw new IllegalArgumentException("pages=<n> needs a search, not a read");
    }
    if (template.chars().filter(c -> c == '?').count() > 1) {
      throw new IllegalArgumentException("the template has more than one '?'");
    }
    int question = template.indexOf('?');
    if (question >= 0) {
      for (String parameter : template.substring(question + 1).split("&", -1)) {
        int equals = parameter.indexOf('=');
        if (equals <= 0 || !PARAMETER_NAME.matcher(parameter.substring(0, equals)).matches()) {
          throw new IllegalArgumentException(
              "'" + parameter + "' is not a parameter (name=value; names are [A-Za-z0-9_:.-])");
        }
      }
    }
    if (template.replaceAll("\\{[^{}]*}", "").matches(".*[{}].*")) {
      throw new IllegalArgumentException("unbalanced '{' or '}' in the template");
    }
    for (String placeholder : type.placeholders()) {
      if (!ValuePools.PLACEHOLDERS.contains(placeholder)) {
        throw new IllegalArgumentException(
            "unknown placeholder {"
                + placeholder
                + "} (known: "
                + String.join(
                    ", ", ValuePools.PLACEHOLDERS.stream().map(p -> "{" + p + "}").toList())
                + ")");
      }
    }
  }
}
