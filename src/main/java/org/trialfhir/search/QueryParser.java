package org.trialfhir.search;

import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the parameters of a FHIR search request into a validated {@link SearchQuery}, and writes a
 * query back as a canonical string for paging links.
 *
 * <p>Strict by default: an unknown parameter, a modifier the parameter does not allow, a malformed
 * value, an unsupported {@code _} parameter or an unsupported include throws {@link
 * InvalidSearchException} naming it. Lenient parsing ({@code Prefer: handling=lenient}) skips
 * unknown parameters and modifiers and caps {@code _count}, reporting each in {@link
 * Parsed#ignored()}; malformed values are errors either way. A parameter with an empty value
 * ({@code status=}) is ignored in both modes, and reported there too.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class QueryParser {
  /** {@code _count} when none is given. */
  public static final int DEFAULT_COUNT = 20;

  /** The largest {@code _count}. */
  public static final int MAX_COUNT = 500;

  /** The most alternatives in one parameter value, and the most criteria in one search. */
  public static final int MAX_VALUES = 100;

  public static final int MAX_CRITERIA = 64;

  /** The largest {@code _offset} a canonical string may carry. */
  public static final int MAX_OFFSET = 10_000_000;

  /** Parameters HAPI's server applies itself; they are accepted and not part of the query. */
  public static final Set<String> SERVER_PARAMETERS = Set.of("_format", "_pretty");

  private static final Set<String> RESULT_PARAMETERS =
      Set.of("_count", "_sort", "_total", "_include", "_revinclude", "_summary", "_elements");

  private final int defaultCount;
  private final int maxCount;

  /** A parser with {@code _count} 20 by default and at most 500. */
  public QueryParser() {
    this(DEFAULT_COUNT, MAX_COUNT);
  }

  public QueryParser(int defaultCount, int maxCount) {
    if (defaultCount < 0 || maxCount < 1 || defaultCount > maxCount) {
      throw new IllegalArgumentException("need 0 <= defaultCount <= maxCount, 1 <= maxCount");
    }
    this.defaultCount = defaultCount;
    this.maxCount = maxCount;
  }

  /**
   * A parsed search and what lenient parsing skipped.
   *
   * @param ignored one message per skipped parameter or modifier, for an OperationOutcome warning
   */
  public record Parsed(SearchQuery query, List<String> ignored) {
    public Parsed {
      ignored = List.copyOf(ignored);
    }
  }

  /**
   * Parses a search on a resource type.
   *
   * @param params the request's parameters: name (with modifier) to its values, one per repetition
   * @param lenient skip unknown parameters and modifiers instead of refusing them
   * @throws InvalidSearchException when the search cannot be answered as asked
   */
  public SearchQuery parse(String resourceType, Map<String, String[]> params, boolean lenient) {
    return parseReportingIgnored(resourceType, params, lenient).query();
  }

  /** As {@link #parse}, also returning what lenient parsing skipped. */
  public Parsed parseReportingIgnored(
      String resourceType, Map<String, String[]> params, boolean lenient) {
    if (!SearchParameters.isSearchable(resourceType)) {
      throw new InvalidSearchException(
          null,
          "Resource type '"
              + SearchValues.abbreviate(String.valueOf(resourceType))
              + "' cannot be searched here");
    }
    List<String> ignored = new ArrayList<>();
    Set<Criterion> criteria = new LinkedHashSet<>();
    List<SortKey> sort = List.of();
    Integer count = null;
    TotalMode total = TotalMode.ACCURATE;
    List<IncludeSpec> includes = new ArrayList<>();
    List<IncludeSpec> revIncludes = new ArrayList<>();
    SummaryMode summary = null;
    List<String> elements = List.of();

    // Sorted, so that the first error reported does not depend on the map's order.
    for (Map.Entry<String, String[]> entry : new TreeMap<>(params).entrySet()) {
      String name = entry.getKey();
      String[] values = entry.getValue() == null ? new String[0] : entry.getValue();
      if (name == null || SERVER_PARAMETERS.contains(name)) {
        continue;
      }
      for (String value : values) {
        if (value != null && value.length() > SearchValues.MAX_VALUE_LENGTH) {
          throw new InvalidSearchException(
              name,
              "The value of "
                  + SearchValues.abbreviate(name)
                  + " is longer than "
                  + SearchValues.MAX_VALUE_LENGTH
                  + " characters");
        }
      }
      String base = name;
      String modifierCode = null;
      int colon = name.indexOf(':');
      if (colon >= 0) {
        base = name.substring(0, colon);
        modifierCode = name.substring(colon + 1);
      }
      if (RESULT_PARAMETERS.contains(base)) {
        if (modifierCode != null) {
          unsupported(
              lenient,
              ignored,
              name,
              "Modifier :"
                  + SearchValues.abbreviate(modifierCode)
                  + " is not supported on "
                  + base);
          continue;
        }
        String value = single(name, values);
        switch (base) {
          case "_count" -> count = count(value, lenient, ignored);
          case "_sort" -> sort = sort(resourceType, value);
          case "_total" -> total = total(value);
          case "_include" -> {
            for (String v : values) {
              includes.add(include(name, v, SearchParameters.includes(resourceType), includes));
            }
          }
          case "_revinclude" -> {
            for (String v : values) {
              revIncludes.add(
                  include(name, v, SearchParameters.revIncludes(resourceType), revIncludes));
            }
          }
          case "_summary" -> summary = summary(value);
          case "_elements" -> elements = elements(resourceType, value);
          default -> throw new IllegalStateException(base);
        }
        continue;
      }
      if (base.contains(".")) {
        unsupported(
            lenient,
            ignored,
            name,
            "Chained parameters are not supported: " + SearchValues.abbreviate(name));
        continue;
      }
      SearchParam param = SearchParameters.find(resourceType, base).orElse(null);
      if (param == null) {
        String what = base.startsWith("_") ? "Unsupported parameter " : "Unknown parameter ";
        unsupported(
            lenient, ignored, name, what + SearchValues.abbreviate(base) + " for " + resourceType);
        continue;
      }
      Modifier modifier = Modifier.NONE;
      if (modifierCode != null) {
        modifier = Modifier.fromCode(modifierCode);
        if (modifier == null || !param.allows(modifier)) {
          unsupported(
              lenient,
              ignored,
              name,
              "Modifier :"
                  + SearchValues.abbreviate(modifierCode)
                  + " is not supported on "
                  + param.code()
                  + allowedModifiers(param));
          continue;
        }
      }
      for (String raw : values) {
        if (raw == null || raw.isEmpty()) {
          // FHIR servers ignore a parameter without a value (forms send them); say so, strict
          // or not.
          ignored.add("Parameter " + SearchValues.abbreviate(name) + " has no value (ignored)");
          continue;
        }
        List<String> alternatives = SearchValues.splitOr(name, raw);
        if (alternatives.size() > MAX_VALUES) {
          throw new InvalidSearchException(
              name, name + " has more than " + MAX_VALUES + " alternatives");
        }
        Criterion criterion = new Criterion(param, modifier, alternatives);
        validate(criterion);
        criteria.add(criterion);
      }
    }
    if (criteria.size() > MAX_CRITERIA) {
      throw new InvalidSearchException(null, "More than " + MAX_CRITERIA + " search criteria");
    }
    List<Criterion> ordered = new ArrayList<>(criteria);
    ordered.sort(CRITERION_ORDER);
    for (SortKey key : sort) {
      if (key.param().equals("near") && ordered.stream().noneMatch(QueryParser::isNearValue)) {
        throw new InvalidSearchException("_sort", "_sort=near needs a near parameter");
      }
    }
    if (summary != null && !elements.isEmpty()) {
      throw new InvalidSearchException("_summary", "_summary and _elements cannot be combined");
    }
    int pageSize = count == null ? defaultCount : count;
    if (summary == SummaryMode.COUNT) {
      pageSize = 0;
    }
    SearchQuery query =
        new SearchQuery(
            resourceType,
            ordered,
            sort,
            0,
            pageSize,
            total,
            includes,
            revIncludes,
            summary,
            elements);
    return new Parsed(query, ignored);
  }

  private static boolean isNearValue(Criterion c) {
    return c.param().code().equals("near") && c.modifier() == Modifier.NONE;
  }

  private static final Comparator<Criterion> CRITERION_ORDER =
      Comparator.comparing((Criterion c) -> c.param().code())
          .thenComparing(c -> c.modifier().ordinal())
          .thenComparing(c -> SearchValues.joinOr(c.values()));

  private static void unsupported(
      boolean lenient, List<String> ignored, String name, String message) {
    if (!lenient) {
      throw new InvalidSearchException(name, message);
    }
    ignored.add(message + " (ignored)");
  }

  private static String allowedModifiers(SearchParam param) {
    if (param.modifiers().isEmpty()) {
      return " (it takes no modifier)";
    }
    return " (allowed: "
        + param.modifiers().stream()
            .sorted()
            .map(m -> ":" + m.code())
            .reduce((a, b) -> a + " " + b)
            .orElse("")
        + ")";
  }

  private static String single(String name, String[] values) {
    if (values.length != 1 || values[0] == null) {
      if (name.equals("_include") || name.equals("_revinclude")) {
        return values.length == 0 ? "" : values[0];
      }
      throw new InvalidSearchException(name, name + " must be given exactly once");
    }
    return values[0];
  }

  /** Checks every alternative of a criterion against its parameter's value syntax. */
  static void validate(Criterion c) {
    SearchParam param = c.param();
    String name = c.name();
    for (String value : c.values()) {
      if (c.modifier() == Modifier.MISSING) {
        SearchValues.missing(name, value);
        continue;
      }
      if (c.modifier() == Modifier.TEXT || param.code().equals("_content")) {
        requireWords(name, value);
        continue;
      }
      switch (param.type()) {
        case TOKEN -> token(c, name, value);
        case STRING -> {}
        case DATE -> SearchValues.date(name, value);
        case QUANTITY -> SearchValues.ageInMinutes(name, SearchValues.quantity(name, value));
        case REFERENCE -> SearchValues.reference(name, value, param.targets());
        case SPECIAL -> SearchValues.near(name, value);
        default -> throw new InvalidSearchException(name, "Unsupported parameter type");
      }
    }
  }

  private static void requireWords(String name, String value) {
    if (SearchValues.unescape(value).codePoints().noneMatch(Character::isLetterOrDigit)) {
      throw new InvalidSearchException(name, name + " needs at least one word");
    }
  }

  private static void token(Criterion c, String name, String value) {
    SearchParam param = c.param();
    SearchValues.Token token = SearchValues.token(name, value);
    switch (param.code()) {
      case "eligible-sex" -> {
        if (token.system() != null
            && !token.system().equals("http://hl7.org/fhir/administrative-gender")) {
          throw new InvalidSearchException(
              name, name + " takes codes of http://hl7.org/fhir/administrative-gender");
        }
        if (token.code() == null
            || !(token.code().equals("male") || token.code().equals("female"))) {
          throw new InvalidSearchException(name, name + " takes male or female");
        }
      }
      case "healthy-volunteers", "actual", "exclude" -> {
        if (token.code() == null
            || !(token.code().equals("true") || token.code().equals("false"))) {
          throw new InvalidSearchException(name, name + " takes true or false");
        }
      }
      default -> {
        // Any code, system|code, |code or system| (checked by SearchValues.token above).
      }
    }
    if (param.code().equals("condition")
        && token.system() != null
        && !token.system().isEmpty()
        && !token.system().equals(org.trialfhir.mapping.Canonical.MESH)
        && c.modifier() == Modifier.BELOW) {
      throw new InvalidSearchException(
          name, name + " works on MeSH codes (" + org.trialfhir.mapping.Canonical.MESH + ")");
    }
  }

  private Integer count(String value, boolean lenient, List<String> ignored) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidSearchException(
          "_count", "_count must be a whole number, not '" + SearchValues.abbreviate(value) + "'");
    }
    if (n < 0) {
      throw new InvalidSearchException("_count", "_count must not be negative");
    }
    if (n > maxCount) {
      if (!lenient) {
        throw new InvalidSearchException("_count", "_count must be at most " + maxCount);
      }
      ignored.add("_count=" + n + " is more than " + maxCount + "; " + maxCount + " is used");
      return maxCount;
    }
    return n;
  }

  private static List<SortKey> sort(String resourceType, String value) {
    List<SortKey> keys = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String part : value.split(",", -1)) {
      boolean descending = part.startsWith("-");
      String key = descending ? part.substring(1) : part;
      if (!SearchParameters.sortKeys(resourceType).contains(key)) {
        throw new InvalidSearchException(
            "_sort",
            "Cannot sort "
                + resourceType
                + " by '"
                + SearchValues.abbreviate(key)
                + "' (allowed: "
                + String.join(", ", SearchParameters.sortKeys(resourceType))
                + ")");
      }
      if (!seen.add(key)) {
        throw new InvalidSearchException("_sort", "_sort names " + key + " twice");
      }
      keys.add(new SortKey(key, descending));
    }
    return keys;
  }

  private static TotalMode total(String value) {
    return switch (value) {
      case "none" -> TotalMode.NONE;
      case "estimate" -> TotalMode.ESTIMATE;
      case "accurate" -> TotalMode.ACCURATE;
      default ->
          throw new InvalidSearchException(
              "_total",
              "_total takes none, estimate or accurate, not '"
                  + SearchValues.abbreviate(value)
                  + "'");
    };
  }

  private static IncludeSpec include(
      String name, String value, List<IncludeSpec> supported, List<IncludeSpec> already) {
    if (value == null || value.isEmpty()) {
      throw new InvalidSearchException(name, "Empty value for " + name);
    }
    for (IncludeSpec spec : supported) {
      String plain = spec.sourceType() + ":" + spec.param();
      if (value.equals(plain) || value.equals(plain + ":" + spec.targetType())) {
        if (already.contains(spec)) {
          throw new InvalidSearchException(name, name + "=" + plain + " is given twice");
        }
        return spec;
      }
    }
    String list =
        supported.isEmpty()
            ? "none here"
            : supported.stream()
                .map(s -> s.sourceType() + ":" + s.param())
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    throw new InvalidSearchException(
        name,
        "Unsupported "
            + name
            + "="
            + SearchValues.abbreviate(value)
            + " (supported: "
            + list
            + ")");
  }

  private static SummaryMode summary(String value) {
    SummaryMode mode = SummaryMode.fromCode(value);
    if (mode == null) {
      throw new InvalidSearchException(
          "_summary",
          "_summary takes true, false, text, data or count, not '"
              + SearchValues.abbreviate(value)
              + "'");
    }
    return mode;
  }

  private static List<String> elements(String resourceType, String value) {
    BaseRuntimeElementCompositeDefinition<?> definition =
        FhirContext.forR4Cached().getResourceDefinition(resourceType);
    List<String> names = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String name = part.strip();
      String element =
          name.startsWith(resourceType + ".") ? name.substring(resourceType.length() + 1) : name;
      if (element.isEmpty()
          || element.contains(".")
          || definition.getChildByName(element) == null
              && definition.getChildByName(element + "[x]") == null) {
        throw new InvalidSearchException(
            "_elements",
            "_elements: "
                + resourceType
                + " has no element '"
                + SearchValues.abbreviate(name)
                + "'");
      }
      if (!names.contains(element)) {
        names.add(element);
      }
    }
    return names;
  }

  /**
   * The canonical string of a query: {@code Type?name=value&…&_count=N[&_offset=N]}, every name and
   * value URL-encoded, criteria in canonical order, result parameters after them in a fixed order.
   * Equal queries give equal strings; {@link #fromCanonical} reads it back.
   */
  public String canonical(SearchQuery query) {
    StringBuilder out = new StringBuilder(query.resourceType()).append('?');
    List<String> pairs = new ArrayList<>();
    for (Criterion c : query.criteria()) {
      pairs.add(pair(c.name(), SearchValues.joinOr(c.values())));
    }
    if (!query.sort().isEmpty()) {
      pairs.add(
          pair(
              "_sort",
              query.sort().stream()
                  .map(k -> (k.descending() ? "-" : "") + k.param())
                  .reduce((a, b) -> a + "," + b)
                  .orElseThrow()));
    }
    pairs.add(pair("_count", Integer.toString(query.count())));
    if (query.total() != TotalMode.ACCURATE) {
      pairs.add(pair("_total", query.total().name().toLowerCase(java.util.Locale.ROOT)));
    }
    query.includes().forEach(i -> pairs.add(pair("_include", i.sourceType() + ":" + i.param())));
    query
        .revIncludes()
        .forEach(i -> pairs.add(pair("_revinclude", i.sourceType() + ":" + i.param())));
    if (query.summary() != null) {
      pairs.add(pair("_summary", query.summary().code()));
    }
    if (!query.elements().isEmpty()) {
      pairs.add(pair("_elements", String.join(",", query.elements())));
    }
    if (query.offset() > 0) {
      pairs.add(pair("_offset", Integer.toString(query.offset())));
    }
    return out.append(String.join("&", pairs)).toString();
  }

  /**
   * Reads a string written by {@link #canonical} (for example from a paging link) back into the
   * query, strictly: a tampered string is refused with {@link InvalidSearchException} exactly as
   * the same request would be.
   */
  public SearchQuery fromCanonical(String canonical) {
    int question = canonical == null ? -1 : canonical.indexOf('?');
    if (question <= 0) {
      throw new InvalidSearchException(null, "Not a search: expected Type?parameters");
    }
    String type = canonical.substring(0, question);
    Map<String, List<String>> params = new LinkedHashMap<>();
    String rest = canonical.substring(question + 1);
    if (!rest.isEmpty()) {
      for (String pair : rest.split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new InvalidSearchException(null, "Malformed search string");
        }
        String name;
        String value;
        try {
          name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
          value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new InvalidSearchException(null, "Malformed search string");
        }
        params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    int offset = 0;
    List<String> offsets = params.remove("_offset");
    if (offsets != null) {
      if (offsets.size() != 1) {
        throw new InvalidSearchException("_offset", "_offset must be given once");
      }
      try {
        offset = Integer.parseInt(offsets.get(0));
      } catch (NumberFormatException e) {
        throw new InvalidSearchException("_offset", "_offset must be a whole number");
      }
      if (offset < 0 || offset > MAX_OFFSET) {
        throw new InvalidSearchException("_offset", "_offset is out of range");
      }
    }
    Map<String, String[]> map = new LinkedHashMap<>();
    params.forEach((k, v) -> map.put(k, v.toArray(String[]::new)));
    SearchQuery query = parse(type, map, false);
    return query.withPage(offset, query.count());
  }

  private static String pair(String name, String value) {
    return encode(name) + "=" + encode(value);
  }

  private static String encode(String s) {
    // ':' (modifiers) and ',' are kept readable; both are allowed in a query string.
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("%3A", ":")
        .replace("%2C", ",");
  }
}
