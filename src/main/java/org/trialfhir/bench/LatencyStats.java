package org.trialfhir.bench;

import java.util.Arrays;

/**
 * Latency statistics over every recorded sample (no histogram, no approximation): count, mean, max
 * and nearest-rank percentiles.
 *
 * <p>Percentile definition (nearest rank): with the n samples sorted ascending, the p-th percentile
 * (0 &lt; p ≤ 100) is the sample at 1-based rank ⌈p/100 × n⌉, so it is always a value that was
 * measured; the 0th percentile is the minimum. For n = 10, p50 is the 5th smallest sample and p90
 * the 9th; p99 of 100 samples is the 99th.
 */
public final class LatencyStats {
  private final long[] sorted;

  private LatencyStats(long[] sorted) {
    this.sorted = sorted;
  }

  /** The statistics of these samples (in any unit; nanoseconds in the benchmarks). */
  public static LatencyStats of(long... samples) {
    long[] copy = samples.clone();
    Arrays.sort(copy);
    return new LatencyStats(copy);
  }

  public int count() {
    return sorted.length;
  }

  /** The nearest-rank percentile, 0 ≤ p ≤ 100; 0 when there are no samples. */
  public long percentile(double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be between 0 and 100: " + p);
    }
    if (sorted.length == 0) {
      return 0;
    }
    if (p == 0) {
      return sorted[0];
    }
    // Multiplying first keeps integer percentiles exact; the epsilon absorbs the rounding of
    // fractional ones (99.9 × 1000 / 100 may come out as 999.0000000000001).
    long rank = (long) Math.ceil(p * sorted.length / 100.0 - 1e-9);
    return sorted[(int) Math.max(1, Math.min(rank, sorted.length)) - 1];
  }

  /** The largest sample; 0 when there are none. */
  public long max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  /** The arithmetic mean; 0 when there are no samples. */
  public double mean() {
    if (sorted.length == 0) {
      return 0;
    }
    double sum = 0;
    for (long sample : sorted) {
      sum += sample;
    }
    return sum / sorted.length;
  }

  /** A growable, unsynchronised list of samples: one per worker thread and query type. */
  public static final class Recorder {
    private long[] samples = new long[256];
    private int size;

    public void record(long sample) {
      if (size == samples.length) {
        samples = Arrays.copyOf(samples, size * 2);
      }
      samples[size++] = sample;
    }

    public int size() {
      return size;
    }

    /** Adds every sample of the other recorder to this one. */
    public void addAll(Recorder other) {
      for (int i = 0; i < other.size; i++) {
        record(other.samples[i]);
      }
    }

    public LatencyStats stats() {
      return LatencyStats.of(Arrays.copyOf(samples, size));
    }
  }
}
