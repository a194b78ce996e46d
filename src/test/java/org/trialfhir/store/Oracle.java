package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.exceptions.PathEngineException;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.search.Criterion;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.Modifier;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.search.SearchValues;

/**
 * A brute-force evaluation of searches over the mapped resources, independent of the store: each
 * parameter's values are selected by evaluating its published FHIRPath expression with HAPI's R4
 * FHIRPathEngine (references resolved within the corpus), and matched with the FHIR search rules
 * written out here, one type at a time. It shares with the store only the reading of query values
 * ({@link SearchValues}) and the definition of a word ({@link TextAnalysis}).
 */
final class Oracle {
  private final FHIRPathEngine engine;
  private final Map<String, Resource> universe = new HashMap<>();
  private final Map<String, List<Resource>> byType = new HashMap<>();
  private final Map<String, List<Base>> values = new HashMap<>();
  private final long now;

  Oracle(long now) {
    this.now = now;
    FhirContext fhir = FhirContext.forR4Cached();
    engine =
        new FHIRPathEngine(new HapiWorkerContext(fhir, new DefaultProfileValidationSupport(fhir)));
    engine.setHostServices(new Resolver());
    for (String type :
        List.of(
            "ResearchStudy",
            "Location",
            "Organization",
            "Practitioner",
            "Group",
            "PlanDefinition")) {
      List<Resource> resources = Corpus.resources(type);
      byType.put(type, resources);
      resources.forEach(r -> universe.put(type + "/" + r.getIdPart(), r));
    }
  }

  /** The ids of every resource of the query's type that meets all its criteria. */
  Set<String> evaluate(SearchQuery query) {
    Set<String> ids = new HashSet<>();
    for (Resource resource : byType.get(query.resourceType())) {
      if (matches(resource, query.criteria())) {
        ids.add(resource.getIdPart());
      }
    }
    return ids;
  }

  /**
   * For a near search: the distance in km from the search to the nearest site that satisfies every
   * site-level criterion (null when the resource does not match them).
   */
  Double distance(Resource resource, List<Criterion> criteria) {
    return siteLevel(resource, criteria);
  }

  boolean matches(Resource resource, List<Criterion> criteria) {
    boolean siteCriteria = false;
    for (Criterion c : criteria) {
      if (isSiteLevel(c)) {
        siteCriteria = true;
      } else if (!matches(resource, c)) {
        return false;
      }
    }
    return !siteCriteria || siteLevel(resource, criteria) != null;
  }

  private static boolean isSiteLevel(Criterion c) {
    String code = c.param().code();
    return code.equals("near") && c.modifier() == Modifier.NONE
        || code.equals("site-status")
            && (c.modifier() == Modifier.NONE || c.modifier() == Modifier.NOT);
  }

  private List<Base> values(Resource resource, String expression) {
    String key = expression + "\u0000" + resource.fhirType() + "/" + resource.getIdPart();
    // An empty element (a HAPI getter may have created one) is no value.
    return values.computeIfAbsent(
        key,
        k -> engine.evaluate(resource, expression).stream().filter(b -> !b.isEmpty()).toList());
  }

  private boolean matches(Resource resource, Criterion c) {
    SearchParam param = c.param();
    List<Base> found = values(resource, param.expression());
    if (c.modifier() == Modifier.MISSING) {
      boolean missing = found.isEmpty();
      return c.values().stream().anyMatch(v -> SearchValues.missing(c.name(), v) == missing);
    }
    if (param.code().equals("_content")) {
      Set<String> all = new HashSet<>();
      for (Base b : found) {
        all.addAll(words(b.primitiveValue()));
      }
      return c.values().stream().anyMatch(v -> all.containsAll(queryWords(c, v)));
    }
    switch (param.type()) {
      case TOKEN -> {
        return switch (c.modifier()) {
          case NOT -> !c.values().stream().anyMatch(v -> tokenMatch(resource, param, found, v));
          case TEXT -> c.values().stream().anyMatch(v -> textMatch(found, queryWords(c, v)));

          case BELOW -> {
            List<Base> codes = new ArrayList<>(found);
            codes.addAll(
                values(
                    resource,
                    "ResearchStudy.extension('"
                        + TrialExtension.CONDITION_ANCESTOR.url()
                        + "').value"));
            yield c.values().stream().anyMatch(v -> tokenMatch(resource, param, codes, v));
          }
          default -> c.values().stream().anyMatch(v -> tokenMatch(resource, param, found, v));
        };
      }
      case STRING -> {
        List<String> strings = strings(found);
        List<String> parts = c.modifier() == Modifier.EXACT ? List.of() : nameWords(found);
        return c.values().stream()
            .anyMatch(
                v -> stringMatch(c.modifier(), strings, v) || stringMatch(c.modifier(), parts, v));
      }
      case REFERENCE -> {
        return c.values().stream().anyMatch(v -> referenceMatch(param, found, v));
      }
      case DATE -> {
        return c.values().stream().anyMatch(v -> dateMatch(found, SearchValues.date(c.name(), v)));
      }
      case QUANTITY -> {
        return c.values().stream().anyMatch(v -> ageMatch(c, found, v));
      }
      default -> throw new AssertionError("no oracle rule for " + c.name());
    }
  }

  private static List<String> queryWords(Criterion c, String value) {
    List<String> words = TextAnalysis.INSTANCE.words(SearchValues.unescape(value));
    if (words.isEmpty()) {
      throw new InvalidSearchException(c.name(), "no words");
    }
    return words;
  }

  // --- tokens ---

  private boolean tokenMatch(Resource resource, SearchParam param, List<Base> found, String value) {
    SearchValues.Token token = SearchValues.token(param.code(), value);
    String system = token.system();
    if (param.code().equals("identifier")) {
      system = SearchValues.identifierSystem(system);
    }
    if (param.code().equals("eligible-sex") && found.isEmpty()) {
      // No sex restriction: the study is open to both.
      return true;
    }
    for (Base b : found) {
      for (String[] pair : codes(b)) {
        if (codeMatches(system, token.code(), pair[0], pair[1])) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean codeMatches(String qSystem, String qCode, String system, String code) {
    boolean hasSystem = system != null && !system.isEmpty();
    if (code == null || code.isEmpty()) {
      return qCode == null && hasSystem && qSystem.equals(system);
    }
    if (qSystem == null) {
      return qCode.equals(code);
    }
    if (qSystem.isEmpty()) {
      return !hasSystem && qCode.equals(code);
    }
    if (qCode == null) {
      return qSystem.equals(system);
    }
    return qSystem.equals(system) && qCode.equals(code);
  }

  /** (system, code) pairs of a token value. */
  private static List<String[]> codes(Base b) {
    List<String[]> pairs = new ArrayList<>();
    if (b instanceof CodeableConcept concept) {
      concept.getCoding().forEach(c -> pairs.add(new String[] {c.getSystem(), c.getCode()}));
    } else if (b instanceof Coding coding) {
      pairs.add(new String[] {coding.getSystem(), coding.getCode()});
    } else if (b instanceof Identifier identifier) {
      pairs.add(new String[] {identifier.getSystem(), identifier.getValue()});
    } else if (b instanceof Enumeration<?> e) {
      pairs.add(new String[] {e.getSystem(), e.getCode()});
    } else if (b instanceof BooleanType flag) {
      pairs.add(new String[] {null, flag.getValueAsString()});
    } else if (b instanceof IdType id) {
      pairs.add(new String[] {null, id.getIdPart()});
    } else if (b instanceof PrimitiveType<?> primitive) {
      pairs.add(new String[] {null, primitive.getValueAsString()});
    } else {
      throw new AssertionError("not a token value: " + b.fhirType());
    }
    return pairs;
  }

  /** Every word of the query in one text of a value (a concept's text or a display). */
  private boolean textMatch(List<Base> found, List<String> query) {
    for (Base b : found) {
      List<String> texts = new ArrayList<>();
      if (b instanceof CodeableConcept concept) {
        texts.add(concept.getText());
        concept.getCoding().forEach(c -> texts.add(c.getDisplay()));
      } else if (b instanceof Coding coding) {
        texts.add(coding.getDisplay());
      }
      for (String text : texts) {
        if (text != null && words(text).containsAll(query)) {
          return true;
        }
      }
    }
    return false;
  }

  private final Map<String, Set<String>> wordCache = new HashMap<>();

  /** The words of a text (cached: the same texts are matched by many searches). */
  private Set<String> words(String text) {
    return wordCache.computeIfAbsent(text, t -> new HashSet<>(TextAnalysis.INSTANCE.words(t)));
  }

  // --- strings ---

  private static List<String> strings(List<Base> found) {
    List<String> strings = new ArrayList<>();
    for (Base b : found) {
      if (b instanceof HumanName name) {
        strings.add(name.getText());
        strings.add(name.getFamily());
        name.getGiven().forEach(g -> strings.add(g.getValue()));
        name.getPrefix().forEach(g -> strings.add(g.getValue()));
        name.getSuffix().forEach(g -> strings.add(g.getValue()));
      } else if (b instanceof Address a) {
        strings.add(a.getText());
        a.getLine().forEach(l -> strings.add(l.getValue()));
        strings.add(a.getCity());
        strings.add(a.getDistrict());
        strings.add(a.getState());
        strings.add(a.getPostalCode());
        strings.add(a.getCountry());
      } else {
        strings.add(b.primitiveValue());
      }
    }
    strings.removeIf(s -> s == null || s.isBlank());
    return strings;
  }

  /**
   * The words of names given as one text (the registry's officials): each is a part of the name,
   * which string search matches from its start or anywhere, never exactly.
   */
  private static List<String> nameWords(List<Base> found) {
    List<String> words = new ArrayList<>();
    for (Base b : found) {
      if (b instanceof HumanName name && name.hasText()) {
        for (String word : name.getText().split("[\\s,;]+")) {
          if (!word.isBlank()) {
            words.add(word);
          }
        }
      }
    }
    return words;
  }

  /** Case- and accent-insensitive: letters without their marks, lower case, one space. */
  static String fold(String s) {
    StringBuilder out = new StringBuilder();
    boolean space = false;
    for (char ch : Normalizer.normalize(s, Normalizer.Form.NFD).toCharArray()) {
      int type = Character.getType(ch);
      if (type == Character.NON_SPACING_MARK
          || type == Character.ENCLOSING_MARK
          || type == Character.COMBINING_SPACING_MARK) {
        continue;
      }
      if (Character.isWhitespace(ch)) {
        space = out.length() > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      out.append(String.valueOf(ch).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  private static boolean stringMatch(Modifier modifier, List<String> strings, String value) {
    String q = SearchValues.unescape(value);
    for (String s : strings) {
      boolean match =
          switch (modifier) {
            case EXACT -> s.equals(q);
            case CONTAINS -> fold(s).contains(fold(q));
            default -> fold(s).startsWith(fold(q));
          };
      if (match) {
        return true;
      }
    }
    return false;
  }

  // --- references ---

  private static boolean referenceMatch(SearchParam param, List<Base> found, String value) {
    SearchValues.Ref ref = SearchValues.reference(param.code(), value, param.targets());
    for (Base b : found) {
      String target = ((Reference) b).getReference();
      if (target == null) {
        continue;
      }
      if (ref.type() != null
          ? target.equals(ref.type() + "/" + ref.id())
          : param.targets().stream().anyMatch(t -> target.equals(t + "/" + ref.id()))) {
        return true;
      }
    }
    return false;
  }

  // --- dates ---

  /** [first ms, last ms] of a date at its precision; zone-less dates are UTC. */
  static long[] span(String text) {
    if (text.length() == 4) {
      Year year = Year.parse(text);
      return between(year.atDay(1), year.plusYears(1).atDay(1));
    }
    if (text.length() == 7) {
      YearMonth month = YearMonth.parse(text);
      return between(month.atDay(1), month.plusMonths(1).atDay(1));
    }
    if (text.length() == 10) {
      LocalDate day = LocalDate.parse(text);
      return between(day, day.plusDays(1));
    }
    Instant instant = OffsetDateTime.parse(text).toInstant();
    long start = instant.toEpochMilli();
    boolean millis = text.contains(".");
    return new long[] {start, millis ? start : start + 999};
  }

  private static long[] between(LocalDate first, LocalDate next) {
    long a = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long b = next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    return new long[] {a, b - 1};
  }

  private boolean dateMatch(List<Base> found, SearchValues.DateValue v) {
    for (Base b : found) {
      long lo;
      long hi;
      if (b instanceof Period p) {
        if (!p.hasStart() && !p.hasEnd()) {
          continue;
        }
        lo = p.hasStart() ? span(p.getStartElement().getValueAsString())[0] : Long.MIN_VALUE;
        hi = p.hasEnd() ? span(p.getEndElement().getValueAsString())[1] : Long.MAX_VALUE;
      } else {
        long[] s = span(((BaseDateTimeType) b).getValueAsString());
        lo = s[0];
        hi = s[1];
      }
      boolean eq = v.low() <= lo && hi <= v.high();
      boolean match =
          switch (v.prefix()) {
            case EQ -> eq;
            case NE -> !eq;
            case GT -> hi > v.high();
            case LT -> lo < v.low();
            case GE -> hi > v.high() || eq;
            case LE -> lo < v.low() || eq;
            case SA -> lo > v.high();
            case EB -> hi < v.low();
            case AP -> {
              long margin = Math.abs(now - (v.low() / 2 + v.high() / 2)) / 10;
              yield lo <= v.high() + margin && hi >= v.low() - margin;
            }
          };
      if (match) {
        return true;
      }
    }
    return false;
  }

  // --- eligible-age ---

  private static boolean ageMatch(Criterion c, List<Base> found, String value) {
    SearchValues.QuantityValue q = SearchValues.quantity(c.name(), value);
    BigDecimal v = SearchValues.ageInMinutes(c.name(), q);
    for (Base b : found) {
      Range range = (Range) b;
      BigDecimal low = range.hasLow() ? minutes(range.getLow()) : null;
      BigDecimal high = range.hasHigh() ? minutes(range.getHigh()) : null;
      boolean inside =
          (low == null || low.compareTo(v) <= 0) && (high == null || v.compareTo(high) <= 0);
      BigDecimal tenth = v.multiply(new BigDecimal("0.1"));
      boolean match =
          switch (q.prefix()) {
            case EQ -> inside;
            case NE -> !inside;
            case GT -> high == null || high.compareTo(v) > 0;
            case GE -> high == null || high.compareTo(v) >= 0;
            case LT -> low == null || low.compareTo(v) < 0;
            case LE -> low == null || low.compareTo(v) <= 0;
            case SA -> low != null && low.compareTo(v) > 0;
            case EB -> high != null && high.compareTo(v) < 0;
            case AP ->
                (low == null || low.compareTo(v.add(tenth)) <= 0)
                    && (high == null || high.compareTo(v.subtract(tenth)) >= 0);
          };
      if (match) {
        return true;
      }
    }
    return false;
  }

  private static BigDecimal minutes(Quantity quantity) {
    return quantity.getValue().multiply(SearchValues.MINUTES_PER_UNIT.get(quantity.getCode()));
  }

  // --- sites ---

  private record Site(Double latitude, Double longitude, Coding status) {}

  private List<Site> sites(Resource resource) {
    List<Site> sites = new ArrayList<>();
    if (resource instanceof Location location) {
      sites.add(position(location, null));
      return sites;
    }
    for (Base b : values(resource, "ResearchStudy.site")) {
      Reference reference = (Reference) b;
      Location location = (Location) universe.get(reference.getReference());
      Coding status = null;
      for (Extension e : reference.getExtension()) {
        if (e.getUrl().equals(TrialExtension.SITE_STATUS.url())) {
          status = (Coding) e.getValue();
        }
      }
      sites.add(position(location, status));
    }
    return sites;
  }

  private static Site position(Location location, Coding status) {
    if (location == null || !location.hasPosition()) {
      return new Site(null, null, status);
    }
    return new Site(
        location.getPosition().getLatitude().doubleValue(),
        location.getPosition().getLongitude().doubleValue(),
        status);
  }

  /** The nearest distance of a site meeting every site-level criterion (+∞ without near). */
  private Double siteLevel(Resource resource, List<Criterion> criteria) {
    Double best = null;
    for (Site site : sites(resource)) {
      double distance = Double.POSITIVE_INFINITY;
      boolean ok = true;
      for (Criterion c : criteria) {
        if (!isSiteLevel(c)) {
          continue;
        }
        if (c.param().code().equals("near")) {
          boolean within = false;
          if (site.latitude() != null) {
            for (String value : c.values()) {
              SearchValues.Near near = SearchValues.near(c.name(), value);
              // Vincenty does not converge for nearly antipodal points; those are far anyway.
              if (Vincenty.sphericalKm(
                      near.latitude(), near.longitude(), site.latitude(), site.longitude())
                  > near.distanceKm() * 1.01 + 1) {
                continue;
              }
              double km =
                  Vincenty.distanceKm(
                      near.latitude(), near.longitude(), site.latitude(), site.longitude());
              if (km <= near.distanceKm()) {
                within = true;
                distance = Math.min(distance, km);
              }
            }
          }
          ok &= within;
        } else {
          boolean any = false;
          for (String value : c.values()) {
            SearchValues.Token token = SearchValues.token(c.name(), value);
            Coding status = site.status();
            if (status != null
                && codeMatches(
                    token.system(), token.code(), status.getSystem(), status.getCode())) {
              any = true;
            }
          }
          ok &= c.modifier() == Modifier.NOT ? !any : any;
        }
      }
      if (ok && (best == null || distance < best)) {
        best = distance;
      }
    }
    return best;
  }

  /** Resolves references within the corpus for resolve(). */
  private final class Resolver implements IHostApplicationServices {
    @Override
    public List<Base> resolveConstant(
        FHIRPathEngine e, Object c, String name, FHIRPathConstantEvaluationMode mode) {
      return List.of();
    }

    @Override
    public TypeDetails resolveConstantType(
        FHIRPathEngine e, Object c, String name, FHIRPathConstantEvaluationMode mode) {
      return null;
    }

    @Override
    public boolean log(String argument, List<Base> focus) {
      return false;
    }

    @Override
    public FunctionDetails resolveFunction(FHIRPathEngine e, String functionName) {
      return null;
    }

    @Override
    public TypeDetails checkFunction(
        FHIRPathEngine e,
        Object c,
        String functionName,
        TypeDetails focus,
        List<TypeDetails> parameters)
        throws PathEngineException {
      return null;
    }

    @Override
    public List<Base> executeFunction(
        FHIRPathEngine e,
        Object c,
        List<Base> focus,
        String functionName,
        List<List<Base>> parameters) {
      return null;
    }

    @Override
    public Base resolveReference(FHIRPathEngine e, Object c, String url, Base refContext)
        throws FHIRException {
      return universe.get(url);
    }

    @Override
    public boolean conformsToProfile(FHIRPathEngine e, Object c, Base item, String url) {
      return false;
    }

    @Override
    public ValueSet resolveValueSet(FHIRPathEngine e, Object c, String url) {
      return null;
    }

    @Override
    public boolean paramIsType(String name, int index) {
      return false;
    }
  }
}
