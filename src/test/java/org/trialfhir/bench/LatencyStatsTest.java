package org.trialfhir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles on known inputs. */
class LatencyStatsTest {

  @Test
  void oneToAHundredInAnyOrder() {
    List<Long> values = new ArrayList<>();
    for (long i = 1; i <= 100; i++) {
      values.add(i);
    }
    Collections.shuffle(values, new Random(7));
    LatencyStats stats = LatencyStats.of(values.stream().mapToLong(Long::longValue).toArray());
    assertThat(stats.count()).isEqualTo(100);
    assertThat(stats.percentile(0)).isEqualTo(1);
    assertThat(stats.percentile(1)).isEqualTo(1);
    assertThat(stats.percentile(50)).isEqualTo(50);
    assertThat(stats.percentile(90)).isEqualTo(90);
    assertThat(stats.percentile(95)).isEqualTo(95);
    assertThat(stats.percentile(99)).isEqualTo(99);
    assertThat(stats.percentile(99.9)).isEqualTo(100);
    assertThat(stats.percentile(100)).isEqualTo(100);
    assertThat(stats.max()).isEqualTo(100);
    assertThat(stats.mean()).isEqualTo(50.5);
  }

  @Test
  void tenSamplesTakeTheValueAtTheRoundedUpRank() {
    LatencyStats stats = LatencyStats.of(100, 20, 90, 40, 30, 60, 50, 80, 70, 10);
    assertThat(stats.percentile(50)).isEqualTo(50); // rank 5
    assertThat(stats.percentile(51)).isEqualTo(60); // rank ceil(5.1) = 6
    assertThat(stats.percentile(90)).isEqualTo(90); // rank 9
    assertThat(stats.percentile(95)).isEqualTo(100); // rank ceil(9.5) = 10
    assertThat(stats.percentile(99)).isEqualTo(100);
    assertThat(stats.percentile(5)).isEqualTo(10); // rank ceil(0.5) = 1
  }

  @Test
  void fractionalPercentilesAreNotPushedUpByRounding() {
    long[] thousand = new long[1000];
    for (int i = 0; i < thousand.length; i++) {
      thousand[i] = i + 1;
    }
    LatencyStats stats = LatencyStats.of(thousand);
    assertThat(stats.percentile(99.9)).isEqualTo(999);
    assertThat(stats.percentile(99.99)).isEqualTo(1000);
  }

  @Test
  void oneSampleIsEveryPercentileAndNoSamplesAreZero() {
    assertThat(LatencyStats.of(42).percentile(50)).isEqualTo(42);
    assertThat(LatencyStats.of(42).percentile(99)).isEqualTo(42);
    assertThat(LatencyStats.of().percentile(50)).isZero();
    assertThat(LatencyStats.of().max()).isZero();
    assertThat(LatencyStats.of().mean()).isZero();
  }

  @Test
  void percentilesOutsideZeroToAHundredAreRefused() {
    assertThatThrownBy(() -> LatencyStats.of(1).percentile(101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyStats.of(1).percentile(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recordersGrowAndMerge() {
    LatencyStats.Recorder first = new LatencyStats.Recorder();
    LatencyStats.Recorder second = new LatencyStats.Recorder();
    for (int i = 1; i <= 1000; i++) {
      (i % 2 == 0 ? first : second).record(i);
    }
    first.addAll(second);
    LatencyStats stats = first.stats();
    assertThat(stats.count()).isEqualTo(1000);
    assertThat(stats.percentile(50)).isEqualTo(500);
    assertThat(stats.max()).isEqualTo(1000);
  }
}
