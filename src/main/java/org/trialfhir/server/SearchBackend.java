package org.trialfhir.server;

import java.util.List;
import java.util.Map;
import org.trialfhir.search.IncludeSpec;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.TrialStore;

/**
 * The search engine as the server uses it: the store, the parser of search requests, the canonical
 * form of a query (carried in paging links) and the registry of supported parameters.
 */
public interface SearchBackend extends AutoCloseable {

  /** The resource types whose resources the store holds and searches. */
  List<String> resourceTypes();

  TrialStore store();

  /**
   * Parses the parameters of a search on {@code resourceType}: every parameter of the request but
   * {@link RequestParameters#ENCODING_PARAMETERS}, which only choose the response's encoding.
   *
   * @param lenient true when the request said {@code Prefer: handling=lenient}: what cannot be
   *     applied is ignored and named in {@link ParsedSearch#ignored()} instead of failing
   * @throws InvalidSearchException for anything the engine cannot apply as asked (when strict)
   */
  ParsedSearch parse(String resourceType, Map<String, String[]> parameters, boolean lenient);

  /** A string that {@link #fromCanonical} turns back into an equal query (the page excepted). */
  String toCanonical(SearchQuery query);

  /**
   * The query of a canonical string.
   *
   * @throws InvalidSearchException if the string is not one that {@link #toCanonical} makes
   */
  SearchQuery fromCanonical(String canonical);

  /** Every search parameter supported on a type, standard and custom. */
  List<SearchParam> parameters(String resourceType);

  /** The {@code _include} values a search on the type accepts. */
  List<IncludeSpec> includes(String resourceType);

  /** The {@code _revinclude} values a search on the type accepts. */
  List<IncludeSpec> revIncludes(String resourceType);

  /** Releases the store (and any temporary index). */
  @Override
  void close();

  /**
   * A parsed search.
   *
   * @param ignored one human-readable line per parameter, modifier or value that was ignored
   *     (lenient handling only)
   */
  record ParsedSearch(SearchQuery query, List<String> ignored) {
    public ParsedSearch {
      ignored = List.copyOf(ignored);
    }
  }
}
