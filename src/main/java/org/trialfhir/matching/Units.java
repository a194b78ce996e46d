package org.trialfhir.matching;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Optional;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * UCUM unit conversion through {@code org.fhir:ucum}, loaded from the library's own {@code
 * ucum-essence.xml}. Annotations such as {@code {cells}} are dimensionless in UCUM, so {@code
 * {cells}/uL}, {@code /uL}, {@code /mm3}, {@code 10*3/uL} and {@code 10*9/L} all convert into one
 * another. Dimensionless units are never converted into one another (see {@link #convert}).
 */
public final class Units {
  private static final UcumEssenceService UCUM = load();

  private Units() {}

  private static UcumEssenceService load() {
    try (InputStream in = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
      if (in == null) {
        throw new IllegalStateException("ucum-essence.xml is missing from org.fhir:ucum");
      }
      return new UcumEssenceService(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UcumException e) {
      throw new IllegalStateException("cannot load UCUM essence", e);
    }
  }

  /** Whether a string is a valid UCUM unit expression. */
  public static boolean isValid(String unit) {
    return unit != null && UCUM.validate(unit) == null;
  }

  /**
   * The value converted from one UCUM unit to another, or empty when either unit is invalid or they
   * are not commensurable.
   */
  public static Optional<BigDecimal> convert(BigDecimal value, String from, String to) {
    if (from == null || to == null) {
      return Optional.empty();
    }
    if (from.equals(to)) {
      return Optional.of(value);
    }
    // Matching converts the same few hundred observation values for every candidate study; UCUM's
    // arbitrary-precision arithmetic made that most of the time of a $match.
    Conversion key = new Conversion(value, from, to);
    Optional<BigDecimal> known = CONVERTED.get(key);
    if (known == null) {
      if (CONVERTED.size() >= MAX_CONVERSIONS) {
        CONVERTED.clear();
      }
      known = ucum(value, from, to);
      CONVERTED.put(key, known);
    }
    return known;
  }

  private record Conversion(BigDecimal value, String from, String to) {}

  private static final int MAX_CONVERSIONS = 50_000;

  private static final java.util.concurrent.ConcurrentHashMap<Conversion, Optional<BigDecimal>>
      CONVERTED = new java.util.concurrent.ConcurrentHashMap<>();

  private static Optional<BigDecimal> ucum(BigDecimal value, String from, String to) {
    try {
      if (!UCUM.isComparable(from, to) || isDimensionless(from)) {
        return Optional.empty();
      }
      Decimal converted = UCUM.convert(new Decimal(value.toPlainString()), from, to);
      return Optional.of(new BigDecimal(converted.asDecimal()));
    } catch (UcumException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a unit is a pure number in UCUM (%, mmol/mol, {ratio}). Such units compare in UCUM but
   * often measure different things (HbA1c in % and in mmol/mol are different scales), so they are
   * never converted into one another.
   */
  private static boolean isDimensionless(String unit) throws UcumException {
    String canonical = UCUM.getCanonicalUnits(unit);
    return canonical == null || canonical.isEmpty() || canonical.equals("1");
  }

  /** The interval's ends converted to another unit, or empty when the units do not convert. */
  public static Optional<Interval> convert(Interval interval, String to) {
    if (interval.unit() == null) {
      return Optional.empty();
    }
    Optional<BigDecimal> low = Optional.empty();
    Optional<BigDecimal> high = Optional.empty();
    if (interval.low() != null) {
      low = convert(interval.low(), interval.unit(), to);
      if (low.isEmpty()) {
        return Optional.empty();
      }
    }
    if (interval.high() != null) {
      high = convert(interval.high(), interval.unit(), to);
      if (high.isEmpty()) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new Interval(
            low.orElse(null),
            interval.lowInclusive(),
            high.orElse(null),
            interval.highInclusive(),
            to));
  }
}
