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
import org.hl7.fhir.r4.model.MetadataResource;

/**
 * Read and search for one type of our published conformance resources (StructureDefinition,
 * SearchParameter, CodeSystem, ValueSet, OperationDefinition).
 */
public final class ConformanceResourceProvider implements IResourceProvider {
  private final Class<? extends MetadataResource> type;
  private final String typeName;
  private final ConformanceCatalog catalog;

  ConformanceResourceProvider(
      Class<? extends MetadataResource> type, String typeName, ConformanceCatalog catalog) {
    this.type = type;
    this.typeName = typeName;
    this.catalog = catalog;
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return type;
  }

  @Read
  public MetadataResource read(@IdParam IdType id) {
    String idPart = Ids.checked(id);
    return catalog
        .read(typeName, idPart)
        .orElseThrow(
            () ->
                new ResourceNotFoundException(
                    "Resource " + typeName + "/" + idPart + " is not known"));
  }

  @Search(allowUnknownParams = true)
  public IBundleProvider search(RequestDetails request) {
    ConformanceSearch search =
        ConformanceSearch.parse(
            typeName,
            RequestParameters.asLists(RequestParameters.searchParameters(request)),
            RequestParameters.lenient(request));
    return search.run(catalog).forRequest(request);
  }
}
