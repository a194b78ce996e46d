package org.trialfhir.ctgov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads every real API v2 record of the shared test data. */
class SharedDataReadTest {

  @Test
  void readsEveryRealRecordWithoutErrors() {
    RecordingHandler handler = new RecordingHandler();

    new StudyReader()
        .read(
            List.of(RealRecords.ctgov().resolve("v2"), RealRecords.ctgov().resolve("v2-partial")),
            handler);

    System.out.printf(
        "shared data: %d studies, %d warnings, %d errors%n",
        handler.studies.size(), handler.warnings().size(), handler.problems.size());
    assertThat(handler.problems).isEmpty();
    assertThat(handler.studies).hasSize(1_296 + 68);
    assertThat(handler.nctIds()).doesNotHaveDuplicates().allMatch(CtgovValues::isNctId);
  }
}
