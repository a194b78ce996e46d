package org.trialfhir.ctgov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trialfhir.ctgov.RealRecords.A;
import static org.trialfhir.ctgov.RealRecords.B;
import static org.trialfhir.ctgov.RealRecords.C;
import static org.trialfhir.ctgov.RealRecords.D;
import static org.trialfhir.ctgov.RealRecords.at;
import static org.trialfhir.ctgov.RealRecords.compact;
import static org.trialfhir.ctgov.RealRecords.pretty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad inputs: each is reported with its source, NCT id and field where known, nothing of it is
 * delivered, and every good record around it is.
 */
class StudyReaderProblemsTest {
  private static final String NCT_ID = "protocolSection.identificationModule.nctId";

  @TempDir Path dir;

  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void emptyFileInAFolder() {
    folderAround("empty.json", "");

    read(dir);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(dir.resolve("empty.json").toString());
    assertThat(error.nctId()).isNull();
    assertThat(error.field()).isNull();
    assertThat(error.message()).contains("empty");
    assertThat(handler.nctIds()).containsExactly(A, B);
  }

  @Test
  void truncatedFileInAFolder() {
    String record = pretty(C);
    folderAround("truncated.json", record.substring(0, record.length() / 2));

    read(dir);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(dir.resolve("truncated.json").toString());
    assertThat(error.nctId()).isEqualTo(C);
    assertThat(error.field()).isNull();
    assertThat(error.message()).contains("truncated").containsPattern("line \\d+, column \\d+");
    assertThat(handler.nctIds()).containsExactly(A, B);
  }

  @Test
  void truncatedArrayKeepsTheRecordsBeforeTheCut() {
    String cut = pretty(C).substring(0, 3000);
    Path file =
        TestInputs.write(
            dir.resolve("ctg-studies.json"), "[" + pretty(A) + "," + pretty(B) + "," + cut);

    read(file);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(file + "[2]");
    assertThat(error.nctId()).isEqualTo(C);
    assertThat(error.message()).contains("truncated").containsPattern("line \\d+, column \\d+");
    assertThat(handler.sources()).containsExactly(file + "[0]", file + "[1]");
  }

  @Test
  void nonJsonFileInAFolder() {
    folderAround("README.txt", "These files were downloaded from ClinicalTrials.gov.\n");

    read(dir);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(dir.resolve("README.txt").toString());
    assertThat(error.nctId()).isNull();
    assertThat(error.message()).contains("not a JSON file");
    assertThat(handler.nctIds()).containsExactly(A, B);
  }

  @Test
  void nonJsonMemberInAZip() {
    Map<String, String> members = new LinkedHashMap<>();
    members.put(A + ".json", pretty(A));
    members.put("notes.txt", "Exported on 2024-09-24 from the website.");
    members.put(B + ".json", pretty(B));
    Path zip = TestInputs.zip(dir.resolve("ctg-studies.zip"), members);

    read(zip);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(zip + "!notes.txt");
    assertThat(error.nctId()).isNull();
    assertThat(error.message()).contains("not a JSON file");
    assertThat(handler.sources()).containsExactly(zip + "!" + A + ".json", zip + "!" + B + ".json");
  }

  @Test
  void recordWithoutNctIdInAnArray() {
    String noId =
        RealRecords.edited(
            B, study -> at(study, "protocolSection.identificationModule").remove("nctId"));
    Path file =
        TestInputs.write(
            dir.resolve("studies.json"), RealRecords.array(pretty(A), noId, pretty(C)));

    read(file);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(file + "[1]");
    assertThat(error.nctId()).isNull();
    assertThat(error.field()).isEqualTo(NCT_ID);
    assertThat(handler.sources()).containsExactly(file + "[0]", file + "[2]");
  }

  @Test
  void stringWhereAnObjectIsExpected() {
    String module =
        RealRecords.edited(
            B, study -> at(study, "protocolSection").put("statusModule", "RECRUITING"));
    String site =
        RealRecords.edited(
            D,
            study ->
                at(study, "protocolSection.contactsLocationsModule")
                    .putArray("locations")
                    .add("Boston"));
    Path file =
        TestInputs.write(
            dir.resolve("studies.json"), RealRecords.array(pretty(A), module, site, pretty(C)));

    read(file);

    assertThat(handler.problems).hasSize(2);
    RecordProblem first = handler.problems.get(0);
    assertThat(first.source()).isEqualTo(file + "[1]");
    assertThat(first.nctId()).isEqualTo(B);
    assertThat(first.field()).isEqualTo("protocolSection.statusModule");
    assertThat(first.message()).isEqualTo("expected an object but found a string");
    RecordProblem second = handler.problems.get(1);
    assertThat(second.source()).isEqualTo(file + "[2]");
    assertThat(second.nctId()).isEqualTo(D);
    assertThat(second.field()).isEqualTo("protocolSection.contactsLocationsModule.locations[0]");
    assertThat(handler.sources()).containsExactly(file + "[0]", file + "[3]");
  }

  @Test
  void impossibleAndFreeTextDatesInJsonLines() {
    String month13 =
        RealRecords.edited(
            B,
            study ->
                at(study, "protocolSection.statusModule.startDateStruct").put("date", "2023-13"));
    String sometime =
        RealRecords.edited(
            C,
            study ->
                at(study, "protocolSection.statusModule").put("statusVerifiedDate", "sometime"));
    Path file =
        TestInputs.write(
            dir.resolve("studies.ndjson"),
            RealRecords.lines(compact(A), month13, sometime, compact(D)));

    read(file);

    assertThat(handler.problems).hasSize(2).allMatch(RecordProblem::isError);
    assertThat(handler.problems.get(0))
        .extracting(RecordProblem::source, RecordProblem::nctId, RecordProblem::field)
        .containsExactly(file + ":2", B, "protocolSection.statusModule.startDateStruct.date");
    assertThat(handler.problems.get(0).message()).contains("2023-13");
    assertThat(handler.problems.get(1))
        .extracting(RecordProblem::source, RecordProblem::nctId, RecordProblem::field)
        .containsExactly(file + ":3", C, "protocolSection.statusModule.statusVerifiedDate");
    assertThat(handler.problems.get(1).message()).contains("sometime");
    assertThat(handler.sources()).containsExactly(file + ":1", file + ":4");
  }

  @Test
  void malformedAgeInAZipMember() {
    String age =
        RealRecords.edited(
            B, study -> at(study, "protocolSection.eligibilityModule").put("minimumAge", "18 Yrs"));
    Map<String, String> members = new LinkedHashMap<>();
    members.put(A + ".json", pretty(A));
    members.put(B + ".json", age);
    members.put(C + ".json", pretty(C));
    Path zip = TestInputs.zip(dir.resolve("ctg-studies.zip"), members);

    read(zip);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(zip + "!" + B + ".json");
    assertThat(error.nctId()).isEqualTo(B);
    assertThat(error.field()).isEqualTo("protocolSection.eligibilityModule.minimumAge");
    assertThat(error.message()).contains("18 Yrs");
    assertThat(handler.nctIds()).containsExactly(A, C);
  }

  @Test
  void zipMembersThatEscapeTheFolderAreSkipped() {
    Map<String, String> members = new LinkedHashMap<>();
    members.put("../../x.json", pretty(A));
    members.put(B + ".json", pretty(B));
    members.put("/etc/y.json", pretty(C));
    members.put("studies/../" + D + ".json", pretty(D));
    Path zip = TestInputs.zip(dir.resolve("evil.zip"), members);

    read(zip);

    assertThat(handler.problems)
        .extracting(RecordProblem::source)
        .containsExactly(zip + "!../../x.json", zip + "!/etc/y.json");
    assertThat(handler.problems)
        .allSatisfy(error -> assertThat(error.message()).contains("leaves the archive"));
    assertThat(handler.nctIds()).containsExactly(B, D);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..",
        "../x.json",
        "a/../../x.json",
        "/x.json",
        "\\x.json",
        "C:/x.json",
        "a\\..\\..\\x.json"
      })
  void namesThatEscape(String name) {
    assertThat(ZipInput.escapes(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"x.json", "a/b/x.json", "a/../x.json", "./x.json", "..x.json", "a/..b/x.json"})
  void namesThatStayInside(String name) {
    assertThat(ZipInput.escapes(name)).isFalse();
  }

  @Test
  void badLineInJsonLines() {
    String broken = compact(B).substring(0, 200);
    Path file =
        TestInputs.write(
            dir.resolve("studies.jsonl"),
            RealRecords.lines(compact(A), broken, compact(C), "[42]"));

    read(file);

    assertThat(handler.problems)
        .extracting(RecordProblem::source)
        .containsExactly(file + ":2", file + ":4[0]");
    assertThat(handler.problems.get(0).nctId()).isEqualTo(B);
    assertThat(handler.problems.get(0).message())
        .containsPattern("column \\d+")
        .doesNotContain("line");
    assertThat(handler.sources()).containsExactly(file + ":1", file + ":3");
  }

  @Test
  void badLineInAJsonFileOfOneObjectPerLine() {
    Path file =
        TestInputs.write(
            dir.resolve("export.json"),
            RealRecords.lines(compact(A), "{\"protocolSection\": oops}", compact(C)));

    read(file);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(file + ":2");
    assertThat(error.message()).contains("malformed JSON");
    assertThat(handler.sources()).containsExactly(file + ":1", file + ":3");
  }

  @Test
  void topLevelValuesThatAreNotStudies() {
    TestInputs.write(dir.resolve("a.json"), pretty(A));
    TestInputs.write(dir.resolve("b-string.json"), "\"NCT02782533\"");
    TestInputs.write(dir.resolve("c-object.json"), "{\"name\": \"not a study\", \"count\": 2}");
    TestInputs.write(dir.resolve("d-elements.json"), "[42, " + pretty(B) + ", null]");

    read(dir);

    assertThat(handler.problems)
        .extracting(RecordProblem::source)
        .containsExactly(
            dir.resolve("b-string.json").toString(),
            dir.resolve("c-object.json").toString(),
            dir.resolve("d-elements.json") + "[0]",
            dir.resolve("d-elements.json") + "[2]");
    assertThat(handler.problems.get(0).message()).contains("a string");
    assertThat(handler.problems.get(1).message())
        .contains("neither a study")
        .contains("nor a page");
    assertThat(handler.problems.get(2).message()).contains("a number");
    assertThat(handler.sources())
        .containsExactly(dir.resolve("a.json").toString(), dir.resolve("d-elements.json") + "[1]");
  }

  @Test
  void zipInsideAZipAndUnreadableZip() throws IOException {
    Path inner = TestInputs.zip(dir.resolve("inner/inner.zip"), Map.of(B + ".json", pretty(B)));
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put(A + ".json", pretty(A).getBytes(StandardCharsets.UTF_8));
    members.put("inner.zip", Files.readAllBytes(inner));
    Path outer = TestInputs.zipBytes(dir.resolve("outer.zip"), members);
    Path broken = TestInputs.write(dir.resolve("broken.zip"), "PK\u0003\u0004 and then nothing");

    read(outer, broken);

    assertThat(handler.problems)
        .extracting(RecordProblem::source)
        .containsExactly(outer + "!inner.zip", broken.toString());
    assertThat(handler.problems.get(1).message()).contains("ZIP");
    assertThat(handler.nctIds()).containsExactly(A);
  }

  @Test
  void missingInputIsReportedAndTheOthersRead() {
    Path missing = dir.resolve("missing.json");
    Path file = TestInputs.write(dir.resolve("a.json"), pretty(A));

    read(missing, file);

    RecordProblem error = onlyProblem();
    assertThat(error.source()).isEqualTo(missing.toString());
    assertThat(error.message()).contains("no such file");
    assertThat(handler.nctIds()).containsExactly(A);
  }

  /** Writes a.json and z.json (studies A and B) around the named bad file. */
  private void folderAround(String name, String content) {
    TestInputs.write(dir.resolve("a.json"), pretty(A));
    TestInputs.write(dir.resolve(name), content);
    TestInputs.write(dir.resolve("z.json"), pretty(B));
  }

  private RecordProblem onlyProblem() {
    assertThat(handler.problems).hasSize(1);
    RecordProblem problem = handler.problems.get(0);
    assertThat(problem.isError()).isTrue();
    return problem;
  }

  private void read(Path... inputs) {
    new StudyReader().read(List.of(inputs), handler);
  }
}
