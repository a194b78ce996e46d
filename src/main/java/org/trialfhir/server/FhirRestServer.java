package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.ETagSupportEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.json.FhirJsonEncoder;

/**
 * HAPI's plain RESTful server configured for TrialFHIR: the resource providers of the trial graph
 * and of our conformance resources, stateless paging, the completed CapabilityStatement, strict
 * parameter handling, conditional requests, the HTML view for browsers, OpenAPI and Swagger UI, and
 * error and request logging. Read-only: any other interaction on a known type is a 405.
 */
final class FhirRestServer extends RestfulServer {
  private static final long serialVersionUID = 1L;

  private final transient SearchBackend backend;
  private final transient ConformanceCatalog catalog;
  private final String publicBaseUrl;

  private final transient TrialMatching matching;
  private final transient FastJsonResponses fastJson;

  /**
   * @param fastJson whether JSON answers to reads, searches and pages are written by {@link
   *     FastJsonResponses} (else HAPI's parser writes every answer)
   */
  FhirRestServer(
      FhirContext fhir,
      SearchBackend backend,
      TrialMatching matching,
      String publicBaseUrl,
      boolean fastJson) {
    super(fhir);
    this.backend = backend;
    this.matching = matching;
    this.catalog = ConformanceCatalog.published();
    this.publicBaseUrl = publicBaseUrl;
    this.fastJson = fastJson ? new FastJsonResponses(new FhirJsonEncoder(fhir)) : null;
  }

  /** The fast JSON path, or null when HAPI writes every answer. */
  FastJsonResponses fastJson() {
    return fastJson;
  }

  /**
   * The version of this software, from the jar's manifest ("development" when run from classes).
   */
  static String softwareVersion() {
    String version = FhirRestServer.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  @Override
  protected void initialize() throws ServletException {
    setServerName("TrialFHIR");
    setServerVersion(softwareVersion());
    setImplementationDescription("TrialFHIR: ClinicalTrials.gov studies as FHIR R4");
    setDefaultResponseEncoding(EncodingEnum.JSON);
    setDefaultPrettyPrint(false);
    // Our resources carry no versionId; ConditionalRequestInterceptor sets ETags instead.
    setETagSupport(ETagSupportEnum.DISABLED);
    if (publicBaseUrl != null) {
      setServerAddressStrategy(new HardcodedServerAddressStrategy(publicBaseUrl));
    }
    setPagingProvider(new StatelessPagingProvider(backend, catalog));
    setServerConformanceProvider(new CatalogCapabilityStatementProvider(this, catalog));

    List<IResourceProvider> providers = new ArrayList<>();
    for (String type : backend.resourceTypes()) {
      @SuppressWarnings("unchecked")
      Class<? extends Resource> resourceClass =
          (Class<? extends Resource>)
              getFhirContext().getResourceDefinition(type).getImplementingClass();
      if (type.equals("ResearchStudy")) {
        providers.add(
            new ResearchStudyResourceProvider(
                backend,
                new MatchOperation(getFhirContext(), matching, java.time.Clock.systemUTC())));
      } else {
        providers.add(new StoreResourceProvider(resourceClass, type, backend));
      }
    }
    for (String type : ConformanceCatalog.TYPES) {
      @SuppressWarnings("unchecked")
      Class<? extends MetadataResource> resourceClass =
          (Class<? extends MetadataResource>)
              getFhirContext().getResourceDefinition(type).getImplementingClass();
      providers.add(new ConformanceResourceProvider(resourceClass, type, catalog));
    }
    setResourceProviders(providers);

    registerInterceptor(new ErrorInterceptor());
    registerInterceptor(new JettyCompresses());
    registerInterceptor(
        new RequestValidationInterceptor(getFhirContext(), Set.copyOf(backend.resourceTypes())));
    registerInterceptor(new SearchEntries());
    registerInterceptor(
        new ConditionalRequestInterceptor(() -> backend.store().version(), softwareVersion()));
    registerInterceptor(new CapabilityStatementInterceptor(backend, catalog, softwareVersion()));
    registerInterceptor(new RequestLogInterceptor());
    registerInterceptor(new ResponseHighlighterInterceptor());
    OpenApiInterceptor openApi = new OpenApiInterceptor();
    registerInterceptor(openApi);
    if (fastJson != null) {
      registerInterceptor(fastJson);
    }
  }

  /**
   * HEAD is answered as GET without a body (Jetty sends no content for HEAD), for searches too:
   * HAPI binds HEAD to reads only.
   */
  @Override
  protected void handleRequest(
      RequestTypeEnum method, HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    super.handleRequest(
        method == RequestTypeEnum.HEAD ? RequestTypeEnum.GET : method, request, response);
  }

  /**
   * A known path with a method the server does not offer is a 405 with {@code Allow} (HAPI answers
   * 400); other unknown requests keep HAPI's 400.
   */
  @Override
  protected void throwUnknownFhirOperationException(
      RequestDetails request, String requestPath, RequestTypeEnum method) {
    if (method != RequestTypeEnum.GET
        && method != RequestTypeEnum.HEAD
        && method != RequestTypeEnum.POST) {
      throw new MethodNotAllowedException(
          method + " is not supported: this server is read-only (GET, HEAD, and POST for _search)",
          RequestTypeEnum.GET,
          RequestTypeEnum.HEAD,
          RequestTypeEnum.POST);
    }
    super.throwUnknownFhirOperationException(request, requestPath, method);
  }

  /**
   * Jetty's GzipHandler compresses every response (honouring quality values, a minimum size and
   * ETag suffixes), so HAPI must not compress a second time.
   */
  @Interceptor
  static final class JettyCompresses {
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
    public void compressInJetty(RequestDetails request) {
      request.setRespondGzip(false);
    }
  }

  /**
   * HAPI's CapabilityStatement provider also answers {@code OperationDefinition} reads, with
   * definitions it generates from the operation methods; ours are published in {@code profiles/}
   * (the CapabilityStatement points at their canonical URLs), so those are read from the catalog.
   */
  static final class CatalogCapabilityStatementProvider
      extends ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider {
    private final ConformanceCatalog catalog;

    CatalogCapabilityStatementProvider(RestfulServer server, ConformanceCatalog catalog) {
      super(server);
      this.catalog = catalog;
    }

    @Override
    public org.hl7.fhir.instance.model.api.IBaseResource readOperationDefinition(
        org.hl7.fhir.instance.model.api.IIdType id, RequestDetails request) {
      return catalog
          .read("OperationDefinition", id.getIdPart())
          .map(r -> (org.hl7.fhir.instance.model.api.IBaseResource) r)
          .orElseThrow(
              () ->
                  new ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException(
                      "Resource OperationDefinition/" + id.getIdPart() + " is not known"));
    }
  }
}
