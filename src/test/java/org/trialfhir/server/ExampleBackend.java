package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.search.Criterion;
import org.trialfhir.search.IncludeSpec;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.Modifier;
import org.trialfhir.search.ParamType;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchResult;
import org.trialfhir.search.TotalMode;
import org.trialfhir.search.TrialStore;

/**
 * A search backend for the server's own tests: the example graphs in memory, searchable by {@code
 * _id} only (plus {@code _count}, {@code _total}, {@code _summary=count}). It lets the HTTP
 * behaviour be tested apart from the search engine; the ITs use the real one.
 */
final class ExampleBackend implements SearchBackend {
  static final List<String> TYPES =
      List.of(
          "ResearchStudy", "Group", "PlanDefinition", "Location", "Organization", "Practitioner");

  private final Map<String, Map<String, Resource>> resources = new LinkedHashMap<>();
  private volatile String version = "v1";

  ExampleBackend() {
    TYPES.forEach(type -> resources.put(type, new LinkedHashMap<>()));
    Path examples = Path.of(System.getProperty("project.basedir", ".")).resolve("examples");
    try (Stream<Path> folders = Files.list(examples)) {
      for (Path folder : folders.sorted().toList()) {
        Path bundle = folder.resolve("bundle.json");
        if (Files.exists(bundle)) {
          Bundle parsed =
              FhirContext.forR4Cached()
                  .newJsonParser()
                  .parseResource(Bundle.class, Files.readString(bundle));
          for (Bundle.BundleEntryComponent entry : parsed.getEntry()) {
            Resource resource = entry.getResource();
            resources.get(resource.fhirType()).put(resource.getIdPart(), resource);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Simulates a new import. */
  void bumpVersion() {
    version = version + "+";
  }

  int count(String type) {
    return resources.get(type).size();
  }

  private static SearchParam idParam(String type) {
    return new SearchParam(
        "_id",
        type,
        ParamType.TOKEN,
        "http://hl7.org/fhir/SearchParameter/Resource-id",
        type + ".id",
        "The resource id",
        Set.of(),
        false);
  }

  @Override
  public List<String> resourceTypes() {
    return TYPES;
  }

  @Override
  public TrialStore store() {
    return store;
  }

  @Override
  public ParsedSearch parse(String type, Map<String, String[]> parameters, boolean lenient) {
    List<Criterion> criteria = new ArrayList<>();
    int count = 20;
    TotalMode total = TotalMode.ACCURATE;
    List<String> ignored = new ArrayList<>();
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      String value = parameter.getValue()[0];
      switch (name) {
        case "_id" ->
            criteria.add(
                new Criterion(idParam(type), Modifier.NONE, Arrays.asList(value.split(","))));
        case "_count" -> {
          try {
            count = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new InvalidSearchException(name, "_count: not a number");
          }
          if (count < 0 || count > 500) {
            if (!lenient) {
              throw new InvalidSearchException(name, "_count: must be 0 to 500");
            }
            ignored.add("_count: capped at 500");
            count = 500;
          }
        }
        case "_total" -> total = TotalMode.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        case "_summary" -> {
          if (value.equals("count")) {
            count = 0;
          }
        }
        default -> {
          if (!lenient) {
            throw new InvalidSearchException(name, "unknown search parameter " + name);
          }
          ignored.add("unknown search parameter " + name + " (ignored)");
        }
      }
    }
    return new ParsedSearch(
        new SearchQuery(type, criteria, List.of(), 0, count, total, List.of(), List.of()), ignored);
  }

  @Override
  public String toCanonical(SearchQuery query) {
    String ids =
        query.criteria().isEmpty() ? "" : String.join(",", query.criteria().get(0).values());
    return query.resourceType() + "|" + ids + "|" + query.count() + "|" + query.total();
  }

  @Override
  public SearchQuery fromCanonical(String canonical) {
    String[] parts = canonical.split("\\|", -1);
    if (parts.length != 4 || !TYPES.contains(parts[0])) {
      throw new InvalidSearchException("_getpages", "not a query");
    }
    List<Criterion> criteria =
        parts[1].isEmpty()
            ? List.of()
            : List.of(
                new Criterion(idParam(parts[0]), Modifier.NONE, List.of(parts[1].split(","))));
    try {
      return new SearchQuery(
          parts[0],
          criteria,
          List.of(),
          0,
          Integer.parseInt(parts[2]),
          TotalMode.valueOf(parts[3]),
          List.of(),
          List.of());
    } catch (IllegalArgumentException e) {
      throw new InvalidSearchException("_getpages", "not a query");
    }
  }

  @Override
  public List<SearchParam> parameters(String type) {
    return List.of(idParam(type));
  }

  @Override
  public List<IncludeSpec> includes(String type) {
    return List.of();
  }

  @Override
  public List<IncludeSpec> revIncludes(String type) {
    return List.of();
  }

  @Override
  public void close() {}

  private final TrialStore store =
      new TrialStore() {
        @Override
        public Optional<Resource> read(String type, String id) {
          return Optional.ofNullable(resources.getOrDefault(type, Map.of()).get(id));
        }

        @Override
        public SearchResult search(SearchQuery query) {
          List<Resource> all =
              resources.get(query.resourceType()).values().stream()
                  .filter(
                      r ->
                          query.criteria().stream()
                              .allMatch(c -> c.values().contains(r.getIdPart())))
                  .sorted(java.util.Comparator.comparing(Resource::getIdPart))
                  .toList();
          List<SearchResult.Match> page =
              all.stream()
                  .skip(query.offset())
                  .limit(query.count())
                  .map(r -> new SearchResult.Match(r, null))
                  .toList();
          return new SearchResult(
              query.total() == TotalMode.NONE ? null : all.size(), page, List.of());
        }

        @Override
        public String version() {
          return version;
        }

        @Override
        public void close() {}
      };
}
