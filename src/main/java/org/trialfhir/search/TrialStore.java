package org.trialfhir.search;

import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/** Reads and searches the trial graph of every imported study. Thread-safe. */
public interface TrialStore extends AutoCloseable {

  /** The resource of that type and id, or empty. */
  Optional<Resource> read(String resourceType, String id);

  /**
   * Executes a validated search (from {@link QueryParser}).
   *
   * @throws InvalidSearchException for what only the index can judge: a {@code :text} or {@code
   *     _content} value made only of stop words
   */
  SearchResult search(SearchQuery query);

  /**
   * An opaque token that changes whenever the served data changes (a new index generation), for
   * ETags and cache invalidation.
   */
  String version();

  @Override
  void close();

  /**
   * The ids of the matches of one page of a search (its offset and count), in result order;
   * includes are ignored. Stores that can answer without loading the resources should.
   */
  default java.util.List<String> matchIds(SearchQuery query) {
    return search(query).matches().stream()
        .map(m -> m.resource().getIdElement().getIdPart())
        .toList();
  }
}
