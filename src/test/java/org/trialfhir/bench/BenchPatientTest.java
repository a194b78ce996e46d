package org.trialfhir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.Fhir;
import org.trialfhir.matching.Terminology;

/** The benchmark patient of {@code bench match} and the request bodies built from it. */
class BenchPatientTest {

  private static Bundle bundle(byte[] matchBody) {
    Parameters parameters =
        Fhir.context()
            .newJsonParser()
            .parseResource(Parameters.class, new String(matchBody, StandardCharsets.UTF_8));
    return (Bundle) parameters.getParameterFirstRep().getResource();
  }

  @Test
  void twentyActiveConditionsAndTwoHundredObservationsOurTerminologyKnows() {
    BenchPatient patient = BenchPatient.standard();
    assertThat(patient.count("Patient")).isEqualTo(1);
    assertThat(patient.count("Condition")).isEqualTo(20);
    assertThat(patient.count("Observation")).isEqualTo(200);
    Terminology terminology = Terminology.standard();
    Bundle bundle = bundle(patient.matchBody());
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() instanceof Condition condition) {
        assertThat(condition.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("active");
        Coding code = condition.getCode().getCodingFirstRep();
        assertThat(terminology.conceptsOf(code)).as(code.getCode()).isNotEmpty();
      } else if (entry.getResource() instanceof Observation observation) {
        assertThat(observation.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
        Coding code = observation.getCode().getCodingFirstRep();
        assertThat(terminology.conceptsOf(code)).as(code.getCode()).isNotEmpty();
        assertThat(observation.getValueQuantity().getSystem())
            .isEqualTo("http://unitsofmeasure.org");
      }
    }
  }

  @Test
  void theBodiesAreDeterministic() {
    assertThat(BenchPatient.standard().matchBody()).isEqualTo(BenchPatient.standard().matchBody());
  }

  @Test
  void theCdsRequestPrefetchesEverything() throws Exception {
    byte[][] around = BenchPatient.standard().cdsBodyAround();
    String body =
        new String(around[0], StandardCharsets.UTF_8)
            + "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"
            + new String(around[1], StandardCharsets.UTF_8);
    JsonNode request = new ObjectMapper().readTree(body);
    assertThat(request.path("hook").asText()).isEqualTo("patient-view");
    assertThat(request.path("hookInstance").asText())
        .isEqualTo("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
    assertThat(request.path("context").path("patientId").asText()).isEqualTo("bench-patient");
    JsonNode prefetch = request.path("prefetch");
    assertThat(prefetch.path("patient").path("resourceType").asText()).isEqualTo("Patient");
    assertThat(prefetch.path("conditions").path("entry")).hasSize(20);
    assertThat(prefetch.path("observations").path("entry")).hasSize(200);
    assertThat(prefetch.path("medications").path("type").asText()).isEqualTo("searchset");
  }

  @Test
  void aPatientFileMustBeABundleWithOnePatient() {
    assertThatThrownBy(() -> BenchPatient.fromJson("{\"resourceType\":\"Patient\"}"))
        .hasMessageContaining("not a Bundle");
    assertThatThrownBy(
            () -> BenchPatient.fromJson("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}"))
        .hasMessageContaining("exactly one Patient, not 0");
    assertThatThrownBy(() -> BenchPatient.fromJson("not json"))
        .hasMessageContaining("not a FHIR resource");
    String own =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"male\"}}]}";
    assertThat(BenchPatient.fromJson(own).count("Patient")).isEqualTo(1);
  }
}
