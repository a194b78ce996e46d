package org.trialfhir.bench;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.Fhir;

/**
 * The patient {@code bench match} sends, and the two request bodies built from it.
 *
 * <p>The default is the benchmark patient, built in code so the bench needs no data files:
 * a woman born 1961-05-14 living in Boston (home geolocation 42.3601, -71.0589) with {@value
 * #CONDITIONS} active conditions coded in SNOMED CT and {@value #OBSERVATIONS} final laboratory
 * Observations coded in LOINC with UCUM quantities: {@value #LABS} tests, 10 results each, monthly
 * back from 2026-06-01. Every code is one our terminology table ({@code matching/concepts.tsv})
 * knows, so the matcher does real work on each of them.
 */
final class BenchPatient {
  static final int CONDITIONS = 20;
  static final int LABS = 20;
  static final int OBSERVATIONS = 200;
  static final String PATIENT_ID = "bench-patient";
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String LOINC = "http://loinc.org";
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final String HOOK_INSTANCE = "00000000-0000-0000-0000-000000000000";

  /** SNOMED CT code and display of each condition. */
  static final List<String[]> CONDITION_CODES =
      List.of(
          // HIV first: the seed trial NCT05939167 is an HIV study, and $match bounds how many
          // condition texts it searches, taking the patient's conditions in order.
          new String[] {"86406008", "Human immunodeficiency virus infection"},
          new String[] {"59621000", "Essential hypertension"},
          new String[] {"44054006", "Diabetes mellitus type 2"},
          new String[] {"162864005", "Body mass index 30+ - obesity"},
          new String[] {"3744001", "Hyperlipoproteinemia"},
          new String[] {"53741008", "Coronary arteriosclerosis"},
          new String[] {"195108009", "Heart failure"},
          new String[] {"13645005", "Chronic obstructive lung disease"},
          new String[] {"187687003", "Asthma"},
          new String[] {"41006004", "Depression"},
          new String[] {"65673007", "Anxiety disorder"},
          new String[] {"64593003", "Anemia"},
          new String[] {"42399005", "Renal failure"},
          new String[] {"156825006", "Osteoporosis"},
          new String[] {"372091005", "Arthritis"},
          new String[] {"194441007", "Obstructive sleep apnea"},
          new String[] {"155046006", "Migraine"},
          new String[] {"254837009", "Malignant neoplasm of breast"},
          new String[] {"128302006", "Chronic hepatitis C"},
          new String[] {"190394009", "Metabolic syndrome"});

  /** LOINC code, UCUM unit and typical value of each laboratory test. */
  static final List<String[]> LAB_CODES =
      List.of(
          new String[] {"24467-3", "/uL", "520"},
          new String[] {"20447-9", "{copies}/mL", "40"},
          new String[] {"4548-4", "%", "7.4"},
          new String[] {"33914-3", "mL/min/{1.73_m2}", "72"},
          new String[] {"2160-0", "mg/dL", "1.0"},
          new String[] {"777-3", "10*3/uL", "240"},
          new String[] {"751-8", "10*3/uL", "4.1"},
          new String[] {"718-7", "g/dL", "12.6"},
          new String[] {"6690-2", "10*3/uL", "6.8"},
          new String[] {"1975-2", "mg/dL", "0.8"},
          new String[] {"1742-6", "U/L", "28"},
          new String[] {"1920-8", "U/L", "24"},
          new String[] {"1751-7", "g/dL", "4.1"},
          new String[] {"18262-6", "mg/dL", "128"},
          new String[] {"2571-8", "mg/dL", "180"},
          new String[] {"2093-3", "mg/dL", "210"},
          new String[] {"10230-1", "%", "55"},
          new String[] {"6301-6", "{INR}", "1.0"},
          new String[] {"39156-5", "kg/m2", "31.2"},
          new String[] {"89247-1", "{score}", "1"});

  private final Bundle bundle;
  private final String patientId;

  private BenchPatient(Bundle bundle, String patientId) {
    this.bundle = bundle;
    this.patientId = patientId;
  }

  /** The benchmark patient (20 active conditions, 200 observations). */
  static BenchPatient standard() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    Patient patient = new Patient();
    patient.setId(PATIENT_ID);
    patient.setGender(Enumerations.AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new DateType("1961-05-14"));
    Address address =
        patient
            .addAddress()
            .setCity("Boston")
            .setState("MA")
            .setPostalCode("02108")
            .setCountry("US");
    Extension geolocation =
        address.addExtension().setUrl("http://hl7.org/fhir/StructureDefinition/geolocation");
    geolocation.addExtension("latitude", new DecimalType("42.3601"));
    geolocation.addExtension("longitude", new DecimalType("-71.0589"));
    add(bundle, patient, "patient");
    Reference subject = new Reference("Patient/" + PATIENT_ID);
    for (int i = 0; i < CONDITION_CODES.size(); i++) {
      String[] code = CONDITION_CODES.get(i);
      Condition condition = new Condition();
      condition.setId("bench-condition-" + (i + 1));
      condition.setClinicalStatus(
          concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null));
      condition.setVerificationStatus(
          concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null));
      condition.addCategory(
          concept(
              "http://terminology.hl7.org/CodeSystem/condition-category",
              "problem-list-item",
              null));
      condition.setCode(concept(SNOMED, code[0], code[1]));
      condition.setSubject(subject);
      condition.setOnset(new DateTimeType(LocalDate.of(2015, 1, 1).plusDays(97L * i).toString()));
      add(bundle, condition, "condition-" + (i + 1));
    }
    LocalDate latest = LocalDate.of(2026, 6, 1);
    int n = 0;
    for (int result = 0; result < OBSERVATIONS / LABS; result++) {
      for (int lab = 0; lab < LAB_CODES.size(); lab++) {
        String[] code = LAB_CODES.get(lab);
        Observation observation = new Observation();
        observation.setId("bench-observation-" + (++n));
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addCategory(
            concept(
                "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null));
        observation.setCode(concept(LOINC, code[0], null));
        observation.setSubject(subject);
        observation.setEffective(new DateTimeType(latest.minusDays(30L * result).toString()));
        // Values move by up to ±4% around the typical one, deterministically.
        BigDecimal factor = BigDecimal.valueOf(100 + 2 * ((result * 7 + lab) % 5 - 2), 2);
        BigDecimal value =
            code[1].equals("{score}")
                ? new BigDecimal(code[2])
                : new BigDecimal(code[2]).multiply(factor).setScale(2, RoundingMode.HALF_UP);
        observation.setValue(
            new Quantity().setValue(value).setUnit(code[1]).setSystem(UCUM).setCode(code[1]));
        add(bundle, observation, "observation-" + n);
      }
    }
    return new BenchPatient(bundle, PATIENT_ID);
  }

  /**
   * A patient from a Bundle file: exactly one Patient and their Condition, Observation,
   * MedicationRequest, … resources.
   *
   * @throws IllegalArgumentException when it is not a Bundle with exactly one Patient
   */
  static BenchPatient fromJson(String json) {
    Resource parsed;
    try {
      parsed = (Resource) Fhir.context().newJsonParser().parseResource(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a FHIR resource: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Bundle bundle)) {
      throw new IllegalArgumentException("not a Bundle but a " + parsed.fhirType());
    }
    List<Patient> patients =
        bundle.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .toList();
    if (patients.size() != 1) {
      throw new IllegalArgumentException(
          "the Bundle must hold exactly one Patient, not " + patients.size());
    }
    String id = patients.get(0).getIdElement().getIdPart();
    return new BenchPatient(bundle, id == null ? PATIENT_ID : id);
  }

  /** How many resources of the type the patient's data hold. */
  long count(String resourceType) {
    return bundle.getEntry().stream()
        .filter(entry -> entry.getResource() != null)
        .filter(entry -> entry.getResource().fhirType().equals(resourceType))
        .count();
  }

  /** The {@code $match} input: Parameters with the patient Bundle. */
  byte[] matchBody() {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("patient").setResource(bundle.copy());
    return json().encodeResourceToString(parameters).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The CDS Hooks {@code patient-view} request with everything prefetched (patient, conditions,
   * observations, medications as searchset Bundles), split around its {@code hookInstance} so each
   * call can carry a new one.
   */
  byte[][] cdsBodyAround() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode request = mapper.createObjectNode();
    request.put("hook", "patient-view");
    request.put("hookInstance", HOOK_INSTANCE);
    ObjectNode context = request.putObject("context");
    context.put("userId", "Practitioner/bench");
    context.put("patientId", patientId);
    ObjectNode prefetch = request.putObject("prefetch");
    try {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() instanceof Patient patient) {
          prefetch.set("patient", mapper.readTree(json().encodeResourceToString(patient)));
        }
      }
      prefetch.set("conditions", mapper.readTree(searchset(Condition.class)));
      prefetch.set("observations", mapper.readTree(searchset(Observation.class)));
      prefetch.set("medications", mapper.readTree(searchset(MedicationRequest.class)));
      String text = mapper.writeValueAsString(request);
      int at = text.indexOf(HOOK_INSTANCE);
      return new byte[][] {
        text.substring(0, at).getBytes(StandardCharsets.UTF_8),
        text.substring(at + HOOK_INSTANCE.length()).getBytes(StandardCharsets.UTF_8)
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String searchset(Class<? extends Resource> type) {
    Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (type.isInstance(entry.getResource())) {
        searchset.addEntry().setFullUrl(entry.getFullUrl()).setResource(entry.getResource());
      }
    }
    searchset.setTotal(searchset.getEntry().size());
    return json().encodeResourceToString(searchset);
  }

  private static IParser json() {
    return Fhir.context().newJsonParser();
  }

  private static CodeableConcept concept(String system, String code, String display) {
    return new CodeableConcept().addCoding(new Coding(system, code, display));
  }

  private static void add(Bundle bundle, Resource resource, String name) {
    String uuid =
        UUID.nameUUIDFromBytes(("trialfhir-bench-" + name).getBytes(StandardCharsets.UTF_8))
            .toString();
    bundle.addEntry().setFullUrl("urn:uuid:" + uuid).setResource(resource);
  }
}
