package org.trialfhir.ctgov;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the registry's date and age strings, shared by the checker and the mapper. */
public final class CtgovValues {
  private static final Pattern DATE = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?");
  private static final Pattern AGE =
      Pattern.compile(
          "(\\d+(?:\\.\\d+)?) (Year|Years|Month|Months|Week|Weeks|Day|Days|Hour|Hours|Minute|Minutes)");
  private static final Pattern NCT_ID = Pattern.compile("NCT\\d{8}");

  private CtgovValues() {}

  /** A registry age such as {@code 18 Years}: value and UCUM unit. */
  public record Age(BigDecimal value, String unit, String ucum) {}

  /** True for {@code yyyy}, {@code yyyy-MM} or {@code yyyy-MM-dd} naming a real calendar date. */
  public static boolean isValidDate(String text) {
    if (text == null) {
      return false;
    }
    Matcher m = DATE.matcher(text);
    if (!m.matches()) {
      return false;
    }
    if (m.group(2) == null) {
      return true;
    }
    int month = Integer.parseInt(m.group(2));
    if (month < 1 || month > 12) {
      return false;
    }
    if (m.group(3) == null) {
      return true;
    }
    int day = Integer.parseInt(m.group(3));
    int year = Integer.parseInt(m.group(1));
    return day >= 1 && day <= java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  /** Parses an age like {@code 18 Years} or {@code 6 Months}; null if it is not one. */
  public static Age parseAge(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = AGE.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    String singular = unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
    String ucum =
        switch (singular) {
          case "year" -> "a";
          case "month" -> "mo";
          case "week" -> "wk";
          case "day" -> "d";
          case "hour" -> "h";
          default -> "min";
        };
    String plural = singular + "s";
    return new Age(new BigDecimal(m.group(1)), plural, ucum);
  }

  /** True for an NCT id: {@code NCT} and eight digits. */
  public static boolean isNctId(String text) {
    return text != null && NCT_ID.matcher(text).matches();
  }
}
