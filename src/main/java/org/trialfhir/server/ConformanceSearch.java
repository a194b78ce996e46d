package org.trialfhir.server;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A search of our conformance resources: {@code _id} and {@code url} (exact; a {@code |version}
 * suffix must equal the resource's version), {@code name} (case-insensitive prefix, {@code :exact},
 * {@code :contains}), {@code _count} and {@code _total}; comma-separated values are alternatives,
 * repeated parameters must all hold. Anything else is a 400 (or, when lenient, ignored and reported
 * in an outcome entry).
 */
final class ConformanceSearch {
  private final String type;
  private final Map<String, List<String>> criteria; // "name[:modifier]" → raw values (each ANDed)
  private final int count;
  private final boolean totalNone;
  private final List<String> ignored;

  private ConformanceSearch(
      String type,
      Map<String, List<String>> criteria,
      int count,
      boolean totalNone,
      List<String> ignored) {
    this.type = type;
    this.criteria = criteria;
    this.count = count;
    this.totalNone = totalNone;
    this.ignored = ignored;
  }

  /**
   * @throws InvalidRequestException naming the first unsupported parameter (unless lenient)
   */
  static ConformanceSearch parse(
      String type, Map<String, List<String>> parameters, boolean lenient) {
    Map<String, List<String>> criteria = new LinkedHashMap<>();
    int count = StatelessPagingProvider.DEFAULT_PAGE_SIZE;
    boolean totalNone = false;
    boolean summaryCount = false;
    List<String> ignored = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      List<String> values = parameter.getValue();
      try {
        switch (name) {
          case "_id", "url", "name", "name:exact", "name:contains" -> {
            for (String value : values) {
              if (value.isEmpty()) {
                throw Outcomes.badParameter(name, name + ": empty value");
              }
            }
            criteria.put(name, List.copyOf(values));
          }
          case Constants.PARAM_SUMMARY, Constants.PARAM_ELEMENTS -> {
            // validated by RequestValidationInterceptor and applied by HAPI when encoding;
            // _summary=count is applied here, as a page of no entries
            if (name.equals(Constants.PARAM_SUMMARY) && values.contains("count")) {
              summaryCount = true;
            }
          }
          case Constants.PARAM_COUNT -> {
            if (values.size() != 1) {
              throw Outcomes.badParameter(name, "_count: give it once");
            }
            count =
                RequestValidationInterceptor.nonNegative(
                    name, values.get(0), RequestValidationInterceptor.MAX_COUNT);
          }
          case "_total" -> {
            if (values.size() != 1
                || !List.of("none", "estimate", "accurate").contains(values.get(0))) {
              throw Outcomes.badParameter(name, "_total: one of none, estimate, accurate");
            }
            totalNone = values.get(0).equals("none");
          }
          default ->
              throw Outcomes.badParameter(
                  name,
                  "parameter \""
                      + name
                      + "\" is not supported on "
                      + type
                      + " (supported: _id, url, name, name:exact, name:contains, _count, _total, _summary, _elements)");
        }
      } catch (InvalidRequestException e) {
        if (!lenient) {
          throw e;
        }
        ignored.add(e.getMessage() + " (ignored)");
      }
    }
    return new ConformanceSearch(type, criteria, summaryCount ? 0 : count, totalNone, ignored);
  }

  /** The search as a query string, which {@link #fromCanonical} parses back. */
  String canonical() {
    StringBuilder out = new StringBuilder(type).append('?');
    criteria.forEach((name, values) -> values.forEach(value -> append(out, name, value)));
    if (totalNone) {
      append(out, "_total", "none");
    }
    append(out, Constants.PARAM_COUNT, Integer.toString(count));
    return out.toString();
  }

  static ConformanceSearch fromCanonical(String canonical) {
    int question = canonical.indexOf('?');
    if (question < 0 || !ConformanceCatalog.TYPES.contains(canonical.substring(0, question))) {
      throw new IllegalArgumentException("not a conformance search");
    }
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (String pair : canonical.substring(question + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      String[] parts = pair.split("=", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("not a conformance search");
      }
      parameters.computeIfAbsent(decode(parts[0]), k -> new ArrayList<>()).add(decode(parts[1]));
    }
    try {
      return parse(canonical.substring(0, question), parameters, false);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException("not a conformance search", e);
    }
  }

  /** Parameters that were ignored (lenient handling). */
  List<String> ignored() {
    return ignored;
  }

  int count() {
    return count;
  }

  Results run(ConformanceCatalog catalog) {
    Predicate<MetadataResource> all = r -> true;
    for (Map.Entry<String, List<String>> criterion : criteria.entrySet()) {
      for (String value : criterion.getValue()) {
        all = all.and(matcher(criterion.getKey(), value.split(",")));
      }
    }
    List<MetadataResource> matches = catalog.all(type).stream().filter(all).toList();
    return new Results(matches);
  }

  private static Predicate<MetadataResource> matcher(String name, String[] alternatives) {
    Predicate<MetadataResource> any = r -> false;
    for (String alternative : alternatives) {
      String value = alternative.strip();
      Predicate<MetadataResource> one =
          switch (name) {
            case "_id" -> r -> r.getIdElement().getIdPart().equals(value);
            case "url" -> r -> matchesUrl(r, value);
            case "name:exact" -> r -> value.equals(r.getName());
            case "name:contains" -> r -> lower(r.getName()).contains(lower(value));
            default -> r -> lower(r.getName()).startsWith(lower(value));
          };
      any = any.or(one);
    }
    return any;
  }

  private static boolean matchesUrl(MetadataResource resource, String value) {
    int bar = value.indexOf('|');
    if (bar < 0) {
      return value.equals(resource.getUrl());
    }
    return value.substring(0, bar).equals(resource.getUrl())
        && value.substring(bar + 1).equals(resource.getVersion());
  }

  private static String lower(String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT);
  }

  private static void append(StringBuilder out, String name, String value) {
    if (out.charAt(out.length() - 1) != '?') {
      out.append('&');
    }
    out.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** The (small, in-memory) results of a conformance search. */
  final class Results implements IBundleProvider, StatelessResults {
    private final List<MetadataResource> matches;
    private final InstantType published = InstantType.now();
    private RequestDetails request;

    private Results(List<MetadataResource> matches) {
      this.matches = matches;
    }

    /** Records entry modes on this request. */
    Results forRequest(RequestDetails request) {
      this.request = request;
      return this;
    }

    @Override
    public PageToken pageToken() {
      return new PageToken(PageToken.Kind.CONFORMANCE, canonical());
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
      return count;
    }

    @Override
    public Integer size() {
      return totalNone ? null : matches.size();
    }

    @Override
    public List<IBaseResource> getResources(int from, int to) {
      List<IBaseResource> out = new ArrayList<>();
      if (!ignored.isEmpty()) {
        OperationOutcome warnings = Outcomes.ignored(ignored);
        out.add(warnings);
        SearchEntries.record(request, warnings, SearchEntryMode.OUTCOME, null);
      }
      int end = count == 0 ? from : Math.min(to, matches.size());
      for (int i = Math.max(0, from); i < end; i++) {
        MetadataResource match = matches.get(i);
        out.add(match);
        SearchEntries.record(request, match, SearchEntryMode.MATCH, null);
      }
      return out;
    }

    @Override
    public List<IBaseResource> getResources(
        int from, int to, ca.uhn.fhir.rest.server.method.ResponsePage.ResponsePageBuilder builder) {
      List<IBaseResource> page = getResources(from, to);
      int fetched = Math.max(0, Math.min(to, matches.size()) - Math.max(0, from));
      builder.setTotalRequestedResourcesFetched(
          Math.min(to, matches.size()) < matches.size() ? fetched + 1 : fetched);
      return page;
    }
  }
}
