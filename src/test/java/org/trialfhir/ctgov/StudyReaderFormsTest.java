package org.trialfhir.ctgov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trialfhir.ctgov.RealRecords.A;
import static org.trialfhir.ctgov.RealRecords.B;
import static org.trialfhir.ctgov.RealRecords.C;
import static org.trialfhir.ctgov.RealRecords.D;
import static org.trialfhir.ctgov.RealRecords.at;
import static org.trialfhir.ctgov.RealRecords.compact;
import static org.trialfhir.ctgov.RealRecords.pretty;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input form the reader detects, built from real records. */
class StudyReaderFormsTest {
  @TempDir Path dir;

  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void singleStudyFileIsNamedByItsPathAsGiven() {
    TestInputs.write(dir.resolve("NCT.json"), pretty(A));
    Path asGiven = dir.resolve("sub").resolve("..").resolve("NCT.json");
    TestInputs.write(dir.resolve("sub/.keep"), "");

    read(asGiven);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources()).containsExactly(asGiven.toString());
    Study study = handler.studies.get(0).study();
    assertThat(study.nctId()).isEqualTo(A);
    assertThat(study.protocolSection().designModule().phases()).containsExactly("PHASE1", "PHASE2");
  }

  @Test
  void folderIsReadRecursivelyInPathOrder() {
    TestInputs.write(dir.resolve("z.json"), pretty(A));
    TestInputs.write(dir.resolve("sub/m.json"), pretty(B));
    TestInputs.write(dir.resolve("a.json"), pretty(C));
    TestInputs.write(dir.resolve("sub/deeper/b.jsonl"), compact(D));

    read(dir);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources())
        .containsExactly(
            dir.resolve("a.json").toString(),
            dir.resolve("sub/deeper/b.jsonl") + ":1",
            dir.resolve("sub/m.json").toString(),
            dir.resolve("z.json").toString());
    assertThat(handler.nctIds()).containsExactly(C, D, B, A);
  }

  @Test
  void zipOfPerStudyFilesIgnoresFoldersAndMacResources() {
    Map<String, String> members = new LinkedHashMap<>();
    members.put("ctg-studies/", "");
    members.put("ctg-studies/" + A + ".json", pretty(A));
    members.put("__MACOSX/ctg-studies/._" + A + ".json", "\0\5\26\7 binary resource fork");
    members.put("ctg-studies/" + B + ".json", pretty(B));
    members.put(C + ".json", pretty(C));
    Path zip = TestInputs.zip(dir.resolve("ctg-studies.json.zip"), members);

    read(zip);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources())
        .containsExactly(
            zip + "!ctg-studies/" + A + ".json",
            zip + "!ctg-studies/" + B + ".json",
            zip + "!" + C + ".json");
    assertThat(handler.nctIds()).containsExactly(A, B, C);
  }

  @Test
  void zipWithOneArrayMemberIsStreamedByIndex() {
    Path zip =
        TestInputs.zip(
            dir.resolve("download.zip"),
            Map.of("ctg-studies.json", RealRecords.array(pretty(A), pretty(B), pretty(C))));

    read(zip);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources())
        .containsExactly(
            zip + "!ctg-studies.json[0]",
            zip + "!ctg-studies.json[1]",
            zip + "!ctg-studies.json[2]");
    assertThat(handler.nctIds()).containsExactly(A, B, C);
  }

  @Test
  void jsonArrayIsNamedByIndex() {
    Path file =
        TestInputs.write(
            dir.resolve("ctg-studies.json"), RealRecords.array(pretty(A), compact(B), pretty(C)));

    read(file);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources()).containsExactly(file + "[0]", file + "[1]", file + "[2]");
    assertThat(handler.nctIds()).containsExactly(A, B, C);
  }

  @Test
  void apiPagesAreStreamedWhereverTheirOtherFieldsAre() {
    Path first =
        TestInputs.write(
            dir.resolve("page1.json"),
            "{\"studies\":"
                + RealRecords.array(pretty(A), pretty(B))
                + ",\"nextPageToken\":\"NF0g5JGBlPMuwQY\"}");
    Path second =
        TestInputs.write(
            dir.resolve("page2.json"),
            "{\"totalCount\":3,\"nextPageToken\":null,\"studies\":[" + compact(C) + "]}");

    read(first, second);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources()).containsExactly(first + "[0]", first + "[1]", second + "[0]");
    assertThat(handler.nctIds()).containsExactly(A, B, C);
  }

  @Test
  void jsonLinesAreNamedByLineWithBlankLinesSkippedAndLongLinesWhole() {
    Path ndjson =
        TestInputs.write(
            dir.resolve("studies.ndjson"),
            compact(A) + "\r\n\r\n" + compact(B) + "\r\n" + compact(C));
    Path jsonl =
        TestInputs.write(
            dir.resolve("more.JSONL"), RealRecords.lines(compact(RealRecords.LARGEST), compact(D)));

    read(ndjson, jsonl);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources())
        .containsExactly(ndjson + ":1", ndjson + ":3", ndjson + ":4", jsonl + ":1", jsonl + ":2");
    assertThat(handler.nctIds()).containsExactly(A, B, C, RealRecords.LARGEST, D);
  }

  @Test
  void jsonFileWithOneObjectPerLineIsReadAsJsonLines() {
    Path file =
        TestInputs.write(
            dir.resolve("export.json"), RealRecords.lines(compact(A), compact(B), compact(C)));

    read(file);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources()).containsExactly(file + ":1", file + ":2", file + ":3");
  }

  @Test
  void jsonFileWithPrettyObjectsInSequenceIsNamedByStartLine() {
    String first = pretty(A).strip();
    Path file = TestInputs.write(dir.resolve("concatenated.json"), first + "\n" + pretty(B));
    int secondLine = (int) first.lines().count() + 1;

    read(file);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.sources()).containsExactly(file + ":1", file + ":" + secondLine);
    assertThat(handler.nctIds()).containsExactly(A, B);
  }

  @Test
  void unknownFieldsAreIgnored() {
    String record =
        RealRecords.edited(
            A,
            study -> {
              study.putObject("annotationSection").put("futureFlag", true);
              at(study, "protocolSection").putObject("futureModule").putArray("items").add(1);
              at(study, "protocolSection.identificationModule")
                  .putObject("futureField")
                  .put("nested", "value");
              at(study, "protocolSection.statusModule.startDateStruct").put("precision", "DAY");
            });
    Path file = TestInputs.write(dir.resolve("future.json"), record);

    read(file);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.studies)
        .singleElement()
        .satisfies(
            delivered -> {
              assertThat(delivered.warnings()).isEmpty();
              assertThat(delivered.study().nctId()).isEqualTo(A);
              assertThat(
                      delivered.study().protocolSection().statusModule().startDateStruct().date())
                  .isEqualTo("2015-04");
            });
  }

  @Test
  void unknownEnumerationCodesAreWarningsOnADeliveredStudy() {
    String record =
        RealRecords.edited(
            A,
            study -> {
              at(study, "protocolSection.designModule")
                  .putArray("phases")
                  .add("PHASE1")
                  .add("PHASE5");
              at(study, "protocolSection.statusModule").put("overallStatus", "PAUSED");
            });
    Path file = TestInputs.write(dir.resolve("codes.json"), RealRecords.array(pretty(B), record));

    read(file);

    assertThat(handler.problems).isEmpty();
    assertThat(handler.nctIds()).containsExactly(B, A);
    assertThat(handler.studies.get(1).warnings())
        .allSatisfy(
            warning -> {
              assertThat(warning.isError()).isFalse();
              assertThat(warning.source()).isEqualTo(file + "[1]");
              assertThat(warning.nctId()).isEqualTo(A);
            })
        .extracting(RecordProblem::field)
        .containsExactlyInAnyOrder(
            "protocolSection.designModule.phases[1]", "protocolSection.statusModule.overallStatus");
    assertThat(handler.studies.get(1).study().protocolSection().designModule().phases())
        .containsExactly("PHASE1", "PHASE5");
  }

  private void read(Path... inputs) {
    new StudyReader().read(List.of(inputs), handler);
  }
}
