package org.trialfhir.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.search.IncludeSpec;
import org.trialfhir.search.ParamType;
import org.trialfhir.search.SearchParam;

/**
 * Completes the CapabilityStatement HAPI generates from the resource providers. Our search methods
 * take every parameter through the search engine, so HAPI sees none: this lists each one the engine
 * supports with its {@code definition} canonical (HAPI never fills it for a plain server), every
 * {@code _include} and {@code _revinclude}, our profiles as {@code supportedProfile}, conditional
 * read, and names the software and this installation.
 */
@Interceptor
final class CapabilityStatementInterceptor {
  static final String URL = Canonical.BASE + "/CapabilityStatement/trialfhir-server";

  /** R4 core parameters of every conformance resource type we serve. */
  private static final List<SearchParam> CONFORMANCE_PARAMETERS =
      List.of(
          core("_id", "Resource-id", ParamType.TOKEN, "The resource id"),
          core(
              "url",
              "conformance-url",
              ParamType.URI,
              "The canonical URL (exact; url|version also matches the version)"),
          core(
              "name",
              "conformance-name",
              ParamType.STRING,
              "The computer-friendly name (case-insensitive prefix; :exact, :contains)"));

  private final SearchBackend backend;
  private final ConformanceCatalog catalog;
  private final String version;

  CapabilityStatementInterceptor(
      SearchBackend backend, ConformanceCatalog catalog, String version) {
    this.backend = backend;
    this.catalog = catalog;
    this.version = version;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void complete(IBaseConformance generated) {
    CapabilityStatement cs = (CapabilityStatement) generated;
    cs.setId((String) null);
    cs.setUrl(URL);
    cs.setVersion(version);
    cs.setName("TrialFhirServer");
    cs.setTitle("TrialFHIR: ClinicalTrials.gov studies as FHIR R4");
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setExperimental(false);
    cs.setPublisher("TrialFHIR");
    cs.setDescription(
        "Read and search of ClinicalTrials.gov studies mapped to FHIR R4 (ResearchStudy, eligibility"
            + " Group, arm PlanDefinitions, site Locations, Organizations, Practitioners), and of the"
            + " conformance resources that define them, and ResearchStudy/$match, which matches a"
            + " patient's data to the studies' eligibility criteria. Read-only; any search parameter, modifier or"
            + " value the server cannot apply is a 400 unless the request says"
            + " 'Prefer: handling=lenient'.");
    cs.getFormat()
        .removeIf(
            format -> format.getValue().contains("turtle") || format.getValue().equals("ttl"));
    Map<String, String> profiles = new HashMap<>();
    for (StructureDefinition profile : catalog.resourceProfiles()) {
      profiles.put(profile.getType(), profile.getUrl());
    }
    for (CapabilityStatement.CapabilityStatementRestComponent rest : cs.getRest()) {
      rest.setDocumentation(
          "Paging links carry the query itself, so they stay valid across restarts and replicas."
              + " _count defaults to 20, at most 500.");
      rest.getSecurity()
          .setCors(true)
          .setDescription(
              "No authentication: public, read-only registry data. CORS for any origin.");
      for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
        complete(resource, profiles.get(resource.getType()));
      }
    }
  }

  private void complete(CapabilityStatementRestResourceComponent resource, String profile) {
    String type = resource.getType();
    resource.setVersioning(ResourceVersionPolicy.NOVERSION);
    resource.setReadHistory(false);
    resource.setConditionalRead(ConditionalReadStatus.FULLSUPPORT);
    if ("ResearchStudy".equals(type)) {
      resource.getOperation().clear();
      resource
          .addOperation()
          .setName("match")
          .setDefinition(MatchOperation.DEFINITION)
          .setDocumentation(
              "POST a Parameters with the patient's data as a Bundle (patient) and optional"
                  + " filters (status, near, phase, study-type, count): the studies the patient"
                  + " might qualify for, best first, with every criterion's outcome.");
    }
    if (profile != null) {
      resource.getSupportedProfile().clear();
      resource.addSupportedProfile(profile);
    }
    List<SearchParam> parameters;
    if (backend.resourceTypes().contains(type)) {
      parameters = backend.parameters(type);
      resource.getSearchInclude().clear();
      for (IncludeSpec include : backend.includes(type)) {
        resource.addSearchInclude(include.sourceType() + ":" + include.param());
      }
      resource.getSearchRevInclude().clear();
      for (IncludeSpec revInclude : backend.revIncludes(type)) {
        resource.addSearchRevInclude(revInclude.sourceType() + ":" + revInclude.param());
      }
    } else if (ConformanceCatalog.TYPES.contains(type)) {
      parameters = CONFORMANCE_PARAMETERS;
    } else {
      return;
    }
    resource.getSearchParam().clear();
    for (SearchParam parameter : parameters) {
      CapabilityStatementRestResourceSearchParamComponent searchParam = resource.addSearchParam();
      searchParam.setName(parameter.code());
      searchParam.setDefinition(parameter.definition());
      searchParam.setType(SearchParamType.fromCode(parameter.type().code()));
      searchParam.setDocumentation(parameter.description());
    }
  }

  private static SearchParam core(
      String code, String id, org.trialfhir.search.ParamType type, String description) {
    return new SearchParam(
        code,
        "Resource",
        type,
        "http://hl7.org/fhir/SearchParameter/" + id,
        null,
        description,
        Set.of(),
        false,
        List.of());
  }
}
