package org.trialfhir.search;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.mapping.Canonical;

/**
 * The value syntax of FHIR R4 search, per parameter type: tokens ({@code system|code}), dates with
 * prefixes and partial precision, quantities, references, and {@code near}. Every method reads one
 * value of a {@link Criterion} (already split at commas) and throws {@link InvalidSearchException}
 * naming the parameter when it is malformed. The query parser uses these to validate a request, the
 * store to interpret it, so both read values the same way.
 */
public final class SearchValues {
  /** The longest value accepted, in characters (longer ones are refused, not truncated). */
  public static final int MAX_VALUE_LENGTH = 1_000;

  /** The distance a {@code near} value without one means, in km. */
  public static final double DEFAULT_NEAR_KM = 50;

  /** Kilometres per international mile (UCUM {@code [mi_i]}). */
  public static final double KM_PER_MILE = 1.609344;

  /** UCUM time units accepted for ages, in minutes as UCUM defines them (a = 365.25 d). */
  public static final Map<String, BigDecimal> MINUTES_PER_UNIT =
      Map.of(
          "a", new BigDecimal(525960),
          "mo", new BigDecimal(43830),
          "wk", new BigDecimal(10080),
          "d", new BigDecimal(1440),
          "h", new BigDecimal(60),
          "min", BigDecimal.ONE);

  private static final Pattern DATE =
      Pattern.compile(
          "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
              + "(Z|[+-]\\d{2}:\\d{2})?)?)?)?");
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

  private SearchValues() {}

  /** Comparison prefixes of date, number and quantity values. */
  public enum Prefix {
    EQ,
    NE,
    GT,
    LT,
    GE,
    LE,
    SA,
    EB,
    AP;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A token: {@code code} (any system: system null), {@code |code} (no system: system ""), {@code
   * system|} (any code: code null) or {@code system|code}.
   */
  public record Token(String system, String code) {
    /** True when the value names no system ({@code code}). */
    public boolean anySystem() {
      return system == null;
    }
  }

  /**
   * A date value: its prefix and the range its precision implies, in epoch milliseconds, both
   * inclusive ({@code 2024} is 2024-01-01T00:00:00.000Z to 2024-12-31T23:59:59.999Z). A date or
   * time without a zone is read as UTC.
   */
  public record DateValue(Prefix prefix, long low, long high) {}

  /** A quantity: prefix, number, and the system and unit (null when not given). */
  public record QuantityValue(Prefix prefix, BigDecimal value, String system, String unit) {}

  /** A reference: the target type (null when only an id was given) and the id. */
  public record Ref(String type, String id) {
    @Override
    public String toString() {
      return type == null ? id : type + "/" + id;
    }
  }

  /** A {@code near} value: a WGS84 point and a radius in km. */
  public record Near(double latitude, double longitude, double distanceKm) {}

  /**
   * Splits a raw parameter value at unescaped commas, turning {@code \,} into {@code ,} and keeping
   * the other escapes ({@code \|}, {@code \$}, {@code \\}).
   *
   * @throws InvalidSearchException for a backslash that escapes nothing FHIR defines, or an empty
   *     alternative
   */
  public static List<String> splitOr(String parameter, String raw) {
    List<String> values = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\') {
        char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
        switch (next) {
          case ',' -> current.append(',');
          case '|', '$', '\\' -> current.append('\\').append(next);
          default ->
              throw new InvalidSearchException(
                  parameter,
                  "Invalid escape in the value of "
                      + parameter
                      + ": a backslash must be followed by , | $ or \\");
        }
        i++;
      } else if (c == ',') {
        values.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    values.add(current.toString());
    for (String value : values) {
      if (value.isEmpty()) {
        throw new InvalidSearchException(parameter, "Empty value in " + parameter);
      }
    }
    return values;
  }

  /** Joins values split by {@link #splitOr}, escaping their commas again: the inverse. */
  public static String joinOr(List<String> values) {
    StringBuilder out = new StringBuilder();
    for (String value : values) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(value.replace(",", "\\,"));
    }
    return out.toString();
  }

  /** Removes the escapes {@link #splitOr} kept: the value as plain text. */
  public static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        out.append(value.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A token value. */
  public static Token token(String parameter, String value) {
    int bar = unescapedBar(value, 0);
    if (bar < 0) {
      return new Token(null, unescape(value));
    }
    if (unescapedBar(value, bar + 1) >= 0) {
      throw new InvalidSearchException(
          parameter,
          "Invalid token in "
              + parameter
              + ": '"
              + abbreviate(value)
              + "' (expected code, system|code, |code or system|)");
    }
    String system = unescape(value.substring(0, bar));
    String code = unescape(value.substring(bar + 1));
    if (system.isEmpty() && code.isEmpty()) {
      throw new InvalidSearchException(parameter, "Invalid token in " + parameter + ": '|'");
    }
    return new Token(system, code.isEmpty() ? null : code);
  }

  /** The NCT identifier system for any of the variants others write, else the system itself. */
  public static String identifierSystem(String system) {
    if (system == null) {
      return null;
    }
    String s = system.toLowerCase(Locale.ROOT);
    if (s.equals("http://clinicaltrials.gov")
        || s.equals("https://clinicaltrials.gov")
        || s.equals("http://clinicaltrials.gov/")
        || s.equals("https://clinicaltrials.gov/")
        || s.equals("http://www.clinicaltrials.gov")
        || s.equals("https://www.clinicaltrials.gov")
        || s.equals("http://www.clinicaltrials.gov/")
        || s.equals("https://www.clinicaltrials.gov/")) {
      return Canonical.NCT_SYSTEM;
    }
    return system;
  }

  /** A boolean for {@code :missing}. */
  public static boolean missing(String parameter, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new InvalidSearchException(
              parameter, parameter + " takes true or false, not '" + abbreviate(value) + "'");
    };
  }

  /** A date value with an optional prefix. */
  public static DateValue date(String parameter, String value) {
    Prefix prefix = Prefix.EQ;
    String rest = value;
    if (value.length() > 2 && Character.isLetter(value.charAt(0))) {
      prefix = prefix(parameter, value.substring(0, 2));
      rest = value.substring(2);
    }
    Matcher m = DATE.matcher(rest);
    if (!m.matches()) {
      throw new InvalidSearchException(
          parameter,
          "Invalid date in "
              + parameter
              + ": '"
              + abbreviate(value)
              + "' (expected [prefix]yyyy, yyyy-MM, yyyy-MM-dd or yyyy-MM-ddThh:mm[:ss][zone])");
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (year < 1) {
        throw new DateTimeException("year 0000");
      }
      if (m.group(2) == null) {
        long low = LocalDate.of(year, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        long next =
            LocalDate.of(year, 1, 1)
                .plusYears(1)
                .atStartOfDay()
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli();
        return new DateValue(prefix, low, next - 1);
      }
      int month = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        LocalDate first = LocalDate.of(year, month, 1);
        return new DateValue(prefix, startOf(first), startOf(first.plusMonths(1)) - 1);
      }
      LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return new DateValue(prefix, startOf(day), startOf(day.plusDays(1)) - 1);
      }
      LocalDateTime time =
          day.atTime(
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
      ZoneOffset zone =
          m.group(8) == null || m.group(8).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      long start = OffsetDateTime.of(time, zone).toInstant().toEpochMilli();
      if (m.group(7) != null) {
        String fraction = (m.group(7) + "00").substring(0, 3);
        long millis = start + Integer.parseInt(fraction);
        return new DateValue(prefix, millis, millis);
      }
      ChronoUnit precision = m.group(6) == null ? ChronoUnit.MINUTES : ChronoUnit.SECONDS;
      return new DateValue(prefix, start, start + precision.getDuration().toMillis() - 1);
    } catch (DateTimeException | NumberFormatException e) {
      throw new InvalidSearchException(
          parameter, "Invalid date in " + parameter + ": '" + abbreviate(value) + "'");
    }
  }

  private static long startOf(LocalDate day) {
    return day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** A quantity (or number) value: {@code [prefix]number[|system|unit]}. */
  public static QuantityValue quantity(String parameter, String value) {
    Prefix prefix = Prefix.EQ;
    String rest = value;
    if (value.length() > 2 && Character.isLetter(value.charAt(0))) {
      prefix = prefix(parameter, value.substring(0, 2));
      rest = value.substring(2);
    }
    String number = rest;
    String system = null;
    String unit = null;
    int bar = unescapedBar(rest, 0);
    if (bar >= 0) {
      int second = unescapedBar(rest, bar + 1);
      if (second < 0 || unescapedBar(rest, second + 1) >= 0) {
        throw new InvalidSearchException(
            parameter,
            "Invalid quantity in "
                + parameter
                + ": '"
                + abbreviate(value)
                + "' (expected [prefix]number, number|system|code or number||code)");
      }
      number = rest.substring(0, bar);
      system = emptyToNull(unescape(rest.substring(bar + 1, second)));
      unit = emptyToNull(unescape(rest.substring(second + 1)));
    }
    if (!NUMBER.matcher(number).matches()) {
      throw new InvalidSearchException(
          parameter, "Invalid number in " + parameter + ": '" + abbreviate(value) + "'");
    }
    return new QuantityValue(prefix, new BigDecimal(number), system, unit);
  }

  /**
   * An age for {@code eligible-age}: a quantity in a UCUM time unit (years when none is given),
   * converted to minutes.
   */
  public static BigDecimal ageInMinutes(String parameter, QuantityValue quantity) {
    if (quantity.system() != null && !quantity.system().equals(Canonical.UCUM)) {
      throw new InvalidSearchException(
          parameter,
          parameter
              + " takes UCUM units (system "
              + Canonical.UCUM
              + "), not "
              + quantity.system());
    }
    String unit = quantity.unit() == null ? "a" : quantity.unit();
    BigDecimal factor = MINUTES_PER_UNIT.get(unit);
    if (factor == null) {
      throw new InvalidSearchException(
          parameter,
          parameter + " takes the UCUM time units a, mo, wk, d, h or min, not '" + unit + "'");
    }
    if (quantity.value().signum() < 0) {
      throw new InvalidSearchException(parameter, parameter + " must not be negative");
    }
    return quantity.value().multiply(factor);
  }

  /** A reference value: {@code Type/id}, {@code id}, or an absolute URL ending in Type/id. */
  public static Ref reference(String parameter, String value, List<String> targets) {
    String v = unescape(value);
    String type = null;
    String id = v;
    if (v.startsWith("http://") || v.startsWith("https://") || v.startsWith("urn:")) {
      String[] parts = v.split("/");
      if (parts.length < 4) {
        throw new InvalidSearchException(
            parameter,
            "Invalid reference in "
                + parameter
                + ": '"
                + abbreviate(value)
                + "' (expected …/Type/id)");
      }
      type = parts[parts.length - 2];
      id = parts[parts.length - 1];
    } else if (v.contains("/")) {
      String[] parts = v.split("/", -1);
      if (parts.length != 2) {
        throw new InvalidSearchException(
            parameter,
            "Invalid reference in "
                + parameter
                + ": '"
                + abbreviate(value)
                + "' (expected Type/id or id)");
      }
      type = parts[0];
      id = parts[1];
    }
    if (type != null && !TYPE.matcher(type).matches() || !ID.matcher(id).matches()) {
      throw new InvalidSearchException(
          parameter,
          "Invalid reference in "
              + parameter
              + ": '"
              + abbreviate(value)
              + "' (expected Type/id or id)");
    }
    if (type != null && !targets.contains(type)) {
      throw new InvalidSearchException(
          parameter, parameter + " refers to " + String.join(" or ", targets) + ", not " + type);
    }
    if (type == null && targets.size() == 1) {
      type = targets.get(0);
    }
    return new Ref(type, id);
  }

  /** A {@code near} value: {@code latitude|longitude[|distance[|unit]]}. */
  public static Near near(String parameter, String value) {
    String[] parts = unescape(value).split("\\|", -1);
    if (parts.length < 2 || parts.length > 4) {
      throw nearError(parameter, value);
    }
    double latitude;
    double longitude;
    double distance = DEFAULT_NEAR_KM;
    try {
      latitude = decimal(parts[0]);
      longitude = decimal(parts[1]);
      if (parts.length > 2 && !parts[2].isEmpty()) {
        distance = decimal(parts[2]);
      }
    } catch (NumberFormatException e) {
      throw nearError(parameter, value);
    }
    if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
      throw new InvalidSearchException(
          parameter,
          parameter + ": latitude must be within -90..90 and longitude within -180..180");
    }
    if (!(distance > 0) || Double.isInfinite(distance)) {
      throw new InvalidSearchException(parameter, parameter + ": the distance must be positive");
    }
    String unit = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : "km";
    double km =
        switch (unit) {
          case "km" -> distance;
          case "[mi_i]" -> distance * KM_PER_MILE;
          default ->
              throw new InvalidSearchException(
                  parameter, parameter + ": the unit must be km or [mi_i], not '" + unit + "'");
        };
    return new Near(latitude, longitude, km);
  }

  private static InvalidSearchException nearError(String parameter, String value) {
    return new InvalidSearchException(
        parameter,
        "Invalid value of "
            + parameter
            + ": '"
            + abbreviate(value)
            + "' (expected latitude|longitude|distance|unit, e.g. 42.36|-71.06|50|km)");
  }

  private static double decimal(String text) {
    if (!NUMBER.matcher(text).matches()) {
      throw new NumberFormatException(text);
    }
    return Double.parseDouble(text);
  }

  private static Prefix prefix(String parameter, String code) {
    for (Prefix prefix : Prefix.values()) {
      if (prefix.code().equals(code)) {
        return prefix;
      }
    }
    throw new InvalidSearchException(
        parameter,
        "Unknown prefix '"
            + abbreviate(code)
            + "' in "
            + parameter
            + " (eq ne gt lt ge le sa eb ap)");
  }

  private static int unescapedBar(String value, int from) {
    for (int i = from; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '|') {
        return i;
      }
    }
    return -1;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** A value cut to 60 characters, for error messages. */
  public static String abbreviate(String value) {
    return value.length() <= 60 ? value : value.substring(0, 57) + "...";
  }
}
