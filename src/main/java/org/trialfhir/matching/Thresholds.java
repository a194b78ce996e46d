package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a numeric threshold in normalised criteria text: a comparator in symbols or words ({@code
 * >=}, "at least", "no more than", "not exceeding"), a range ("between 7% and 10%", "18-65") or a
 * trailing "or more", with the unit written after the number, mapped to UCUM.
 */
final class Thresholds {
  /** A threshold found: the interval and where its text ends. */
  record Found(Interval interval, int start, int end) {}

  private static final String NUM = "(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?)";
  private static final String UNIT =
      "(x ?10 ?\\^? ?\\(?\\d{1,2}\\)? ?(?:cells? ?)?/ ?(?:l|ul|mm(?:\\^?3|\\(3\\))|cumm|cmm)(?![a-z])"
          + "|10 ?\\^ ?\\d{1,2} ?/ ?(?:l|ul)\\b"
          + "|(?:cells? ?)?/ ?(?:ul|mm(?:\\^?3|\\(3\\))|cumm|cmm|cu ?mm)(?![a-z])"
          + "|cells? per (?:ul|microliter|mm\\^?3|cubic mm|cubic millimeter)"
          + "|g ?/ ?dl\\b|gm ?/ ?dl\\b|g ?/ ?l\\b|mg ?/ ?dl\\b|mg ?/ ?l\\b|u ?mol ?/ ?l\\b"
          + "|mmol ?/ ?mol\\b|mmol ?/ ?l\\b"
          + "|ml ?/ ?min(?:ute)?(?: ?(?:/|per) ?1\\.73 ?m\\^?2)?\\b"
          + "|%|copies ?(?:/|per) ?ml\\b|iu ?/ ?ml\\b|kg ?/ ?m\\^?2\\b|u ?/ ?l\\b|iu ?/ ?l\\b)";
  private static final String GE =
      ">=|=>|≥|greater than or equal to|more than or equal to|equal to or greater than"
          + "|equal to or more than|equal or greater than|at least|not less than|no less than"
          + "|minimum of|minimum";
  private static final String GT =
      ">|greater than|more than|higher than|above|exceeding|exceeds|over|in excess of";
  private static final String LE =
      "<=|=<|less than or equal to|equal to or less than|equal or less than|no more than"
          + "|not more than|not exceeding|not exceed|not greater than|not to exceed|up to"
          + "|at most|maximum of|maximum|no higher than|not higher than|no greater than";
  private static final String LT = "<|less than|lower than|below|under|fewer than";

  private static final Pattern BETWEEN =
      Pattern.compile(
          "between " + NUM + " ?" + UNIT + "? ?(?:and|-|to) " + NUM + " ?" + UNIT + "?");
  private static final Pattern RANGE =
      Pattern.compile(
          "(?<![\\d.,])" + NUM + " ?" + UNIT + "? ?(?:-|to) ?" + NUM + " ?" + UNIT + "?");
  private static final Pattern COMPARED =
      Pattern.compile(
          "(?<![a-z])("
              + GE
              + "|"
              + LE
              + "|"
              + GT
              + "|"
              + LT
              + ")(?![a-z]) ?:? ?"
              + NUM
              + " ?"
              + UNIT
              + "?");
  private static final Pattern TRAILING =
      Pattern.compile(
          NUM + " ?" + UNIT + "? or (more|greater|higher|above|over|less|lower|below|fewer)\\b");
  private static final Pattern SECOND =
      Pattern.compile(
          " ?(?:%|)?,? ?(and|or) ?(?:(?:a|an|the) )?(?:\\w+ )?("
              + GE
              + "|"
              + LE
              + "|"
              + GT
              + "|"
              + LT
              + ") ?"
              + NUM
              + " ?"
              + UNIT
              + "?");
  private static final Pattern RELATIVE =
      Pattern.compile(
          "^ ?(?:x|times|fold)? ?(?:the )?(?:uln|upper limit|lln|lower limit|institutional)");

  private Thresholds() {}

  /**
   * The first threshold in {@code text[from, to)}, or empty. A number without a unit takes {@code
   * defaultUnit}; without either, or relative to a normal limit ("2.5 x ULN"), there is none.
   */
  static Optional<Found> find(String text, int from, int to, String defaultUnit) {
    Found best = null;
    for (Pattern pattern : new Pattern[] {BETWEEN, RANGE, COMPARED, TRAILING}) {
      Matcher m = pattern.matcher(text).region(from, to);
      while (m.find()) {
        Found found = build(pattern, m, defaultUnit, text);
        if (found != null) {
          if (best == null || found.start() < best.start()) {
            best = found;
          }
          break;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static Found build(Pattern pattern, Matcher m, String defaultUnit, String text) {
    if (RELATIVE.matcher(text.substring(m.end())).find()) {
      return null;
    }
    Interval interval;
    if (pattern == BETWEEN || pattern == RANGE) {
      String unit = unit(m.group(4), m.group(2), defaultUnit);
      if (unit == null) {
        return null;
      }
      BigDecimal low = number(m.group(1));
      BigDecimal high = number(m.group(3));
      if (low.compareTo(high) > 0) {
        return null;
      }
      interval = Interval.closed(low, high, unit);
    } else if (pattern == COMPARED) {
      String unit = unit(m.group(3), null, defaultUnit);
      if (unit == null) {
        return null;
      }
      interval = compared(m.group(1), number(m.group(2)), unit);
    } else {
      String unit = unit(m.group(2), null, defaultUnit);
      if (unit == null) {
        return null;
      }
      boolean up = m.group(3).matches("more|greater|higher|above|over");
      BigDecimal value = number(m.group(1));
      interval = up ? Interval.atLeast(value, true, unit) : Interval.atMost(value, true, unit);
    }
    return new Found(interval, m.start(), m.end());
  }

  private static Interval compared(String comparator, BigDecimal value, String unit) {
    if (comparator.matches(GE)) {
      return Interval.atLeast(value, true, unit);
    }
    if (comparator.matches(LE)) {
      return Interval.atMost(value, true, unit);
    }
    if (comparator.matches(GT)) {
      return Interval.atLeast(value, false, unit);
    }
    return Interval.atMost(value, false, unit);
  }

  private static String unit(String written, String alternative, String defaultUnit) {
    String raw = written != null ? written : alternative;
    return raw != null ? ucum(raw) : defaultUnit;
  }

  static BigDecimal number(String text) {
    return new BigDecimal(text.replace(",", ""));
  }

  /** The UCUM code of a unit as written in criteria text (normalised by {@link ItemText}). */
  static String ucum(String written) {
    String u = written.replace(" ", "").replace("^", "").replace("(", "").replace(")", "");
    Matcher power = Pattern.compile("x?10(\\d{1,2})(?:cells?)?/(l|ul|mm3|cumm|cmm)").matcher(u);
    if (power.matches()) {
      return "10*" + power.group(1) + "/" + volume(power.group(2));
    }
    if (u.matches("(?:cells?)?/(?:ul|mm3|cumm|cmm|cumm)")
        || u.matches("cells?per(?:ul|microliter|mm3|cubicmm|cubicmillimeter)")) {
      String volume = u.replaceAll(".*(?:/|per)", "");
      return (u.startsWith("cell") ? "{cells}/" : "/") + volume(volume);
    }
    return switch (u) {
      case "g/dl", "gm/dl" -> "g/dL";
      case "g/l" -> "g/L";
      case "mg/dl" -> "mg/dL";
      case "mg/l" -> "mg/L";
      case "umol/l" -> "umol/L";
      case "mmol/l" -> "mmol/L";
      case "mmol/mol" -> "mmol/mol";
      case "ml/min", "ml/minute" -> "mL/min";
      case "%" -> "%";
      case "copies/ml", "copiesperml" -> "{copies}/mL";
      case "iu/ml" -> "[IU]/mL";
      case "iu/l" -> "[IU]/L";
      case "u/l" -> "U/L";
      case "kg/m2" -> "kg/m2";
      default -> u.startsWith("ml/min") ? "mL/min/{1.73_m2}" : null;
    };
  }

  private static String volume(String written) {
    return switch (written) {
      case "l" -> "L";
      case "ul", "microliter" -> "uL";
      default -> "mm3";
    };
  }

  /**
   * A second bound right after a threshold ("≥7% and ≤10%", "<7.0% or >11.0%"): with "and" the two
   * make one range; with "or" the range between them, which the caller negates. The second number
   * may omit the unit.
   */
  static Optional<Compound> second(String text, Found first) {
    Matcher m = SECOND.matcher(text).region(first.end(), text.length());
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    String unit = m.group(4) != null ? ucum(m.group(4)) : first.interval().unit();
    if (unit == null || !unit.equals(first.interval().unit())) {
      return Optional.empty();
    }
    Interval other = compared(m.group(2), number(m.group(3)), unit);
    Interval one = first.interval();
    Interval lower = one.low() != null ? one : other;
    Interval upper = one.low() != null ? other : one;
    if (lower.low() == null
        || upper.high() == null
        || lower.high() != null
        || upper.low() != null) {
      return Optional.empty();
    }
    boolean either = m.group(1).equals("or");
    Interval range =
        either
            ? new Interval(
                upper.high(), !upper.highInclusive(), lower.low(), !lower.lowInclusive(), unit)
            : new Interval(
                lower.low(), lower.lowInclusive(), upper.high(), upper.highInclusive(), unit);
    if (range.low().compareTo(range.high()) > 0) {
      return Optional.empty();
    }
    return Optional.of(new Compound(range, either, m.end()));
  }

  /** Two bounds read as one range; {@code outside} when the text wants values outside it. */
  record Compound(Interval range, boolean outside, int end) {}
}
