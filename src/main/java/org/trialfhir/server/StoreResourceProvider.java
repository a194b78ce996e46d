package org.trialfhir.server;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.search.InvalidSearchException;

/**
 * Read and search for one resource type of the trial graph (ResearchStudy, Group, PlanDefinition,
 * Location, Organization, Practitioner). Thin: every search parameter goes to the search engine,
 * which applies it or refuses it (nothing is silently ignored); the results are fetched lazily.
 */
public class StoreResourceProvider implements IResourceProvider {
  private final Class<? extends Resource> type;
  private final String typeName;
  private final SearchBackend backend;

  StoreResourceProvider(Class<? extends Resource> type, String typeName, SearchBackend backend) {
    this.type = type;
    this.typeName = typeName;
    this.backend = backend;
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return type;
  }

  @Read
  public Resource read(@IdParam IdType id, RequestDetails request) {
    String idPart = Ids.checked(id);
    return backend
        .store()
        .read(typeName, idPart, FastJsonResponses.writesUnparsed(request))
        .orElseThrow(
            () ->
                new ResourceNotFoundException(
                    "Resource " + typeName + "/" + idPart + " is not known"));
  }

  /** Every parameter of the request (but the response ones HAPI applies) goes to the engine. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(RequestDetails request) {
    SearchBackend.ParsedSearch parsed;
    try {
      parsed =
          backend.parse(
              typeName,
              RequestParameters.searchParameters(request),
              RequestParameters.lenient(request));
    } catch (InvalidSearchException e) {
      throw Outcomes.badSearch(e);
    }
    // _summary=count and _count=0 both parse to count 0: only the total is fetched.
    boolean countOnly = parsed.query().count() == 0;
    OperationOutcome warnings =
        parsed.ignored().isEmpty() ? null : Outcomes.ignored(parsed.ignored());
    return new TrialBundleProvider(backend, parsed.query(), warnings, countOnly, request);
  }
}
