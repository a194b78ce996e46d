package org.trialfhir.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.testing.ClinicalResources;
import org.trialfhir.testing.SharedData;

/** Patient data Bundles for the matching ITs: built ones and the shared Synthea patients. */
final class PatientBundles {
  static final String HIV = "86406008";
  static final String HEPATITIS_B = "61977001";
  static final String CD4 = "24467-3";

  private final Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
  private final String id;
  private int next = 1;

  private PatientBundles(String id, AdministrativeGender gender, LocalDate birthDate) {
    this.id = id;
    Patient patient = new Patient();
    patient.setId(id);
    patient.setGender(gender);
    patient.setBirthDateElement(new DateType(birthDate.toString()));
    add(patient);
  }

  static PatientBundles patient(String id, AdministrativeGender gender, LocalDate birthDate) {
    return new PatientBundles(id, gender, birthDate);
  }

  /** An adult woman with confirmed, active HIV and a recent CD4 count (cells/uL). */
  static PatientBundles adultWithHiv(String id, String cd4) {
    return adultWithHiv(id, cd4, 40);
  }

  /** The same at another age (years). */
  static PatientBundles adultWithHiv(String id, String cd4, int age) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return patient(id, AdministrativeGender.FEMALE, today.minusYears(age).minusDays(1))
        .condition(HIV, "Human immunodeficiency virus infection (disorder)")
        .observation(CD4, cd4, "/uL", today.minusMonths(1));
  }

  /** Home at a point (the geolocation extension on the address, as Synthea writes it). */
  PatientBundles livesAt(double latitude, double longitude) {
    Patient patient = (Patient) bundle.getEntryFirstRep().getResource();
    Extension geo =
        patient
            .addAddress()
            .setCity("Home")
            .addExtension()
            .setUrl("http://hl7.org/fhir/StructureDefinition/geolocation");
    geo.addExtension("latitude", new DecimalType(latitude));
    geo.addExtension("longitude", new DecimalType(longitude));
    return this;
  }

  PatientBundles condition(String snomed, String text) {
    add(ClinicalResources.activeCondition(id + "-condition-" + next++, id, snomed, text));
    return this;
  }

  PatientBundles observation(String loinc, String value, String unit, LocalDate date) {
    add(ClinicalResources.labResult(id + "-observation-" + next++, id, loinc, value, unit, date));
    return this;
  }

  private void add(Resource resource) {
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + resource.getIdElement().getIdPart())
        .setResource(resource);
  }

  Bundle bundle() {
    return bundle;
  }

  /** The id of the n-th resource added after the Patient (1-based), e.g. "p1-observation-2". */
  String resourceId(int n) {
    return bundle.getEntry().get(n).getResource().getIdElement().getIdPart();
  }

  /** A shared Synthea patient ({@code data/patients/synthea/<file>}). */
  static Bundle synthea(String file) throws java.io.IOException {
    Path path = SharedData.root().resolve("data/patients/synthea").resolve(file);
    return CorpusServer.FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(path));
  }
}
