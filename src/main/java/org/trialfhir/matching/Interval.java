package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A numeric range with open or closed ends in one UCUM unit; a missing end is unbounded. Notation:
 * {@code <350}, {@code >=18}, {@code [7,10]}, {@code (0,2]}, each followed by the unit when there
 * is one ({@code <350 /uL}).
 */
public record Interval(
    BigDecimal low, boolean lowInclusive, BigDecimal high, boolean highInclusive, String unit) {

  public Interval {
    if (low == null && high == null) {
      throw new IllegalArgumentException("an interval needs at least one end");
    }
  }

  public static Interval atLeast(BigDecimal low, boolean inclusive, String unit) {
    return new Interval(low, inclusive, null, false, unit);
  }

  public static Interval atMost(BigDecimal high, boolean inclusive, String unit) {
    return new Interval(null, false, high, inclusive, unit);
  }

  public static Interval closed(BigDecimal low, BigDecimal high, String unit) {
    return new Interval(low, true, high, true, unit);
  }

  /** Whether a value (in this interval's unit) lies inside. */
  public boolean contains(BigDecimal value) {
    if (low != null) {
      int c = value.compareTo(low);
      if (c < 0 || (c == 0 && !lowInclusive)) {
        return false;
      }
    }
    if (high != null) {
      int c = value.compareTo(high);
      return c < 0 || (c == 0 && highInclusive);
    }
    return true;
  }

  /** The same interval with another unit name (values unchanged). */
  public Interval withUnit(String newUnit) {
    return new Interval(low, lowInclusive, high, highInclusive, newUnit);
  }

  /** The notation described above. */
  @Override
  public String toString() {
    String range;
    if (low != null && high != null) {
      range =
          (lowInclusive ? "[" : "(") + plain(low) + "," + plain(high) + (highInclusive ? "]" : ")");
    } else if (low != null) {
      range = (lowInclusive ? ">=" : ">") + plain(low);
    } else {
      range = (highInclusive ? "<=" : "<") + plain(high);
    }
    return unit == null ? range : range + " " + unit;
  }

  /** Parses the notation of {@link #toString()}. */
  public static Interval parse(String text) {
    String s = text.strip();
    int space = s.indexOf(' ');
    String unit = space < 0 ? null : s.substring(space + 1).strip();
    String range = space < 0 ? s : s.substring(0, space);
    if (range.startsWith("[") || range.startsWith("(")) {
      String[] ends = range.substring(1, range.length() - 1).split(",");
      return new Interval(
          new BigDecimal(ends[0]),
          range.startsWith("["),
          new BigDecimal(ends[1]),
          range.endsWith("]"),
          unit);
    }
    if (range.startsWith(">=")) {
      return atLeast(new BigDecimal(range.substring(2)), true, unit);
    }
    if (range.startsWith(">")) {
      return atLeast(new BigDecimal(range.substring(1)), false, unit);
    }
    if (range.startsWith("<=")) {
      return atMost(new BigDecimal(range.substring(2)), true, unit);
    }
    if (range.startsWith("<")) {
      return atMost(new BigDecimal(range.substring(1)), false, unit);
    }
    throw new IllegalArgumentException("not an interval: " + text);
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Interval other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toString());
  }
}
