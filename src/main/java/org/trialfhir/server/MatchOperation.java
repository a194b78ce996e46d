package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.matching.CriterionResult;
import org.trialfhir.matching.PatientData;
import org.trialfhir.search.InvalidSearchException;

/**
 * {@code ResearchStudy/$match} (profiles/OperationDefinition-ResearchStudy-match.json): reads the
 * Parameters, matches the patient with {@link TrialMatching} and answers a searchset Bundle whose
 * entries carry the score, the verdict and every criterion's outcome on {@code entry.search}.
 */
final class MatchOperation {
  static final String NAME = "$match";
  static final String DEFINITION =
      "http://trialfhir.org/fhir/OperationDefinition/ResearchStudy-match";

  private static final java.util.Set<String> PARAMETERS =
      java.util.Set.of("patient", "status", "near", "phase", "study-type", "count");

  private final FhirContext fhir;
  private final TrialMatching matching;
  private final Clock clock;

  MatchOperation(FhirContext fhir, TrialMatching matching, Clock clock) {
    this.fhir = fhir;
    this.matching = matching;
    this.clock = clock;
  }

  Bundle handle(RequestDetails request) {
    Parameters input = parameters(request);
    Bundle patientBundle = null;
    List<String> statuses = new ArrayList<>();
    List<String> phases = new ArrayList<>();
    List<String> studyTypes = new ArrayList<>();
    String near = null;
    int count = TrialMatching.DEFAULT_COUNT;
    boolean countSeen = false;
    for (Parameters.ParametersParameterComponent part : input.getParameter()) {
      String name = part.getName();
      if (name == null || !PARAMETERS.contains(name)) {
        throw bad(name == null ? "" : name, "unknown parameter '" + name + "' for $match");
      }
      switch (name) {
        case "patient" -> {
          if (patientBundle != null) {
            throw bad(name, "patient must be given once");
          }
          if (!(part.getResource() instanceof Bundle bundle)) {
            throw bad(name, "patient must be a Bundle (resource) holding the patient's data");
          }
          patientBundle = bundle;
        }
        case "status" -> {
          String code = code(part);
          try {
            ResearchStudy.ResearchStudyStatus.fromCode(code);
          } catch (org.hl7.fhir.exceptions.FHIRException | IllegalArgumentException e) {
            throw bad(name, "status '" + code + "' is not an R4 ResearchStudy status code");
          }
          statuses.add(code);
        }
        case "phase" -> phases.add(code(part));
        case "study-type" -> studyTypes.add(code(part));
        case "near" -> {
          if (near != null) {
            throw bad(name, "near must be given once");
          }
          near = code(part);
        }
        case "count" -> {
          if (countSeen
              || !(part.getValue() instanceof IntegerType integer)
              || !integer.hasValue()) {
            throw bad(name, "count must be one integer");
          }
          countSeen = true;
          count = integer.getValue();
          if (count < 1 || count > TrialMatching.MAX_COUNT) {
            throw bad(name, "count must be between 1 and " + TrialMatching.MAX_COUNT);
          }
        }
        default -> throw new IllegalStateException(name);
      }
    }
    if (patientBundle == null) {
      throw bad("patient", "the patient parameter (a Bundle with the patient's data) is required");
    }
    List<Resource> resources = new ArrayList<>();
    java.util.Map<Resource, String> fullUrls = new java.util.IdentityHashMap<>();
    for (Bundle.BundleEntryComponent entry : patientBundle.getEntry()) {
      if (entry.getResource() != null) {
        resources.add(entry.getResource());
        if (entry.hasFullUrl()) {
          fullUrls.put(entry.getResource(), entry.getFullUrl());
        }
      }
    }
    PatientData patient;
    try {
      patient = PatientData.of(resources, org.trialfhir.matching.Terminology.standard());
    } catch (IllegalArgumentException e) {
      throw bad("patient", "the patient Bundle must hold exactly one Patient: " + e.getMessage());
    }
    if (statuses.isEmpty()) {
      statuses.add("active");
    }
    TrialMatching.Filters filters =
        new TrialMatching.Filters(statuses, near, phases, studyTypes, count);
    List<TrialMatching.StudyMatch> matches;
    try {
      matches = matching.match(patient, resources, filters, LocalDate.now(clock));
    } catch (InvalidSearchException e) {
      throw Outcomes.badSearch(e);
    }
    return searchset(matches, request.getFhirServerBase(), fullUrls);
  }

  /** The searchset of the matches, best first. */
  static Bundle searchset(
      List<TrialMatching.StudyMatch> matches,
      String base,
      java.util.Map<Resource, String> fullUrls) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    bundle.setId(java.util.UUID.randomUUID().toString());
    bundle.getMeta().setLastUpdated(new java.util.Date());
    bundle.setTotal(matches.size());
    for (TrialMatching.StudyMatch match : matches) {
      String id = match.study().getIdElement().getIdPart();
      Bundle.BundleEntryComponent entry = bundle.addEntry();
      entry.setFullUrl(base + "/ResearchStudy/" + id);
      entry.setResource(match.study());
      Bundle.BundleEntrySearchComponent search = entry.getSearch();
      search.setMode(Bundle.SearchEntryMode.MATCH);
      search.setScore(
          java.math.BigDecimal.valueOf(match.result().score())
              .setScale(4, java.math.RoundingMode.HALF_UP));
      String verdict = match.result().verdict().code();
      search.addExtension(
          TrialExtension.MATCH_VERDICT.url(), coding(LocalCode.MATCH_VERDICT, verdict));
      for (CriterionResult result : match.result().results()) {
        search.addExtension(criterion(result, fullUrls));
      }
    }
    return bundle;
  }

  private static Extension criterion(
      CriterionResult result, java.util.Map<Resource, String> fullUrls) {
    Extension extension = new Extension(TrialExtension.MATCH_CRITERION.url());
    extension.addExtension("outcome", coding(LocalCode.CRITERION_OUTCOME, result.outcome().code()));
    extension.addExtension(
        "kind", coding(LocalCode.ELIGIBILITY_CHARACTERISTIC, result.criterion().kind().code()));
    extension.addExtension("exclude", new BooleanType(result.criterion().exclusion()));
    extension.addExtension(
        "method", coding(LocalCode.CHARACTERISTIC_METHOD, result.criterion().origin().code()));
    extension.addExtension("sentence", new StringType(result.criterion().sentence()));
    if (result.evidence() != null) {
      extension.addExtension("evidence", evidence(result.evidence(), fullUrls));
    }
    if (result.reason() != null && !result.reason().isBlank()) {
      extension.addExtension("reason", new StringType(result.reason()));
    }
    return extension;
  }

  /**
   * A reference to the patient resource that decided a criterion, as the request identified it: its
   * entry's fullUrl (absolute, so it never resolves against this server), else the resource's type
   * and id as an identifier-free display.
   */
  static Reference evidence(Resource resource, java.util.Map<Resource, String> fullUrls) {
    Reference reference = new Reference().setType(resource.fhirType());
    String fullUrl = fullUrls.get(resource);
    String idPart = resource.getIdElement().getIdPart();
    if (fullUrl != null && (fullUrl.startsWith("urn:") || fullUrl.contains("://"))) {
      reference.setReference(fullUrl);
    } else if (idPart != null) {
      reference.setDisplay(resource.fhirType() + "/" + idPart);
    }
    return reference;
  }

  private static Coding coding(LocalCode system, String code) {
    return new Coding(system.system(), code, system.display(code));
  }

  private Parameters parameters(RequestDetails request) {
    byte[] body = request.loadRequestContents();
    if (body == null || body.length == 0) {
      throw bad("", "$match needs a Parameters resource in the request body");
    }
    String text = new String(body, StandardCharsets.UTF_8);
    IParser parser =
        text.stripLeading().startsWith("<") ? fhir.newXmlParser() : fhir.newJsonParser();
    IBaseResource parsed;
    try {
      parsed = parser.parseResource(text);
    } catch (DataFormatException | IllegalArgumentException e) {
      throw bad("", "the request body is not a valid FHIR resource: " + e.getMessage());
    }
    if (!(parsed instanceof Parameters parameters)) {
      throw bad(
          "",
          "the request body must be a Parameters resource, not " + fhir.getResourceType(parsed));
    }
    return parameters;
  }

  private static String code(Parameters.ParametersParameterComponent part) {
    Type value = part.getValue();
    if (value == null
        || !value.isPrimitive()
        || value.primitiveValue() == null
        || value.primitiveValue().isBlank()) {
      throw bad(part.getName(), part.getName() + " must have a code or string value");
    }
    return value.primitiveValue().strip();
  }

  private static InvalidRequestException bad(String parameter, String message) {
    return Outcomes.badParameter(parameter, message);
  }
}
