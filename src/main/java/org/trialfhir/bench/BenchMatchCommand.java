package org.trialfhir.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trialfhir bench match}: latency of {@code ResearchStudy/$match} and of the CDS Hooks
 * {@code patient-view} service for one patient (by default the benchmark patient: 20 active
 * conditions, 200 observations).
 */
@Command(
    name = "match",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times POST <target>/ResearchStudy/$match (Parameters with the patient Bundle) and the CDS"
          + " Hooks patient-view service (POST <server root>/cds-services/trialfhir-patient-view,"
          + " everything prefetched), half of the calls each, with c workers calling back to back"
          + " after an uncounted warm-up; prints p50/p90/p95/p99/max (nearest rank), throughput and"
          + " errors. Exits 1 if any call failed.",
      "Without --patient it sends a built-in patient with 20 active conditions (SNOMED CT) and"
          + " 200 laboratory Observations (LOINC)."
    })
public final class BenchMatchCommand implements Callable<Integer> {
  static final String CDS_SERVICE = "/cds-services/trialfhir-patient-view";

  @Mixin LoadOptions load;

  @Option(
      names = "--patient",
      paramLabel = "<bundle.json>",
      description =
          "A Bundle with exactly one Patient and their Condition, Observation, MedicationRequest …"
              + " resources (default: the built-in benchmark patient).")
  Path patientFile;

  @Option(
      names = "--cds-url",
      paramLabel = "<url>",
      description =
          "The patient-view service URL (default: the target without its trailing /fhir, plus "
              + CDS_SERVICE
              + ").")
  String cdsUrl;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    try (FhirHttp http = load.http()) {
      return call(http);
    }
  }

  private Integer call(FhirHttp http) throws IOException, InterruptedException {
    load.check(spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String cds = cdsUrl;
    if (cds == null) {
      if (!http.base().endsWith("/fhir")) {
        err.println("the target does not end with /fhir: give the service with --cds-url");
        return 2;
      }
      cds = http.base().substring(0, http.base().length() - "/fhir".length()) + CDS_SERVICE;
    }
    BenchPatient patient;
    try {
      patient =
          patientFile == null
              ? BenchPatient.standard()
              : BenchPatient.fromJson(Files.readString(patientFile, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | IOException e) {
      err.println("bad --patient " + patientFile + ": " + e.getMessage());
      return 2;
    }
    byte[] matchBody = patient.matchBody();
    byte[][] cdsAround = patient.cdsBodyAround();
    String cdsTarget = cds;
    List<LoadRunner.Operation> operations =
        List.of(
            new LoadRunner.Operation(
                "match",
                1,
                "POST ResearchStudy/$match",
                random -> post(http, "ResearchStudy/$match", FhirHttp.FHIR_JSON, matchBody, true)),
            new LoadRunner.Operation(
                "cds-patient-view",
                1,
                "POST " + cds,
                random ->
                    post(http, cdsTarget, "application/json", cdsBody(cdsAround, random), false)));
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put(
        "patient",
        String.format(
            "%s: %d Conditions, %d Observations, %d MedicationRequests",
            patientFile == null ? "built-in benchmark patient" : patientFile.toString(),
            patient.count("Condition"),
            patient.count("Observation"),
            patient.count("MedicationRequest")));
    return load.runAndReport("match", operations, List.of(50.0, 90.0, 95.0, 99.0), setup, out);
  }

  private static byte[] cdsBody(byte[][] around, SplittableRandom random) {
    byte[] instance =
        new UUID(random.nextLong(), random.nextLong()).toString().getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[around[0].length + instance.length + around[1].length];
    System.arraycopy(around[0], 0, body, 0, around[0].length);
    System.arraycopy(instance, 0, body, around[0].length, instance.length);
    System.arraycopy(around[1], 0, body, around[0].length + instance.length, around[1].length);
    return body;
  }

  /**
   * One call, checked: {@code $match} must answer a searchset Bundle, the CDS service a JSON object
   * with {@code cards}.
   */
  private static LoadRunner.Outcome post(
      FhirHttp http, String url, String contentType, byte[] body, boolean fhir)
      throws InterruptedException {
    FhirHttp.Response response;
    try {
      response = http.post(url, contentType, fhir ? FhirHttp.FHIR_JSON : "application/json", body);
    } catch (IOException e) {
      return LoadRunner.Outcome.failed(1, "I/O", e.toString());
    }
    if (!response.ok()) {
      return LoadRunner.Outcome.failed(1, "HTTP " + response.status(), response.snippet());
    }
    FhirHttp.Summary summary;
    try {
      summary = FhirHttp.Summary.of(response.body());
    } catch (IOException e) {
      return LoadRunner.Outcome.failed(1, "unexpected answer", response.snippet());
    }
    if (fhir
        && !("Bundle".equals(summary.resourceType()) && "searchset".equals(summary.bundleType()))) {
      return LoadRunner.Outcome.failed(
          1, "unexpected answer", "expected a searchset Bundle, got " + summary.resourceType());
    }
    if (!fhir && !summary.fields().contains("cards")) {
      return LoadRunner.Outcome.failed(1, "unexpected answer", "no cards in the CDS response");
    }
    return LoadRunner.Outcome.ok(1);
  }
}
