package org.trialfhir.ctgov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trialfhir.ctgov.RealRecords.A;
import static org.trialfhir.ctgov.RealRecords.B;
import static org.trialfhir.ctgov.RealRecords.C;
import static org.trialfhir.ctgov.RealRecords.at;
import static org.trialfhir.ctgov.RealRecords.compact;
import static org.trialfhir.ctgov.RealRecords.pretty;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records over the size limit are skipped without being held in memory; long texts within it pass.
 */
class StudyReaderLargeRecordTest {
  private static final long HUNDRED_MB = 100L * 1024 * 1024;
  private static final String LIMIT = String.valueOf(StudyReader.DEFAULT_MAX_RECORD_BYTES);

  @TempDir Path dir;

  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void hundredMegabyteStudyFileIsSkippedAndTheFolderStillLoads() throws IOException {
    TestInputs.write(dir.resolve("a.json"), pretty(A));
    Path huge = dir.resolve("huge.json");
    try {
      try (Writer out = Files.newBufferedWriter(huge)) {
        writeStudyWithManySites(out, B, HUNDRED_MB);
      }
      TestInputs.write(dir.resolve("z.json"), pretty(C));
      assertThat(Files.size(huge)).isGreaterThanOrEqualTo(HUNDRED_MB);

      new StudyReader().read(List.of(dir), handler);
    } finally {
      Files.deleteIfExists(huge);
    }

    assertThat(handler.problems)
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.source()).isEqualTo(huge.toString());
              assertThat(error.nctId()).isEqualTo(B);
              assertThat(error.message()).contains(LIMIT);
            });
    assertThat(handler.nctIds()).containsExactly(A, C);
  }

  @Test
  void hundredMegabyteStudyInAnArrayIsSkippedAndTheFollowingRecordsLoad() throws IOException {
    Path file = dir.resolve("ctg-studies.json");
    try {
      try (Writer out = Files.newBufferedWriter(file)) {
        out.write("[" + pretty(A) + ",\n");
        writeStudyWithManySites(out, B, HUNDRED_MB);
        out.write(",\n" + pretty(C) + "]\n");
      }

      new StudyReader().read(List.of(file), handler);
    } finally {
      Files.deleteIfExists(file);
    }

    assertThat(handler.problems)
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.source()).isEqualTo(file + "[1]");
              assertThat(error.nctId()).isEqualTo(B);
              assertThat(error.message()).contains(LIMIT);
            });
    assertThat(handler.sources()).containsExactly(file + "[0]", file + "[2]");
  }

  @Test
  void recordLimitIsConfigurable() throws IOException {
    Path file = dir.resolve("studies.ndjson");
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write(compact(A) + "\n");
      writeStudyWithManySites(out, B, 50_000);
      out.write("\n" + compact(C) + "\n");
    }

    new StudyReader(20_000).read(List.of(file), handler);

    assertThat(handler.problems)
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.source()).isEqualTo(file + ":2");
              assertThat(error.nctId()).isEqualTo(B);
              assertThat(error.message()).contains("20000");
            });
    assertThat(handler.nctIds()).containsExactly(A, C);
  }

  @Test
  void textLongerThanJacksonsDefaultPassesInsideALegalRecord() {
    String summary =
        at(RealRecords.tree(A), "protocolSection.descriptionModule").get("briefSummary").asText();
    String longText = summary.repeat(25_000_000 / summary.length() + 1);
    String record =
        RealRecords.edited(
            A,
            study ->
                at(study, "protocolSection.descriptionModule")
                    .put("detailedDescription", longText));
    Path file = TestInputs.write(dir.resolve("long.json"), RealRecords.array(record, pretty(B)));

    new StudyReader().read(List.of(file), handler);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.nctIds()).containsExactly(A, B);
    assertThat(
            handler
                .studies
                .get(0)
                .study()
                .protocolSection()
                .descriptionModule()
                .detailedDescription())
        .hasSize(longText.length());
  }

  @Test
  void stringLongerThanTheLimitIsReportedWithTheRecord() {
    String longText = "x".repeat(30_000);
    String record =
        RealRecords.edited(
            B,
            study -> at(study, "protocolSection.descriptionModule").put("briefSummary", longText));
    Path file =
        TestInputs.write(dir.resolve("long.json"), RealRecords.array(pretty(A), record, pretty(C)));

    new StudyReader(20_000).read(List.of(file), handler);

    assertThat(handler.problems)
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.source()).isEqualTo(file + "[1]");
              assertThat(error.nctId()).isEqualTo(B);
              assertThat(error.message()).contains("20000");
            });
    assertThat(handler.nctIds()).startsWith(A).doesNotContain(B);
  }

  /**
   * Streams a study made of a real record's identification and status and, repeated until the study
   * is at least {@code minBytes} long, the real site of that record.
   */
  private static void writeStudyWithManySites(Writer out, String nctId, long minBytes)
      throws IOException {
    JsonNode protocol = RealRecords.tree(nctId).get("protocolSection");
    JsonNode site = protocol.get("contactsLocationsModule").get("locations").get(0);
    String head =
        "{\"protocolSection\":{\"identificationModule\":"
            + protocol.get("identificationModule")
            + ",\"statusModule\":"
            + protocol.get("statusModule")
            + ",\"contactsLocationsModule\":{\"locations\":[";
    String siteJson = site.toString();
    out.write(head);
    long written = head.getBytes(StandardCharsets.UTF_8).length;
    long siteBytes = siteJson.getBytes(StandardCharsets.UTF_8).length + 1;
    for (boolean first = true; written < minBytes; first = false) {
      out.write(first ? siteJson : "," + siteJson);
      written += siteBytes;
    }
    out.write("]}}}");
  }
}
