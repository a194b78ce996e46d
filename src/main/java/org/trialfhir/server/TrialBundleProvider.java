package org.trialfhir.server;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;
import org.trialfhir.search.TotalMode;

/**
 * The results of one search of the trial store, fetched lazily one page at a time: HAPI asks for
 * the size, then for the page it will return, and both are answered by one store search of that
 * page. The query carries everything (criteria, sort, includes, total mode), so a paging link needs
 * nothing but the query's canonical form ({@link #pageToken()}).
 */
final class TrialBundleProvider implements IBundleProvider, StatelessResults {
  private final SearchBackend backend;
  private final SearchQuery query;
  private final OperationOutcome warnings;
  private final boolean countOnly;
  private final RequestDetails request;
  private final boolean unparsed;
  private final InstantType published = InstantType.now();

  private int expectedOffset;
  private int expectedCount;
  private SearchResult page;
  private int pageOffset = -1;
  private int pageCount = -1;

  /**
   * @param query the parsed query; its page is the one HAPI will ask for first
   * @param warnings the outcome entry for a lenient search that ignored something, or null
   * @param countOnly true for {@code _summary=count} and {@code _count=0}: only the total is needed
   * @param request the request being answered (entry modes and distances are recorded there)
   */
  TrialBundleProvider(
      SearchBackend backend,
      SearchQuery query,
      OperationOutcome warnings,
      boolean countOnly,
      RequestDetails request) {
    this.backend = backend;
    this.query = query;
    this.warnings = warnings;
    this.countOnly = countOnly;
    this.request = request;
    this.unparsed = FastJsonResponses.writesUnparsed(request);
    this.expectedOffset = query.offset();
    this.expectedCount = countOnly ? 0 : query.count();
  }

  /** The page a paging request will ask for, so that {@link #size()} fetches that page. */
  TrialBundleProvider expectPage(int offset, int count) {
    this.expectedOffset = offset;
    this.expectedCount = countOnly ? 0 : count;
    return this;
  }

  @Override
  public PageToken pageToken() {
    return new PageToken(
        PageToken.Kind.TRIAL, backend.toCanonical(query.withPage(0, query.count())));
  }

  @Override
  public IPrimitiveType<Date> getPublished() {
    return published;
  }

  @Override
  public String getUuid() {
    return null;
  }

  @Override
  public Integer preferredPageSize() {
    return query.count();
  }

  /** The number of matches, or null when the request asked {@code _total=none}. */
  @Override
  public Integer size() {
    SearchResult result = fetch(expectedOffset, expectedCount);
    return query.total() == TotalMode.NONE ? null : result.total();
  }

  @Override
  public List<IBaseResource> getResources(int from, int to) {
    return getResources(from, to, new ResponsePage.ResponsePageBuilder());
  }

  @Override
  public List<IBaseResource> getResources(
      int from, int to, ResponsePage.ResponsePageBuilder builder) {
    List<IBaseResource> out = new ArrayList<>();
    if (warnings != null) {
      out.add(warnings);
      SearchEntries.record(request, warnings, SearchEntryMode.OUTCOME, null);
    }
    if (countOnly || to <= from) {
      builder.setTotalRequestedResourcesFetched(0);
      return out;
    }
    SearchResult result = fetch(from, to - from);
    for (SearchResult.Match match : result.matches()) {
      Resource resource = match.resource();
      out.add(resource);
      SearchEntries.record(request, resource, SearchEntryMode.MATCH, match.distanceKm());
    }
    for (Resource included : result.included()) {
      out.add(included);
      SearchEntries.record(request, included, SearchEntryMode.INCLUDE, null);
    }
    if (result.includesLeftOut() > 0) {
      OperationOutcome leftOut =
          Outcomes.includesLeftOut(result.included().size(), result.includesLeftOut());
      out.add(leftOut);
      SearchEntries.record(request, leftOut, SearchEntryMode.OUTCOME, null);
    }
    int fetched = result.matches().size();
    boolean more = from + fetched < result.total();
    builder.setIncludedResourceCount(result.included().size());
    // One more than asked tells HAPI that a next page exists when the total is not reported.
    builder.setTotalRequestedResourcesFetched(more ? fetched + 1 : fetched);
    return out;
  }

  /**
   * One store search for a page, reused while HAPI asks for the same page. The total is always
   * counted (HAPI needs it to link the next page); {@link #size()} hides it for {@code
   * _total=none}.
   */
  private SearchResult fetch(int offset, int count) {
    boolean reusable =
        page != null
            && offset == pageOffset
            && (count == pageCount || count < pageCount && page.matches().size() <= count);
    if (!reusable) {
      SearchQuery pageQuery =
          new SearchQuery(
              query.resourceType(),
              query.criteria(),
              query.sort(),
              offset,
              count,
              TotalMode.ACCURATE,
              query.includes(),
              query.revIncludes(),
              query.summary(),
              query.elements());
      page = backend.store().search(pageQuery, unparsed);
      pageOffset = offset;
      pageCount = count;
    }
    return page;
  }
}
