package org.trialfhir.server;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IPagingProvider;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.SearchQuery;

/**
 * Paging without server state: a {@code next}/{@code previous} link carries the search itself
 * ({@link PageToken}) plus HAPI's {@code _getpagesoffset} and {@code _count}, so it keeps working
 * after a restart and on any replica behind a load balancer. The price is one search per page,
 * which the store answers in milliseconds. If the data changed (a new import) between two pages,
 * the next page is taken from the new data at the same offset, as with any offset paging.
 */
final class StatelessPagingProvider implements IPagingProvider {
  static final int DEFAULT_PAGE_SIZE = 20;

  private final SearchBackend backend;
  private final ConformanceCatalog catalog;

  StatelessPagingProvider(SearchBackend backend, ConformanceCatalog catalog) {
    this.backend = backend;
    this.catalog = catalog;
  }

  @Override
  public int getDefaultPageSize() {
    return DEFAULT_PAGE_SIZE;
  }

  @Override
  public int getMaximumPageSize() {
    return RequestValidationInterceptor.MAX_COUNT;
  }

  @Override
  public String storeResultList(RequestDetails request, IBundleProvider results) {
    return results instanceof StatelessResults stateless ? stateless.pageToken().encode() : null;
  }

  @Override
  public IBundleProvider retrieveResultList(RequestDetails request, String token) {
    PageToken decoded;
    try {
      decoded = PageToken.decode(token);
    } catch (IllegalArgumentException e) {
      throw Outcomes.badParameter(
          Constants.PARAM_PAGINGACTION, "_getpages: not a paging link of this server");
    }
    int offset = intParameter(request, Constants.PARAM_PAGINGOFFSET, 0);
    int count = intParameter(request, Constants.PARAM_COUNT, DEFAULT_PAGE_SIZE);
    return switch (decoded.kind()) {
      case TRIAL -> {
        SearchQuery query;
        try {
          query = backend.fromCanonical(decoded.query());
        } catch (InvalidSearchException | IllegalArgumentException e) {
          throw Outcomes.badParameter(
              Constants.PARAM_PAGINGACTION, "_getpages: not a paging link of this server");
        }
        // HAPI applies _summary and _elements from the request when encoding; a paging link
        // carries them inside the query, so the page request gets them back from there.
        if (query.summary() != null) {
          request.removeParameter(Constants.PARAM_SUMMARY);
          request.addParameter(Constants.PARAM_SUMMARY, new String[] {query.summary().code()});
        }
        if (!query.elements().isEmpty()) {
          request.removeParameter(Constants.PARAM_ELEMENTS);
          request.addParameter(
              Constants.PARAM_ELEMENTS, new String[] {String.join(",", query.elements())});
        }
        boolean countOnly = query.count() == 0;
        yield new TrialBundleProvider(backend, query, null, countOnly, request)
            .expectPage(offset, count);
      }
      case CONFORMANCE -> {
        ConformanceSearch search;
        try {
          search = ConformanceSearch.fromCanonical(decoded.query());
        } catch (IllegalArgumentException e) {
          throw Outcomes.badParameter(
              Constants.PARAM_PAGINGACTION, "_getpages: not a paging link of this server");
        }
        yield search.run(catalog).forRequest(request);
      }
    };
  }

  private static int intParameter(RequestDetails request, String name, int absent) {
    String value = RequestParameters.single(request, name);
    return value == null
        ? absent
        : RequestValidationInterceptor.nonNegative(
            name, value, name.equals(Constants.PARAM_COUNT) ? getMax() : Integer.MAX_VALUE);
  }

  private static int getMax() {
    return RequestValidationInterceptor.MAX_COUNT;
  }
}
