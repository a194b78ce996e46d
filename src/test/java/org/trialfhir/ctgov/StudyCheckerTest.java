package org.trialfhir.ctgov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trialfhir.ctgov.RealRecords.at;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StudyCheckerTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final String SOURCE = "test.json";

  @ParameterizedTest
  @ValueSource(strings = {RealRecords.A, RealRecords.B, RealRecords.C, RealRecords.D})
  void realRecordsHaveNoProblems(String nctId) {
    assertThat(check(nctId, record -> {})).isEmpty();
  }

  @Test
  void missingNctIdIsAnError() {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record -> at(record, "protocolSection.identificationModule").remove("nctId"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.isError()).isTrue();
              assertThat(problem.source()).isEqualTo(SOURCE);
              assertThat(problem.nctId()).isNull();
              assertThat(problem.field()).isEqualTo("protocolSection.identificationModule.nctId");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"NCT1234567", "NCT123456789", "nct02385136", "02385136", "NCT0238513X"})
  void malformedNctIdIsAnError(String nctId) {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record -> at(record, "protocolSection.identificationModule").put("nctId", nctId));

    assertThat(problems)
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.isError()).isTrue();
              assertThat(problem.field()).isEqualTo("protocolSection.identificationModule.nctId");
              assertThat(problem.message()).contains(nctId);
            });
  }

  @Test
  void missingBriefTitleAndOverallStatusAreErrors() {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record -> {
              at(record, "protocolSection.identificationModule").remove("briefTitle");
              at(record, "protocolSection.statusModule").remove("overallStatus");
            });

    assertThat(problems).allMatch(RecordProblem::isError);
    assertThat(problems)
        .extracting(RecordProblem::field)
        .containsExactly(
            "protocolSection.identificationModule.briefTitle",
            "protocolSection.statusModule.overallStatus");
    assertThat(problems).extracting(RecordProblem::nctId).containsOnly(RealRecords.A);
  }

  @ParameterizedTest
  @CsvSource({
    "statusVerifiedDate, 2023-13",
    "statusVerifiedDate, sometime",
    "studyFirstSubmitDate, 2023-02-29",
    "studyFirstSubmitQcDate, 2023-1-05",
    "lastUpdateSubmitDate, 20230105",
    "resultsFirstSubmitDate, 2023-00",
    "resultsFirstSubmitQcDate, ''",
  })
  void malformedDateIsAnErrorNamingTheField(String field, String date) {
    List<RecordProblem> problems =
        check(RealRecords.A, record -> at(record, "protocolSection.statusModule").put(field, date));

    assertThat(problems)
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.isError()).isTrue();
              assertThat(problem.field()).isEqualTo("protocolSection.statusModule." + field);
              assertThat(problem.message()).contains("'" + date + "'");
            });
  }

  @ParameterizedTest
  @CsvSource({
    "startDateStruct, 2023-13",
    "primaryCompletionDateStruct, sometime",
    "completionDateStruct, 2024-04-31",
    "studyFirstPostDateStruct, 23-01-05",
    "resultsFirstPostDateStruct, 2023-01-05T10:00",
    "lastUpdatePostDateStruct, 2023-1",
  })
  void malformedDateInADateStructIsAnErrorNamingTheField(String struct, String date) {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record ->
                at(record, "protocolSection.statusModule")
                    .putObject(struct)
                    .put("date", date)
                    .put("type", "ACTUAL"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.isError()).isTrue();
              assertThat(problem.field())
                  .isEqualTo("protocolSection.statusModule." + struct + ".date");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"2023", "2023-02", "2024-02-29", "1999-12-31"})
  void yearMonthAndDayPrecisionsAreValid(String date) {
    assertThat(
            check(
                RealRecords.A,
                record ->
                    at(record, "protocolSection.statusModule.startDateStruct").put("date", date)))
        .isEmpty();
  }

  @Test
  void largeDocumentDatesAreChecked() {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record ->
                record
                    .putObject("documentSection")
                    .putObject("largeDocumentModule")
                    .putArray("largeDocs")
                    .addObject()
                    .put("date", "2019-06-31")
                    .put("uploadDate", "2019-06-18 12:35"));

    assertThat(problems)
        .extracting(RecordProblem::field)
        .containsExactly(
            "documentSection.largeDocumentModule.largeDocs[0].date",
            "documentSection.largeDocumentModule.largeDocs[0].uploadDate");
  }

  @ParameterizedTest
  @CsvSource({
    "minimumAge, 18 Yrs",
    "minimumAge, 18",
    "maximumAge, sixty Years",
    "maximumAge, 65  Years",
    "maximumAge, N/A",
  })
  void malformedAgeIsAnErrorNamingTheField(String field, String age) {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record -> at(record, "protocolSection.eligibilityModule").put(field, age));

    assertThat(problems)
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.isError()).isTrue();
              assertThat(problem.field()).isEqualTo("protocolSection.eligibilityModule." + field);
              assertThat(problem.message()).contains(age);
            });
  }

  @Test
  void unknownCodesAreWarningsNamingTheFieldAndIndex() {
    List<RecordProblem> problems =
        check(
            RealRecords.D,
            record -> {
              at(record, "protocolSection.statusModule").put("overallStatus", "PAUSED");
              at(record, "protocolSection.designModule")
                  .putArray("phases")
                  .add("PHASE2")
                  .add("PHASE5");
              at(record, "protocolSection.eligibilityModule").put("sex", "BOTH");
              ObjectNode site =
                  (ObjectNode)
                      at(record, "protocolSection.contactsLocationsModule").get("locations").get(0);
              site.put("status", "OPEN");
              at(record, "protocolSection.sponsorCollaboratorsModule.leadSponsor")
                  .put("class", "UNIVERSITY");
            });

    assertThat(problems).noneMatch(RecordProblem::isError);
    assertThat(problems)
        .extracting(RecordProblem::field)
        .containsExactlyInAnyOrder(
            "protocolSection.statusModule.overallStatus",
            "protocolSection.designModule.phases[1]",
            "protocolSection.eligibilityModule.sex",
            "protocolSection.contactsLocationsModule.locations[0].status",
            "protocolSection.sponsorCollaboratorsModule.leadSponsor.class");
    assertThat(problems).extracting(RecordProblem::nctId).containsOnly(RealRecords.D);
    assertThat(problems)
        .filteredOn(problem -> problem.field().endsWith("phases[1]"))
        .singleElement()
        .satisfies(problem -> assertThat(problem.message()).contains("'PHASE5'"));
  }

  @Test
  void absentCodesAndDateTypesAreNotProblems() {
    List<RecordProblem> problems =
        check(
            RealRecords.A,
            record -> {
              at(record, "protocolSection.statusModule.startDateStruct").remove("type");
              at(record, "protocolSection.statusModule").remove("lastUpdatePostDateStruct");
              at(record, "protocolSection.designModule").remove("phases");
              at(record, "protocolSection.eligibilityModule").remove("sex");
              at(record, "protocolSection.eligibilityModule").remove("minimumAge");
            });

    assertThat(problems).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"90.5, 10, lat", "-91, 10, lat", "45, 180.01, lon", "45, -181, lon"})
  void geoPointOffTheGlobeIsAnError(double lat, double lon, String field) {
    List<RecordProblem> problems =
        check(
            RealRecords.D,
            record -> {
              ObjectNode site =
                  (ObjectNode)
                      at(record, "protocolSection.contactsLocationsModule").get("locations").get(0);
              site.putObject("geoPoint").put("lat", lat).put("lon", lon);
            });

    assertThat(problems)
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.isError()).isTrue();
              assertThat(problem.field())
                  .isEqualTo(
                      "protocolSection.contactsLocationsModule.locations[0].geoPoint." + field);
            });
  }

  @Test
  void recordWithoutProtocolSectionHasTheRequiredFieldsMissing() {
    List<RecordProblem> problems =
        new StudyChecker().check(SOURCE, new Study(null, null, null, null));

    assertThat(problems).allMatch(RecordProblem::isError);
    assertThat(problems)
        .extracting(RecordProblem::field)
        .containsExactly(
            "protocolSection.identificationModule.nctId",
            "protocolSection.identificationModule.briefTitle",
            "protocolSection.statusModule.overallStatus");
  }

  private static List<RecordProblem> check(String nctId, Consumer<ObjectNode> change) {
    try {
      Study study = JSON.readValue(RealRecords.edited(nctId, change), Study.class);
      return new StudyChecker().check(SOURCE, study);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
