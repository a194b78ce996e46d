package org.trialfhir.mapping;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.trialfhir.ctgov.CtgovValues;
import org.trialfhir.ctgov.CtgovVocabulary;

/** Small builders shared by the mappers: registry codings, extensions, quantities, dates. */
final class Codings {
  private Codings() {}

  /**
   * A coding in our CodeSystem for a registry enumeration, or null for a code the CodeSystem does
   * not know (the caller keeps such a value as text, and the reader reported it as a warning).
   */
  static Coding registry(CtgovVocabulary vocabulary, String code) {
    if (!vocabulary.contains(code)) {
      return null;
    }
    return new Coding(Canonical.codeSystem(vocabulary.id()), code, vocabulary.display(code));
  }

  /** A concept with the registry coding when the code is known, and the text either way. */
  static CodeableConcept registryConcept(CtgovVocabulary vocabulary, String code) {
    if (code == null) {
      return null;
    }
    CodeableConcept concept = new CodeableConcept();
    addRegistryCoding(concept, vocabulary, code);
    return concept.setText(text(vocabulary, code));
  }

  static void addRegistryCoding(CodeableConcept concept, CtgovVocabulary vocabulary, String code) {
    Coding coding = registry(vocabulary, code);
    if (coding != null) {
      concept.addCoding(coding);
    }
  }

  /** The display of a known code, else the raw value. */
  static String text(CtgovVocabulary vocabulary, String code) {
    String display = vocabulary.display(code);
    return display != null ? display : code;
  }

  static Coding local(LocalCode system, String code) {
    return new Coding(system.system(), code, system.display(code));
  }

  static Extension extension(TrialExtension definition, Type value) {
    return new Extension(definition.url(), value);
  }

  /**
   * A registry-coded extension value; for an unknown code, the coding carries only the display text
   * (no system or code), so the value is kept without claiming a code.
   */
  static Coding registryOrText(CtgovVocabulary vocabulary, String code) {
    Coding coding = registry(vocabulary, code);
    return coding != null ? coding : new Coding().setDisplay(code);
  }

  /** Appends a sub-extension when the value is present. */
  static void part(Extension complex, String name, Type value) {
    if (value != null && !value.isEmpty()) {
      complex.addExtension(name, value);
    }
  }

  static StringType string(String value) {
    return value == null || value.isBlank() ? null : new StringType(value);
  }

  /** A registry date (yyyy, yyyy-MM or yyyy-MM-dd) as a dateTime of the same precision. */
  static DateTimeType date(String value) {
    return value != null && CtgovValues.isValidDate(value) ? new DateTimeType(value) : null;
  }

  static Quantity ucum(BigDecimal value, String unit, String code) {
    return new Quantity().setValue(value).setUnit(unit).setSystem(Canonical.UCUM).setCode(code);
  }
}
