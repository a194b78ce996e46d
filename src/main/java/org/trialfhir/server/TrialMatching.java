package org.trialfhir.server;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.matching.Concept;
import org.trialfhir.matching.EligibilityModel;
import org.trialfhir.matching.MatchResult;
import org.trialfhir.matching.Matcher;
import org.trialfhir.matching.PatientData;
import org.trialfhir.matching.Terminology;
import org.trialfhir.search.InvalidSearchException;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.store.Geo;

/**
 * Matches one patient to the studies of the index, for {@code ResearchStudy/$match} and the CDS
 * Hooks service: finds candidates with the search engine (the patient's active conditions as MeSH
 * codes through the concept table, else as text; the patient's age and sex; the filters), then
 * evaluates every candidate's eligibility criteria and orders them by score. Thread-safe.
 */
final class TrialMatching {
  /** Studies returned when the request does not say. */
  static final int DEFAULT_COUNT = 20;

  /** The most studies one request may ask for. */
  static final int MAX_COUNT = 100;

  /** Candidates fetched per search (one by MeSH codes, one by condition texts). */
  private static final int CANDIDATES_PER_SEARCH = 200;

  /** Characters in one search value at most (the engine's limit is 1,000). */
  private static final int MAX_VALUE_LENGTH = 900;

  /** Full-text condition searches at most. */
  private static final int MAX_TEXT_SEARCHES = 3;

  /** Alternatives in one search value at most (the engine's limit). */
  private static final int MAX_TEXTS = org.trialfhir.search.QueryParser.MAX_VALUES;

  /** Eligibility models kept parsed (per index version). */
  private static final int MODEL_CACHE = 4096;

  private static final Set<String> ACTIVE = Set.of("active", "recurrence", "relapse");
  private static final Set<String> NOT_TRUE = Set.of("refuted", "entered-in-error");

  /** Synthea-style SNOMED CT semantic tags of a condition's text that are not diseases. */
  private static final Set<String> NOT_A_DISEASE =
      Set.of("finding", "situation", "procedure", "regime/therapy", "observable entity");

  private static final String GEOLOCATION = "http://hl7.org/fhir/StructureDefinition/geolocation";

  private final SearchBackend backend;
  private final Matcher matcher = Matcher.standard();
  private final Terminology terminology = Terminology.standard();
  private final Map<String, EligibilityModel> models =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EligibilityModel> eldest) {
          return size() > MODEL_CACHE;
        }
      };
  private String modelsVersion = "";
  private final Map<String, List<Concept>> narrower = new HashMap<>();

  TrialMatching(SearchBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    for (Concept concept : terminology.concepts()) {
      for (String broader : concept.broader()) {
        narrower.computeIfAbsent(broader, k -> new ArrayList<>()).add(concept);
      }
    }
  }

  /**
   * The filters of a match request.
   *
   * @param statuses R4 ResearchStudy.status codes, any of which counts (never empty)
   * @param near {@code latitude|longitude|distance|unit} as the {@code near} search parameter takes
   *     it, or null
   * @param phases research-study-phase codes, any of which counts (empty: any phase)
   * @param studyTypes registry study types, any of which counts (empty: any type)
   * @param count the most studies to return, 1 to {@link #MAX_COUNT}
   */
  record Filters(
      List<String> statuses, String near, List<String> phases, List<String> studyTypes, int count) {
    Filters {
      statuses = List.copyOf(statuses);
      phases = List.copyOf(phases);
      studyTypes = List.copyOf(studyTypes);
      if (statuses.isEmpty()) {
        throw new IllegalArgumentException("at least one status");
      }
    }

    /** Active studies of any phase and type anywhere, the first 20. */
    static Filters defaults() {
      return new Filters(List.of("active"), null, List.of(), List.of(), DEFAULT_COUNT);
    }
  }

  /** One study with its verdict. */
  record StudyMatch(ResearchStudy study, MatchResult result) {}

  /**
   * The best-scoring candidate studies for the patient, best first (score, then verdict, then NCT
   * id).
   *
   * @throws InvalidSearchException when a filter cannot be applied (names the parameter)
   */
  List<StudyMatch> match(
      PatientData patient, List<Resource> resources, Filters filters, LocalDate today) {
    Map<String, String[]> common = new HashMap<>();
    common.put("status", new String[] {String.join(",", filters.statuses())});
    if (filters.near() != null) {
      common.put("near", new String[] {filters.near()});
    }
    if (!filters.phases().isEmpty()) {
      common.put("phase", new String[] {String.join(",", filters.phases())});
    }
    if (!filters.studyTypes().isEmpty()) {
      common.put("study-type", new String[] {String.join(",", filters.studyTypes())});
    }
    AdministrativeGender gender = patient.gender();
    if (gender == AdministrativeGender.MALE || gender == AdministrativeGender.FEMALE) {
      common.put("eligible-sex", new String[] {gender.toCode()});
    }
    common.put("_count", new String[] {Integer.toString(CANDIDATES_PER_SEARCH)});
    common.put("_total", new String[] {"none"});

    // Studies whose record gives no age range take any age: search them too.
    List<Map<String, String[]>> ages = new ArrayList<>();
    Optional<LocalDate> birth = patient.birthDate();
    if (birth.isPresent()) {
      String age = Integer.toString(Period.between(birth.get(), today).getYears());
      ages.add(Map.of("eligible-age", new String[] {age}));
      ages.add(Map.of("eligible-age:missing", new String[] {"true"}));
    } else {
      ages.add(Map.of());
    }

    ConditionTerms terms = conditionTerms(resources);
    List<Map<String, String[]>> conditions = new ArrayList<>();
    if (!terms.meshCodes().isEmpty()) {
      conditions.add(Map.of("condition", new String[] {String.join(",", terms.meshCodes())}));
    }
    for (String value : textValues(terms.texts())) {
      conditions.add(Map.of("condition:text", new String[] {value}));
    }
    if (conditions.isEmpty()) {
      conditions.add(Map.of());
    }
    List<Map<String, String[]>> searches = new ArrayList<>();
    for (Map<String, String[]> condition : conditions) {
      for (Map<String, String[]> age : ages) {
        Map<String, String[]> parameters = new HashMap<>(common);
        parameters.putAll(condition);
        parameters.putAll(age);
        searches.add(parameters);
      }
    }

    // Candidates are found by id alone; a study and its Group are read only when their eligibility
    // model is not cached yet, and the studies returned are read at the end.
    Set<String> candidates = new LinkedHashSet<>();
    for (Map<String, String[]> parameters : searches) {
      SearchQuery query = backend.parse("ResearchStudy", parameters, false).query();
      candidates.addAll(backend.store().matchIds(query));
    }

    record Scored(String id, MatchResult result) {}
    Map<String, ResearchStudy> read = new HashMap<>();
    List<Scored> scored = new ArrayList<>();
    for (String id : candidates) {
      EligibilityModel model = model(id, read);
      if (model != null) {
        scored.add(new Scored(id, matcher.evaluate(patient, model, today)));
      }
    }
    scored.sort(
        Comparator.comparingDouble((Scored m) -> -m.result().score())
            .thenComparing(m -> -m.result().verdict().rank())
            .thenComparing(Scored::id));
    List<StudyMatch> matches = new ArrayList<>();
    for (Scored best : scored) {
      if (matches.size() == filters.count()) {
        break;
      }
      ResearchStudy study = read.computeIfAbsent(best.id(), this::study);
      if (study != null) {
        matches.add(new StudyMatch(study, best.result()));
      }
    }
    return List.copyOf(matches);
  }

  private ResearchStudy study(String id) {
    return backend
        .store()
        .read("ResearchStudy", id)
        .map(r -> r instanceof ResearchStudy s ? s : null)
        .orElse(null);
  }

  /**
   * The eligibility model of a study, from the cache or built from the study and its Group (the
   * study read is left in {@code read}); null when the index has no such study or Group.
   */
  private EligibilityModel model(String id, Map<String, ResearchStudy> read) {
    String version = backend.store().version();
    synchronized (models) {
      if (!version.equals(modelsVersion)) {
        models.clear();
        modelsVersion = version;
      }
      EligibilityModel cached = models.get(id);
      if (cached != null) {
        return cached;
      }
    }
    ResearchStudy study = read.computeIfAbsent(id, this::study);
    if (study == null || !study.hasEnrollment()) {
      return null;
    }
    IdType groupId = new IdType(study.getEnrollmentFirstRep().getReference());
    Group group =
        backend
            .store()
            .read("Group", groupId.getIdPart())
            .map(r -> r instanceof Group g ? g : null)
            .orElse(null);
    if (group == null) {
      return null;
    }
    EligibilityModel model = EligibilityModel.from(group, study);
    synchronized (models) {
      if (version.equals(modelsVersion)) {
        models.put(id, model);
      }
    }
    return model;
  }

  /**
   * What stands for the patient's active conditions in a search: the MeSH codes of their concepts,
   * and texts (every synonym of those concepts and of the narrower concepts of the table, since a
   * study registered for "AIDS" may take a patient coded with HIV infection; and the text of a
   * disease the table does not know).
   */
  record ConditionTerms(Set<String> meshCodes, Set<String> texts) {}

  ConditionTerms conditionTerms(List<Resource> resources) {
    Set<String> mesh = new LinkedHashSet<>();
    Set<String> texts = new LinkedHashSet<>();
    Set<String> uncoded = new LinkedHashSet<>();
    for (Resource resource : resources) {
      if (!(resource instanceof Condition condition) || !isActive(condition)) {
        continue;
      }
      List<Concept> concepts = new ArrayList<>();
      for (Coding coding : condition.getCode().getCoding()) {
        concepts.addAll(terminology.conceptsOf(coding));
      }
      String text = conditionText(condition);
      if (concepts.isEmpty() && text != null) {
        terminology.conceptNamed(withoutTag(text)).ifPresent(concepts::add);
      }
      for (Concept concept : concepts) {
        mesh.addAll(concept.mesh());
        addSynonyms(concept, texts);
        for (Concept narrower : narrower.getOrDefault(concept.id(), List.of())) {
          mesh.addAll(narrower.mesh());
          addSynonyms(narrower, texts);
        }
      }
      if (concepts.isEmpty() && text != null && isDisease(text)) {
        uncoded.add(withoutTag(text));
      }
    }
    // Uncoded diseases first: the coded ones are also found by their MeSH codes.
    Set<String> limited = new LinkedHashSet<>();
    for (String text : uncoded) {
      if (limited.size() < MAX_TEXTS) {
        limited.add(text);
      }
    }
    for (String text : texts) {
      if (limited.size() < MAX_TEXTS) {
        limited.add(text);
      }
    }
    Set<String> codes = new LinkedHashSet<>();
    for (String code : mesh) {
      if (codes.size() < MAX_TEXTS) {
        codes.add(code);
      }
    }
    return new ConditionTerms(codes, limited);
  }

  /** The texts as OR lists, each value within the engine's length limit. */
  private static List<String> textValues(Set<String> texts) {
    List<String> values = new ArrayList<>();
    StringBuilder value = new StringBuilder();
    for (String text : texts) {
      if (value.length() > 0 && value.length() + 1 + text.length() > MAX_VALUE_LENGTH) {
        values.add(value.toString());
        value.setLength(0);
      }
      if (text.length() <= MAX_VALUE_LENGTH) {
        value.append(value.length() > 0 ? "," : "").append(text);
      }
    }
    if (value.length() > 0) {
      values.add(value.toString());
    }
    return values.subList(0, Math.min(values.size(), MAX_TEXT_SEARCHES));
  }

  private static void addSynonyms(Concept concept, Set<String> texts) {
    String name = withoutTag(concept.name());
    if (!name.isEmpty()) {
      texts.add(name);
    }
    for (String synonym : concept.synonyms()) {
      String words = withoutTag(synonym);
      if (!words.isEmpty()) {
        texts.add(words);
      }
    }
  }

  /** As the matcher reads it: not refuted, and active (no clinical status: not abated). */
  private static boolean isActive(Condition condition) {
    String verification = condition.getVerificationStatus().getCodingFirstRep().getCode();
    if (verification != null && NOT_TRUE.contains(verification)) {
      return false;
    }
    if (!condition.hasClinicalStatus()) {
      return !condition.hasAbatement();
    }
    String clinical = condition.getClinicalStatus().getCodingFirstRep().getCode();
    return clinical != null && ACTIVE.contains(clinical);
  }

  private static String conditionText(Condition condition) {
    if (condition.getCode().hasText()) {
      return condition.getCode().getText();
    }
    return condition.getCode().getCoding().stream()
        .map(Coding::getDisplay)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** "Gingivitis (disorder)" → "Gingivitis"; words only, for a full-text search. */
  private static String withoutTag(String text) {
    return text.replaceAll("\\s*\\([^)]*\\)\\s*$", "").replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  private static boolean isDisease(String text) {
    java.util.regex.Matcher tag =
        java.util.regex.Pattern.compile("\\(([^)]*)\\)\\s*$").matcher(text);
    return !withoutTag(text).isEmpty()
        && !(tag.find() && NOT_A_DISEASE.contains(tag.group(1).toLowerCase(Locale.ROOT)));
  }

  /** A site of a study and its distance in km from the patient (null when either has no point). */
  record Site(Location location, Double distanceKm) {}

  /**
   * The study's site nearest to the patient's home (the {@code geolocation} extension of the first
   * address that has one); without a point on either side, the first site with a name.
   */
  Optional<Site> nearestSite(ResearchStudy study, Patient patient) {
    double[] home = home(patient);
    Site best = null;
    for (Reference reference : study.getSite()) {
      String ref = reference.getReference();
      if (ref == null || !ref.startsWith("Location/")) {
        continue;
      }
      Optional<Resource> read =
          backend.store().read("Location", ref.substring("Location/".length()));
      if (read.isEmpty() || !(read.get() instanceof Location location)) {
        continue;
      }
      Double distance = null;
      if (home != null && location.hasPosition()) {
        distance =
            Geo.distanceKm(
                home[0],
                home[1],
                location.getPosition().getLatitude().doubleValue(),
                location.getPosition().getLongitude().doubleValue());
      }
      if (best == null
          || (distance != null && (best.distanceKm() == null || distance < best.distanceKm()))) {
        best = new Site(location, distance);
      }
    }
    return Optional.ofNullable(best);
  }

  private static double[] home(Patient patient) {
    for (var address : patient.getAddress()) {
      Extension geo = address.getExtensionByUrl(GEOLOCATION);
      if (geo == null) {
        continue;
      }
      Extension lat = geo.getExtensionByUrl("latitude");
      Extension lon = geo.getExtensionByUrl("longitude");
      if (lat != null
          && lon != null
          && lat.getValue() instanceof org.hl7.fhir.r4.model.DecimalType latitude
          && lon.getValue() instanceof org.hl7.fhir.r4.model.DecimalType longitude
          && latitude.getValue() != null
          && longitude.getValue() != null) {
        return new double[] {latitude.getValue().doubleValue(), longitude.getValue().doubleValue()};
      }
    }
    return null;
  }
}
