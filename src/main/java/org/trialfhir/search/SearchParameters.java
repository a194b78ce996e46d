package org.trialfhir.search;

import static org.trialfhir.search.Modifier.BELOW;
import static org.trialfhir.search.Modifier.CONTAINS;
import static org.trialfhir.search.Modifier.EXACT;
import static org.trialfhir.search.Modifier.MISSING;
import static org.trialfhir.search.Modifier.NOT;
import static org.trialfhir.search.Modifier.TEXT;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;

/**
 * Every search parameter the server supports, per resource type: the R4 core ones we implement and
 * our own (published as SearchParameter resources in {@code profiles/}). This registry is the one
 * source of truth for the query parser, the index, the CapabilityStatement and the README.
 *
 * <p>Besides these, every type accepts the result parameters {@code _count}, {@code _sort} (keys
 * from {@link #sortKeys}), {@code _total}, {@code _include} / {@code _revinclude} (from {@link
 * #includes} / {@link #revIncludes}), {@code _summary}, {@code _elements}, {@code _format} and
 * {@code _pretty}.
 */
public final class SearchParameters {
  private static final String CORE = "http://hl7.org/fhir/SearchParameter/";

  /** The resource types that can be searched, in the order the server lists them. */
  public static final List<String> TYPES =
      List.of(
          "ResearchStudy", "Location", "Organization", "Practitioner", "Group", "PlanDefinition");

  private static final Set<Modifier> CONCEPT = Set.of(MISSING, NOT, TEXT);
  private static final Set<Modifier> CODE = Set.of(MISSING, NOT);
  private static final Set<Modifier> STRING = Set.of(MISSING, EXACT, CONTAINS);
  private static final Set<Modifier> ONLY_MISSING = Set.of(MISSING);

  /** The FHIRPath of an eligibility characteristic's value on the study's eligibility Group. */
  private static String characteristic(String code) {
    return "ResearchStudy.enrollment.resolve().characteristic.where(code.coding.where(system='"
        + LocalCode.ELIGIBILITY_CHARACTERISTIC.system()
        + "' and code='"
        + code
        + "').exists()).value";
  }

  private static final Map<String, Map<String, SearchParam>> BY_TYPE = new LinkedHashMap<>();

  static {
    for (String type : TYPES) {
      BY_TYPE.put(type, new LinkedHashMap<>());
    }
    // ResearchStudy: R4 core.
    core(
        "ResearchStudy",
        "category",
        ParamType.TOKEN,
        "ResearchStudy.category",
        CONCEPT,
        "Classifications of the study: study type and design (allocation, model, masking, time"
            + " perspective), coded in our ctgov-* code systems.");
    core(
        "ResearchStudy",
        "date",
        ParamType.DATE,
        "ResearchStudy.period",
        ONLY_MISSING,
        "When the study began and ended (start and completion dates; an open end is ongoing).");
    core(
        "ResearchStudy",
        "focus",
        ParamType.TOKEN,
        "ResearchStudy.focus",
        CONCEPT,
        "The interventions under study: MeSH codes; :text matches their names.");
    core(
        "ResearchStudy",
        "identifier",
        ParamType.TOKEN,
        "ResearchStudy.identifier",
        CODE,
        "The NCT id (system https://clinicaltrials.gov; http and trailing-slash variants accepted),"
            + " NCT aliases, the sponsor's protocol id and secondary ids.");
    core(
        "ResearchStudy",
        "keyword",
        ParamType.TOKEN,
        "ResearchStudy.keyword",
        CONCEPT,
        "The record's keywords; they are text only, so search them with :text.");
    core(
        "ResearchStudy",
        "location",
        ParamType.TOKEN,
        "ResearchStudy.location",
        CONCEPT,
        "Countries of the study's sites: ISO 3166 codes (urn:iso:std:iso:3166); :text matches the"
            + " country names.");
    reference(
        "ResearchStudy",
        "partof",
        "ResearchStudy.partOf",
        List.of("ResearchStudy"),
        "A larger study this study is part of (the registry records none).");
    reference(
        "ResearchStudy",
        "principalinvestigator",
        "ResearchStudy.principalInvestigator",
        List.of("Practitioner", "PractitionerRole"),
        "The study's principal investigator.");
    reference(
        "ResearchStudy",
        "protocol",
        "ResearchStudy.protocol",
        List.of("PlanDefinition"),
        "The arm PlanDefinitions of the study.");
    reference(
        "ResearchStudy",
        "site",
        "ResearchStudy.site",
        List.of("Location"),
        "A site (Location) of the study.");
    reference(
        "ResearchStudy",
        "sponsor",
        "ResearchStudy.sponsor",
        List.of("Organization"),
        "The lead sponsor (Organization).");
    core(
        "ResearchStudy",
        "status",
        ParamType.TOKEN,
        "ResearchStudy.status",
        CODE,
        "The R4 status (crosswalk from the registry's overall status; see ctgov-status for the exact"
            + " registry code).");
    core(
        "ResearchStudy",
        "title",
        ParamType.STRING,
        "ResearchStudy.title",
        STRING,
        "The brief title: case- and accent-insensitive prefix; :contains anywhere; :exact whole.");
    // ResearchStudy: ours.
    custom(
        "ResearchStudy",
        "condition",
        ParamType.TOKEN,
        "ResearchStudy.condition",
        Set.of(MISSING, NOT, TEXT, BELOW),
        "The conditions studied. A plain value is a MeSH code (D003920, or"
            + " https://www.nlm.nih.gov/mesh|D003920); :below also finds studies coded with a"
            + " narrower MeSH term, using the broader terms the registry derived (extension "
            + TrialExtension.CONDITION_ANCESTOR.url()
            + "); :text is a full-text match with English stemming: every word must occur in one"
            + " condition text or MeSH term.");
    custom(
        "ResearchStudy",
        "phase",
        ParamType.TOKEN,
        "ResearchStudy.phase",
        CONCEPT,
        "The phase: HL7 research-study-phase codes (phase-1-phase-2, n-a, ...) or the registry's"
            + " own codes ("
            + Canonical.codeSystem(CtgovVocabulary.PHASE.id())
            + ": PHASE1, ...).");
    custom(
        "ResearchStudy",
        "study-type",
        ParamType.TOKEN,
        "ResearchStudy.category.coding.where(system='"
            + Canonical.codeSystem(CtgovVocabulary.STUDY_TYPE.id())
            + "')",
        CODE,
        "The registry's study type: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS ("
            + Canonical.codeSystem(CtgovVocabulary.STUDY_TYPE.id())
            + ").");
    custom(
        "ResearchStudy",
        "ctgov-status",
        ParamType.TOKEN,
        "ResearchStudy.extension('" + TrialExtension.OVERALL_STATUS.url() + "').value",
        CODE,
        "The registry's exact overall status code (RECRUITING, NOT_YET_RECRUITING, UNKNOWN, ...;"
            + " "
            + Canonical.codeSystem(CtgovVocabulary.OVERALL_STATUS.id())
            + ").");
    custom(
        "ResearchStudy",
        "intervention",
        ParamType.TOKEN,
        "ResearchStudy.focus",
        CONCEPT,
        "The interventions under study (ResearchStudy.focus, which carries the code of every arm"
            + " action): a plain value is a MeSH code; :text is a full-text match with English"
            + " stemming over intervention names and MeSH terms (every word in one of them).");
    custom(
        "ResearchStudy",
        "eligible-age",
        ParamType.QUANTITY,
        characteristic("age"),
        ONLY_MISSING,
        "Studies whose eligible age range contains this age. A bare number is in years;"
            + " UCUM time units are accepted (6|http://unitsofmeasure.org|mo, 2||wk: a, mo, wk, d,"
            + " h, min). Open ends are open. Prefixes compare the age with the range: eq (default)"
            + " inside it, gt/ge the range reaches above/at, lt/le below/at, sa the range starts"
            + " after, eb it ends before, ne outside it.");
    custom(
        "ResearchStudy",
        "eligible-sex",
        ParamType.TOKEN,
        characteristic("sex"),
        CODE,
        "Studies open to this sex: male or female (http://hl7.org/fhir/administrative-gender);"
            + " studies open to all sexes match both. :missing=true finds studies with no sex"
            + " restriction.");
    custom(
        "ResearchStudy",
        "healthy-volunteers",
        ParamType.TOKEN,
        characteristic("healthy-volunteers"),
        CODE,
        "Whether the study accepts healthy volunteers: true or false.");
    custom(
        "ResearchStudy",
        "near",
        ParamType.SPECIAL,
        "ResearchStudy.site.resolve().position",
        ONLY_MISSING,
        "Studies with a site within a distance of a point: latitude|longitude|distance|unit"
            + " (WGS84; unit km or [mi_i], default km; distance default 50 km). Distances are"
            + " geodesic on the WGS84 ellipsoid, from the registry's geo point (the centroid of the"
            + " site's city). Evaluated on the same site as site-status. _sort=near orders by the"
            + " distance to the nearest matching site, returned in the location-distance"
            + " extension.");
    custom(
        "ResearchStudy",
        "site-status",
        ParamType.TOKEN,
        "ResearchStudy.site.extension('" + TrialExtension.SITE_STATUS.url() + "').value",
        CODE,
        "The recruitment status of the study at a site (RECRUITING, NOT_YET_RECRUITING, ...; "
            + Canonical.codeSystem(CtgovVocabulary.SITE_STATUS.id())
            + "). Together with near,"
            + " the same site must satisfy both: a recruiting site within 50 km. :not finds a site"
            + " whose status is none of the values; :missing is about the study (no site has a"
            + " status).");
    common("ResearchStudy");
    add(
        new SearchParam(
            "_content",
            "ResearchStudy",
            ParamType.STRING,
            CORE + "Resource-content",
            "ResearchStudy.title | ResearchStudy.extension('"
                + TrialExtension.OFFICIAL_TITLE.url()
                + "').value | ResearchStudy.extension('"
                + TrialExtension.ACRONYM.url()
                + "').value | ResearchStudy.description | ResearchStudy.extension('"
                + TrialExtension.DETAILED_DESCRIPTION.url()
                + "').value | ResearchStudy.condition.text"
                + " | ResearchStudy.condition.coding.display | ResearchStudy.keyword.text"
                + " | ResearchStudy.focus.text | ResearchStudy.focus.coding.display"
                + " | ResearchStudy.arm.name | ResearchStudy.arm.description"
                + " | ResearchStudy.objective.name",
            "Full text over the study's texts (titles, acronym, summary, detailed description,"
                + " conditions, keywords, interventions, arms, outcome measures), with English stemming:"
                + " every word must occur somewhere.",
            Set.of(),
            false,
            List.of()));

    // Location.
    core(
        "Location",
        "name",
        ParamType.STRING,
        "Location.name | Location.alias",
        STRING,
        "The site's name.");
    core(
        "Location",
        "address",
        ParamType.STRING,
        "Location.address",
        STRING,
        "Any part of the address (city, state, postal code, country).");
    core(
        "Location", "address-city", ParamType.STRING, "Location.address.city", STRING, "The city.");
    core(
        "Location",
        "address-state",
        ParamType.STRING,
        "Location.address.state",
        STRING,
        "The state or region.");
    core(
        "Location",
        "address-postalcode",
        ParamType.STRING,
        "Location.address.postalCode",
        STRING,
        "The postal code.");
    core(
        "Location",
        "address-country",
        ParamType.STRING,
        "Location.address.country",
        STRING,
        "The country (as the registry names it).");
    core(
        "Location",
        "near",
        ParamType.SPECIAL,
        "Location.position",
        ONLY_MISSING,
        "Locations within a distance of a point: latitude|longitude|distance|unit (WGS84; unit km"
            + " or [mi_i], default km; distance default 50 km); geodesic distance, returned in the"
            + " location-distance extension.");
    common("Location");

    // Organization.
    core(
        "Organization",
        "name",
        ParamType.STRING,
        "Organization.name | Organization.alias",
        STRING,
        "The organisation's name.");
    core(
        "Organization",
        "type",
        ParamType.TOKEN,
        "Organization.type",
        CONCEPT,
        "The registry's agency class ("
            + Canonical.codeSystem(CtgovVocabulary.AGENCY_CLASS.id())
            + ": NIH, FED, INDUSTRY, ...).");
    common("Organization");

    // Practitioner.
    core(
        "Practitioner",
        "name",
        ParamType.STRING,
        "Practitioner.name",
        STRING,
        "Any part of the person's name.");
    common("Practitioner");

    // Group.
    core(
        "Group",
        "actual",
        ParamType.TOKEN,
        "Group.actual",
        CODE,
        "true for a list of members; eligibility Groups are false.");
    core("Group", "type", ParamType.TOKEN, "Group.type", CODE, "The kind of members: person.");
    core(
        "Group",
        "characteristic",
        ParamType.TOKEN,
        "Group.characteristic.code",
        CONCEPT,
        "The kind of an eligibility characteristic ("
            + LocalCode.ELIGIBILITY_CHARACTERISTIC.system()
            + ": age, sex, ...).");
    core(
        "Group",
        "exclude",
        ParamType.TOKEN,
        "Group.characteristic.exclude",
        CODE,
        "true when a characteristic excludes (the exclusion criteria).");
    common("Group");

    // PlanDefinition.
    core(
        "PlanDefinition",
        "status",
        ParamType.TOKEN,
        "PlanDefinition.status",
        CODE,
        "active for arms of open or planned studies, retired for ended ones.");
    core(
        "PlanDefinition",
        "title",
        ParamType.STRING,
        "PlanDefinition.title",
        STRING,
        "The arm's label.");
    core(
        "PlanDefinition",
        "type",
        ParamType.TOKEN,
        "PlanDefinition.type",
        CONCEPT,
        "clinical-protocol for every arm.");
    common("PlanDefinition");
  }

  private static final Map<String, List<String>> SORT_KEYS =
      Map.of(
          "ResearchStudy", List.of("_id", "_lastUpdated", "date", "title", "near"),
          "Location", List.of("_id", "_lastUpdated", "name", "near"),
          "Organization", List.of("_id", "_lastUpdated", "name"),
          "Practitioner", List.of("_id", "_lastUpdated", "name"),
          "Group", List.of("_id", "_lastUpdated"),
          "PlanDefinition", List.of("_id", "_lastUpdated", "title"));

  private static final List<IncludeSpec> INCLUDES =
      List.of(
          new IncludeSpec("ResearchStudy", "site", "Location"),
          new IncludeSpec("ResearchStudy", "sponsor", "Organization"),
          new IncludeSpec("ResearchStudy", "enrollment", "Group"),
          new IncludeSpec("ResearchStudy", "protocol", "PlanDefinition"),
          new IncludeSpec("ResearchStudy", "principalinvestigator", "Practitioner"));

  private static final List<IncludeSpec> REV_INCLUDES =
      List.of(new IncludeSpec("ResearchStudy", "site", "Location"));

  private SearchParameters() {}

  private static void core(
      String base,
      String code,
      ParamType type,
      String expression,
      Set<Modifier> modifiers,
      String description) {
    add(
        new SearchParam(
            code,
            base,
            type,
            CORE + base + "-" + code,
            expression,
            description,
            modifiers,
            false,
            List.of()));
  }

  private static void reference(
      String base, String code, String expression, List<String> targets, String description) {
    add(
        new SearchParam(
            code,
            base,
            ParamType.REFERENCE,
            CORE + base + "-" + code,
            expression,
            description + " Values: Type/id, id, or an absolute URL ending in Type/id.",
            ONLY_MISSING,
            false,
            targets));
  }

  private static void custom(
      String base,
      String code,
      ParamType type,
      String expression,
      Set<Modifier> modifiers,
      String description) {
    add(
        new SearchParam(
            code,
            base,
            type,
            Canonical.searchParameter(code),
            expression,
            description,
            modifiers,
            true,
            List.of()));
  }

  private static void common(String base) {
    add(
        new SearchParam(
            "_id",
            base,
            ParamType.TOKEN,
            CORE + "Resource-id",
            base + ".id",
            "The logical id of the resource.",
            CODE,
            false,
            List.of()));
    add(
        new SearchParam(
            "_lastUpdated",
            base,
            ParamType.DATE,
            CORE + "Resource-lastUpdated",
            base + ".meta.lastUpdated",
            "When the resource last changed: the record's last-update-posted date.",
            ONLY_MISSING,
            false,
            List.of()));
  }

  private static void add(SearchParam param) {
    BY_TYPE.get(param.base()).put(param.code(), param);
  }

  /** True when the type can be searched. */
  public static boolean isSearchable(String resourceType) {
    return BY_TYPE.containsKey(resourceType);
  }

  /** The parameters of a type, in registry order; empty for a type that cannot be searched. */
  public static List<SearchParam> forType(String resourceType) {
    Map<String, SearchParam> params = BY_TYPE.get(resourceType);
    return params == null ? List.of() : List.copyOf(params.values());
  }

  /** The parameter {@code code} of a type. */
  public static Optional<SearchParam> find(String resourceType, String code) {
    Map<String, SearchParam> params = BY_TYPE.get(resourceType);
    return params == null ? Optional.empty() : Optional.ofNullable(params.get(code));
  }

  /** Every parameter of every type. */
  public static List<SearchParam> all() {
    List<SearchParam> all = new ArrayList<>();
    BY_TYPE.values().forEach(params -> all.addAll(params.values()));
    return Collections.unmodifiableList(all);
  }

  /**
   * Our own parameters, one per code (a code defined on several types would be listed once per
   * type; today each is on ResearchStudy only).
   */
  public static List<SearchParam> custom() {
    return all().stream().filter(SearchParam::custom).toList();
  }

  /** The {@code _sort} keys a type accepts (each may be prefixed with {@code -}). */
  public static List<String> sortKeys(String resourceType) {
    return SORT_KEYS.getOrDefault(resourceType, List.of());
  }

  /** The {@code _include}s a type supports (searching that type). */
  public static List<IncludeSpec> includes(String resourceType) {
    return INCLUDES.stream().filter(i -> i.sourceType().equals(resourceType)).toList();
  }

  /** The {@code _revinclude}s a type supports (searching the target type). */
  public static List<IncludeSpec> revIncludes(String resourceType) {
    return REV_INCLUDES.stream().filter(i -> i.targetType().equals(resourceType)).toList();
  }

  /** Every distinct parameter definition canonical, in registry order. */
  public static Set<String> definitions() {
    Set<String> urls = new LinkedHashSet<>();
    all().forEach(p -> urls.add(p.definition()));
    return urls;
  }
}
