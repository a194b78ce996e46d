package org.trialfhir.store;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.spans.SpanNearQuery;
import org.apache.lucene.queries.spans.SpanQuery;
import org.apache.lucene.queries.spans.SpanTermQuery;
import org.apache.lucene.search.AutomatonQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.search.Criterion;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.Modifier;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchValues;
import org.trialfhir.search.SearchValues.DateValue;

/**
 * Turns the criteria of a {@link SearchQuery} into one Lucene query over the fields {@link
 * IndexFields} writes. Each criterion is a filter (AND); its values are alternatives (OR).
 * Site-level criteria ({@code near}, {@code site-status}) must hold for the same site. Each {@code
 * near} is first resolved to the served Locations within its distance ({@link NearResolver}). With
 * one near criterion and positive site-status codes (or none), they are answered from index terms
 * alone ({@link SiteTerms}): the Locations' {@code site.r} terms, or the "Location|status" terms of
 * {@link IndexFields#SITE_STATUS_AT} crossed with the codes. Otherwise (several near criteria,
 * {@code :not}, an index without that field) they are gathered into one {@link SitePredicate},
 * checked on each site by a {@link SiteQuery}, behind index prefilters (resources at one of the
 * Locations, with one of the statuses). Either way the predicate is kept, for the distances.
 */
final class QueryBuilder {
  private static final String SITE_STATUS_SYSTEM =
      Canonical.codeSystem(CtgovVocabulary.SITE_STATUS.id());

  /**
   * The built query, and the site predicate when the search has site-level criteria.
   *
   * @param query the whole search
   * @param sites the site-level criteria, or null; also for the distances of matches
   * @param prefilter the search without the site confirmation (the same as query when sites is null
   *     or terms is not): for a caller that evaluates {@code sites} on each document itself
   * @param terms when not null, the site-level criteria as index terms, exact without {@code
   *     sites}: query has no {@link SiteQuery}, and a study with one of the terms of a Location has
   *     a site there that satisfies them
   */
  record Built(Query query, SitePredicate sites, Query prefilter, SiteTerms terms) {}

  private final long now;
  private final IndexSearcher searcher;

  /**
   * @param now the current time in epoch ms, for the {@code ap} prefix of dates
   * @param searcher the index searched, on which {@code near} is first resolved to Locations
   */
  QueryBuilder(long now, IndexSearcher searcher) {
    this.now = now;
    this.searcher = searcher;
  }

  Built build(SearchQuery search) throws IOException {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    all.add(new TermQuery(new Term(IndexFields.TYPE, search.resourceType())), Occur.FILTER);
    List<Map<String, Double>> near = new ArrayList<>();
    List<SitePredicate.StatusGroup> statuses = new ArrayList<>();
    List<Query> statusTerms = new ArrayList<>();
    for (Criterion c : search.criteria()) {
      String code = c.param().code();
      if (code.equals("near") && c.modifier() == Modifier.NONE) {
        List<SearchValues.Near> points =
            c.values().stream().map(v -> SearchValues.near(c.name(), v)).toList();
        near.add(NearResolver.within(searcher, points));
      } else if (code.equals("site-status")
          && (c.modifier() == Modifier.NONE || c.modifier() == Modifier.NOT)) {
        List<SearchValues.Token> tokens =
            c.values().stream().map(v -> SearchValues.token(c.name(), v)).toList();
        boolean negated = c.modifier() == Modifier.NOT;
        statuses.add(new SitePredicate.StatusGroup(tokens, negated, SITE_STATUS_SYSTEM));
        if (!negated) {
          statusTerms.add(anyOf(c, v -> token(c.param(), c.param().code(), v)));
        }
      } else {
        all.add(criterion(c), Occur.FILTER);
      }
    }
    if (near.isEmpty() && statuses.isEmpty()) {
      Query query = all.build();
      return new Built(query, null, query, null);
    }
    SitePredicate sites = new SitePredicate(near, statuses);
    SiteTerms terms = siteTerms(search.resourceType(), near, statuses);
    if (terms != null) {
      // Exact: a term names a site that satisfies every site-level criterion.
      all.add(terms.query(near.get(0).keySet()), Occur.FILTER);
      Query query = all.build();
      return new Built(query, sites, query, terms);
    }
    for (Map<String, Double> within : near) {
      all.add(atLocation(search.resourceType()).query(within.keySet()), Occur.FILTER);
    }
    statusTerms.forEach(q -> all.add(q, Occur.FILTER));
    Query prefilter = all.build();
    all.add(new SiteQuery(sites), Occur.FILTER);
    return new Built(all.build(), sites, prefilter, null);
  }

  /**
   * The site-level criteria of a search as index terms, each naming a site that satisfies all of
   * them, or null when they cannot be: exactly one near criterion and either no site-status
   * criterion (the Location's own term: {@code site.r} on a study, {@code _id} on a Location) or,
   * on a study in an index that has {@link IndexFields#SITE_STATUS_AT}, site-status criteria that
   * are all positive and, intersected, name a set of codes. Several near criteria (each on the same
   * site), {@code :not}, statuses of any code ({@code system|} alone) and older indexes are left to
   * {@link SiteQuery}.
   */
  private SiteTerms siteTerms(
      String resourceType,
      List<Map<String, Double>> near,
      List<SitePredicate.StatusGroup> statuses) {
    if (near.size() != 1) {
      return null;
    }
    if (statuses.isEmpty()) {
      // SitePredicate asks only that a site's Location be within: any site there will do.
      return atLocation(resourceType);
    }
    if (!resourceType.equals("ResearchStudy") || !indexed(IndexFields.SITE_STATUS_AT)) {
      return null;
    }
    Set<String> codes = null;
    for (SitePredicate.StatusGroup group : statuses) {
      if (group.negated()) {
        return null;
      }
      Set<String> any = new TreeSet<>();
      boolean wildcard = false;
      for (SearchValues.Token token : group.tokens()) {
        // As SitePredicate: a token names a site status when it has no system or ours.
        if (token.system() == null || token.system().equals(group.system())) {
          if (token.code() == null) {
            wildcard = true;
          } else {
            any.add(token.code());
          }
        }
      }
      if (wildcard) {
        // Any status: implied by every other criterion's codes.
        continue;
      }
      if (codes == null) {
        codes = any;
      } else {
        codes.retainAll(any);
      }
    }
    if (codes == null) {
      return null;
    }
    List<String> suffixes = new ArrayList<>(codes.size());
    codes.forEach(code -> suffixes.add(IndexFields.siteStatusTerm("", code)));
    return new SiteTerms(IndexFields.SITE_STATUS_AT, "", suffixes);
  }

  /** Whether some segment of the index has the field. */
  private boolean indexed(String field) {
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      if (leaf.reader().getFieldInfos().fieldInfo(field) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Index terms that each name a site satisfying every site-level criterion of a search: for a
   * Location id, the terms {@code prefix + id + suffix} of the field, one per suffix.
   */
  record SiteTerms(String field, String prefix, List<String> suffixes) {
    SiteTerms {
      suffixes = List.copyOf(suffixes);
    }

    /** The terms of the sites at one Location. */
    List<BytesRef> at(String locationId) {
      List<BytesRef> terms = new ArrayList<>(suffixes.size());
      for (String suffix : suffixes) {
        terms.add(new BytesRef(prefix + locationId + suffix));
      }
      return terms;
    }

    /** Documents with a site at one of the Locations that satisfies the criteria. */
    Query query(Set<String> locationIds) {
      List<BytesRef> terms = new ArrayList<>(locationIds.size() * suffixes.size());
      for (String id : locationIds) {
        terms.addAll(at(id));
      }
      return terms.isEmpty() ? new MatchNoDocsQuery() : new TermInSetQuery(field, terms);
    }
  }

  private Query criterion(Criterion c) {
    SearchParam param = c.param();
    String code = param.code();
    if (c.modifier() == Modifier.MISSING) {
      return anyOf(c, v -> SearchValues.missing(c.name(), v) ? not(has(code)) : has(code));
    }
    if (code.equals("_content")) {
      return anyOf(c, v -> allWords(c.name(), IndexFields.CONTENT, v));
    }
    return switch (param.type()) {
      case TOKEN ->
          switch (c.modifier()) {
            case TEXT -> anyOf(c, v -> text(c.name(), IndexFields.field(code, "t"), v));
            case NOT -> not(anyOf(c, v -> token(param, code, v)));
            case BELOW -> anyOf(c, v -> token(param, "condition.below", v));
            default -> anyOf(c, v -> token(param, code, v));
          };
      case STRING -> anyOf(c, v -> string(c.modifier(), code, v));
      case REFERENCE -> anyOf(c, v -> reference(c, v));
      case DATE -> anyOf(c, v -> date(code, SearchValues.date(c.name(), v)));
      case QUANTITY -> anyOf(c, v -> age(c, v));
      default -> throw new InvalidSearchException(c.name(), "Unsupported use of " + c.name());
    };
  }

  private interface ValueQuery {
    Query of(String value);
  }

  private static Query anyOf(Criterion c, ValueQuery each) {
    if (c.values().size() == 1) {
      return each.of(c.values().get(0));
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (String value : c.values()) {
      any.add(each.of(value), Occur.SHOULD);
    }
    return any.build();
  }

  private static Query has(String param) {
    return new TermQuery(new Term(IndexFields.HAS, param));
  }

  /** Every document of the searched type (the outer query filters by type) except these. */
  private static Query not(Query query) {
    return new BooleanQuery.Builder()
        .add(new org.apache.lucene.search.MatchAllDocsQuery(), Occur.FILTER)
        .add(query, Occur.MUST_NOT)
        .build();
  }

  private static Query token(SearchParam param, String fieldParam, String value) {
    SearchValues.Token token = SearchValues.token(param.code(), value);
    String system = token.system();
    if (param.code().equals("identifier")) {
      system = SearchValues.identifierSystem(system);
    }
    if (system == null) {
      return new TermQuery(new Term(IndexFields.field(fieldParam, "c"), token.code()));
    }
    if (token.code() == null) {
      return new TermQuery(new Term(IndexFields.field(fieldParam, "s"), system));
    }
    return new TermQuery(
        new Term(IndexFields.field(fieldParam, "sc"), system + "|" + token.code()));
  }

  /** Every word of the value in one value of the field (words within one value's positions). */
  private static Query text(String parameter, String field, String value) {
    List<String> words = words(parameter, value);
    if (words.size() == 1) {
      return new TermQuery(new Term(field, words.get(0)));
    }
    SpanQuery[] clauses =
        words.stream().map(w -> new SpanTermQuery(new Term(field, w))).toArray(SpanQuery[]::new);
    return new SpanNearQuery(clauses, TextAnalysis.VALUE_GAP - 1, false);
  }

  /** Every word of the value anywhere in the field. */
  private static Query allWords(String parameter, String field, String value) {
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    for (String word : words(parameter, value)) {
      all.add(new TermQuery(new Term(field, word)), Occur.FILTER);
    }
    return all.build();
  }

  private static List<String> words(String parameter, String value) {
    List<String> words = TextAnalysis.INSTANCE.words(SearchValues.unescape(value));
    if (words.isEmpty()) {
      throw new InvalidSearchException(
          parameter,
          parameter
              + "="
              + SearchValues.abbreviate(value)
              + " has no searchable words (only stop words or punctuation)");
    }
    return words;
  }

  private static Query string(Modifier modifier, String param, String value) {
    String plain = SearchValues.unescape(value);
    return switch (modifier) {
      case EXACT -> new TermQuery(new Term(IndexFields.field(param, "x"), plain));
      case CONTAINS -> {
        Automaton anywhere =
            Operations.concatenate(
                List.of(
                    Automata.makeAnyString(),
                    Automata.makeString(Strings.normalize(plain)),
                    Automata.makeAnyString()));
        yield new AutomatonQuery(new Term(IndexFields.field(param, "n"), plain), anywhere);
      }
      default -> new PrefixQuery(new Term(IndexFields.field(param, "n"), Strings.normalize(plain)));
    };
  }

  private static Query reference(Criterion c, String value) {
    SearchValues.Ref ref = SearchValues.reference(c.name(), value, c.param().targets());
    String field = IndexFields.field(c.param().code(), "r");
    if (ref.type() != null) {
      return new TermQuery(new Term(field, ref.type() + "/" + ref.id()));
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (String target : c.param().targets()) {
      any.add(new TermQuery(new Term(field, target + "/" + ref.id())), Occur.SHOULD);
    }
    return any.build();
  }

  /**
   * A date criterion against the indexed range [lo, hi] of each resource (R4 3.1.1.4.5): eq the
   * search range contains it; gt/lt it reaches above/below the search range; ge/le either; sa/eb it
   * starts after/ends before; ne not eq; ap it overlaps the search range widened by 10% of its
   * distance from now.
   */
  private Query date(String param, DateValue v) {
    String lo = IndexFields.field(param, "lo");
    String hi = IndexFields.field(param, "hi");
    long sLo = v.low();
    long sHi = v.high();
    return switch (v.prefix()) {
      case EQ -> and(atLeast(lo, sLo), atMost(hi, sHi));
      case NE -> and(has(param), not(and(atLeast(lo, sLo), atMost(hi, sHi))));
      case GT -> atLeast(hi, sHi + 1);
      case LT -> atMost(lo, sLo - 1);
      case GE -> or(atLeast(hi, sHi + 1), and(atLeast(lo, sLo), atMost(hi, sHi)));
      case LE -> or(atMost(lo, sLo - 1), and(atLeast(lo, sLo), atMost(hi, sHi)));
      case SA -> atLeast(lo, sHi + 1);
      case EB -> atMost(hi, sLo - 1);
      case AP -> {
        long middle = sLo / 2 + sHi / 2;
        long margin = Math.abs(now - middle) / 10;
        yield and(atMost(lo, saturatedAdd(sHi, margin)), atLeast(hi, saturatedAdd(sLo, -margin)));
      }
    };
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  private static Query atLeast(String field, long value) {
    return LongPoint.newRangeQuery(field, value, Long.MAX_VALUE);
  }

  private static Query atMost(String field, long value) {
    return LongPoint.newRangeQuery(field, Long.MIN_VALUE, value);
  }

  /**
   * eligible-age: the age (a point) against the study's age range [lo, hi]: eq inside it; gt/ge the
   * range reaches above/to it; lt/le below/to it; sa the range starts above it; eb it ends below
   * it; ne outside it; ap the range overlaps the age ± 10%.
   */
  private static Query age(Criterion c, String value) {
    SearchValues.QuantityValue quantity = SearchValues.quantity(c.name(), value);
    BigDecimal minutes = SearchValues.ageInMinutes(c.name(), quantity);
    double v = minutes.doubleValue();
    String param = c.param().code();
    String lo = IndexFields.field(param, "lo");
    String hi = IndexFields.field(param, "hi");
    Query inside = and(atMost(lo, v), atLeast(hi, v));
    return switch (quantity.prefix()) {
      case EQ -> inside;
      case NE -> and(has(param), not(inside));
      case GT -> atLeast(hi, Math.nextUp(v));
      case GE -> atLeast(hi, v);
      case LT -> atMost(lo, Math.nextDown(v));
      case LE -> atMost(lo, v);
      case SA -> atLeast(lo, Math.nextUp(v));
      case EB -> atMost(hi, Math.nextDown(v));
      case AP -> {
        double tenth = minutes.multiply(new BigDecimal("0.1")).doubleValue();
        yield and(
            atMost(lo, minutes.add(BigDecimal.valueOf(tenth)).doubleValue()),
            atLeast(hi, minutes.subtract(BigDecimal.valueOf(tenth)).doubleValue()));
      }
    };
  }

  private static Query atLeast(String field, double value) {
    return DoublePoint.newRangeQuery(field, value, Double.POSITIVE_INFINITY);
  }

  private static Query atMost(String field, double value) {
    return DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, value);
  }

  /** Resources at a Location: studies with a site there ({@code site.r}), or the Location. */
  private static SiteTerms atLocation(String resourceType) {
    return resourceType.equals("Location")
        ? new SiteTerms(IndexFields.ID, "", List.of(""))
        : new SiteTerms(IndexFields.field("site", "r"), "Location/", List.of(""));
  }

  private static Query and(Query a, Query b) {
    return new BooleanQuery.Builder().add(a, Occur.FILTER).add(b, Occur.FILTER).build();
  }

  private static Query or(Query a, Query b) {
    return new BooleanQuery.Builder().add(a, Occur.SHOULD).add(b, Occur.SHOULD).build();
  }
}
