package org.trialfhir.search;

import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/** Reads and searches the trial graph of every imported study. Thread-safe. */
public interface TrialStore extends AutoCloseable {
  /**
   * The key of the user data ({@link Resource#getUserData(String)}) under which a store may record
   * the {@link #version()} a resource it returned was read from. Such a resource is the stored one
   * as it was read (a copy that nobody has changed yet), so its encoding may be cached under that
   * version and its type and id.
   */
  String VERSION_USER_DATA = "trialfhir.store.version";

  /** The {@link #VERSION_USER_DATA} of a resource, or null. */
  static String versionOf(Resource resource) {
    return resource.getUserData(VERSION_USER_DATA) instanceof String version ? version : null;
  }

  /** The resource of that type and id, or empty. */
  Optional<Resource> read(String resourceType, String id);

  /**
   * As {@link #read(String, String)}; with {@code unparsed}, the store may answer with the stored
   * JSON unparsed ({@link StoredJson}), for a caller that writes it out as it is. By default the
   * resource is parsed.
   */
  default Optional<Resource> read(String resourceType, String id, boolean unparsed) {
    return read(resourceType, id);
  }

  /**
   * Executes a validated search (from {@link QueryParser}).
   *
   * @throws InvalidSearchException for what only the index can judge: a {@code :text} or {@code
   *     _content} value made only of stop words
   */
  SearchResult search(SearchQuery query);

  /**
   * As {@link #search(SearchQuery)}; with {@code unparsed}, the store may answer with the matches'
   * and included resources' stored JSON unparsed ({@link StoredJson}), for a caller that writes
   * them out as they are. By default the resources are parsed.
   */
  default SearchResult search(SearchQuery query, boolean unparsed) {
    return search(query);
  }

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
