package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.trialfhir.search.Modifier;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchParameters;

/**
 * Every search parameter of every type, with every modifier it accepts, over the whole corpus: one
 * query that must find an anchor resource and one that must not. Each query is ANDed with {@code
 * _id=<anchor>}, so "finds" means a total of 1 and "does not find" a total of 0 (a parameter the
 * server ignored would give 1 for both). {@link #everyParameterAndModifierHasACase()} fails when a
 * parameter or modifier is added to the registry without a case here.
 *
 * <p>Anchors are real records: NCT03671044 (a recruiting phase 3 breast cancer trial for women,
 * sites in the US and India), its sites, sponsor, official, eligibility Group and arms.
 */
class SearchParametersIT {
  static final String X = "NCT03671044";
  static final String COLUMBUS = "loc-351bb5c1fe270de5";
  static final String JINA = "org-7e015833914b5bc6";
  static final String INTAS = "org-1c3fcf15e4f59453";
  static final String OFFICIAL = "NCT03671044-person-ef208efe89";
  static final String ELIGIBILITY = "NCT03671044-eligibility";
  static final String ARM = "NCT03671044-arm-1";
  static final String MESH = "https://www.nlm.nih.gov/mesh";
  static final String ISO = "urn:iso:std:iso:3166";
  static final String CS = "http://trialfhir.org/fhir/CodeSystem/";

  static CorpusServer corpus;
  static final List<Case> CASES = new ArrayList<>();

  /**
   * A parameter that must find resource {@code id} with {@code match} and not with {@code noMatch}.
   */
  record Case(String type, String id, String match, String noMatch) {
    String parameter() {
      return match.substring(0, match.indexOf('=')).split(":")[0];
    }

    Modifier modifier() {
      String name = match.substring(0, match.indexOf('='));
      int colon = name.indexOf(':');
      return colon < 0 ? Modifier.NONE : Modifier.fromCode(name.substring(colon + 1));
    }

    String key() {
      return type
          + "."
          + parameter()
          + (modifier() == Modifier.NONE ? "" : ":" + modifier().code());
    }
  }

  static void c(String type, String id, String match, String noMatch) {
    CASES.add(new Case(type, id, match, noMatch));
  }

  @BeforeAll
  static void cases() {
    corpus = CorpusServer.get();
    // A study with a principal investigator, and its arm, site: for references X lacks or must not
    // match.
    Bundle withPi = corpus.search("ResearchStudy?principalinvestigator:missing=false&_count=1");
    ResearchStudy y = (ResearchStudy) withPi.getEntryFirstRep().getResource();
    String pi = y.getPrincipalInvestigator().getReference();
    String otherArm = y.getProtocolFirstRep().getReference();
    String otherSite = y.getSiteFirstRep().getReference();
    // An eligibility Group without an excluding characteristic.
    Bundle noExclusion = corpus.search("Group?exclude:not=true&_count=1");
    Group g2 = (Group) noExclusion.getEntryFirstRep().getResource();

    String rs = "ResearchStudy";
    c(rs, X, "_id=" + X, "_id=NCT00000000");
    c(rs, X, "_id:missing=false", "_id:missing=true");
    c(rs, X, "_id:not=NCT00000000", "_id:not=" + X);
    c(rs, X, "_lastUpdated=2025-03-21", "_lastUpdated=2025-03-22");
    c(rs, X, "_lastUpdated:missing=false", "_lastUpdated:missing=true");
    c(rs, X, "_content=nanosomal", "_content=hepatitis");
    c(
        rs,
        X,
        "category=" + CS + "ctgov-allocation|RANDOMIZED",
        "category=" + CS + "ctgov-allocation|NON_RANDOMIZED");
    c(rs, X, "category:text=randomized", "category:text=crossover");
    c(
        rs,
        X,
        "category:not=" + CS + "ctgov-allocation|NON_RANDOMIZED",
        "category:not=" + CS + "ctgov-allocation|RANDOMIZED");
    c(rs, X, "category:missing=false", "category:missing=true");
    c(rs, X, "date=lt2019-01-01", "date=lt2018-01-01");
    c(rs, X, "date:missing=false", "date:missing=true");
    c(rs, X, "focus=D000077143", "focus=D007328");
    c(rs, X, "focus:text=docetaxel", "focus:text=insulin");
    c(rs, X, "focus:not=D007328", "focus:not=D000077143");
    c(rs, X, "focus:missing=false", "focus:missing=true");
    c(
        rs,
        X,
        "identifier=https://clinicaltrials.gov|" + X,
        "identifier=https://clinicaltrials.gov|NCT03671045");
    c(
        rs,
        X,
        "identifier:not=https://clinicaltrials.gov|NCT03671045",
        "identifier:not=https://clinicaltrials.gov|" + X);
    c(rs, X, "identifier:missing=false", "identifier:missing=true");
    c(rs, X, "keyword:text=docetaxel", "keyword:text=insulin");
    c(rs, X, "keyword:missing=false", "keyword:missing=true");
    c(rs, X, "location=" + ISO + "|IN", "location=" + ISO + "|FR");
    c(rs, X, "location:text=india", "location:text=france");
    c(rs, X, "location:not=" + ISO + "|FR", "location:not=" + ISO + "|US");
    c(rs, X, "location:missing=false", "location:missing=true");
    c(rs, X, "partof:missing=true", "partof:missing=false");
    c(
        rs,
        y.getIdPart(),
        "principalinvestigator=" + pi,
        "principalinvestigator=Practitioner/" + OFFICIAL);
    c(rs, X, "principalinvestigator:missing=true", "principalinvestigator:missing=false");
    c(rs, X, "protocol=PlanDefinition/" + ARM, "protocol=" + otherArm);
    c(rs, X, "protocol:missing=false", "protocol:missing=true");
    c(rs, X, "site=Location/" + COLUMBUS, "site=" + otherSite);
    c(rs, X, "site:missing=false", "site:missing=true");
    c(rs, X, "sponsor=Organization/" + JINA, "sponsor=Organization/" + INTAS);
    c(rs, X, "sponsor:missing=false", "sponsor:missing=true");
    c(rs, X, "status=active", "status=completed");
    c(rs, X, "status:not=completed", "status:not=active");
    c(rs, X, "status:missing=false", "status:missing=true");
    c(rs, X, "title=a study to evaluate the efficacy", "title=efficacy");
    c(
        rs,
        X,
        "title:exact=A Study to Evaluate the Efficacy and Safety of Nanosomal Docetaxel Lipid"
            + " Suspension in Triple Negative Breast Cancer Patients",
        "title:exact=a study to evaluate the efficacy and safety of nanosomal docetaxel lipid"
            + " suspension in triple negative breast cancer patients");
    c(rs, X, "title:contains=NANOSOMAL docetaxel", "title:contains=aspirin");
    c(rs, X, "title:missing=false", "title:missing=true");
    c(rs, X, "condition=D064726", "condition=D003920");
    c(rs, X, "condition=" + MESH + "|D001943", "condition=http://snomed.info/sct|D001943");
    c(rs, X, "condition:below=D001941", "condition:below=D003920");
    c(rs, X, "condition:text=breast cancers", "condition:text=diabetes");
    c(rs, X, "condition:not=D003920", "condition:not=D064726");
    c(rs, X, "condition:missing=false", "condition:missing=true");
    c(rs, X, "phase=phase-3", "phase=phase-2");
    c(rs, X, "phase=" + CS + "ctgov-phase|PHASE3", "phase=" + CS + "ctgov-phase|PHASE2");
    c(rs, X, "phase:text=phase 3", "phase:text=phase 2");
    c(rs, X, "phase:not=phase-2", "phase:not=phase-3");
    c(rs, X, "phase:missing=false", "phase:missing=true");
    c(rs, X, "study-type=INTERVENTIONAL", "study-type=OBSERVATIONAL");
    c(rs, X, "study-type:not=OBSERVATIONAL", "study-type:not=INTERVENTIONAL");
    c(rs, X, "study-type:missing=false", "study-type:missing=true");
    c(rs, X, "ctgov-status=RECRUITING", "ctgov-status=COMPLETED");
    c(rs, X, "ctgov-status:not=COMPLETED", "ctgov-status:not=RECRUITING");
    c(rs, X, "ctgov-status:missing=false", "ctgov-status:missing=true");
    c(rs, X, "intervention=D000077143", "intervention=D007328");
    c(rs, X, "intervention:text=docetaxel", "intervention:text=insulin");
    c(rs, X, "intervention:not=D007328", "intervention:not=D000077143");
    c(rs, X, "intervention:missing=false", "intervention:missing=true");
    c(rs, X, "eligible-age=40", "eligible-age=70");
    c(rs, X, "eligible-age:missing=false", "eligible-age:missing=true");
    c(rs, X, "eligible-sex=female", "eligible-sex=male");
    c(rs, X, "eligible-sex:not=male", "eligible-sex:not=female");
    c(rs, X, "eligible-sex:missing=false", "eligible-sex:missing=true");
    c(rs, X, "healthy-volunteers=false", "healthy-volunteers=true");
    c(rs, X, "healthy-volunteers:not=true", "healthy-volunteers:not=false");
    c(rs, X, "healthy-volunteers:missing=false", "healthy-volunteers:missing=true");
    c(rs, X, "near=32.46|-84.99|10|km", "near=42.36|-71.06|50|km");
    c(rs, X, "near:missing=false", "near:missing=true");
    c(rs, X, "site-status=RECRUITING", "site-status=COMPLETED");
    c(rs, X, "site-status:not=COMPLETED", "site-status:not=RECRUITING");
    c(rs, X, "site-status:missing=false", "site-status:missing=true");

    String loc = "Location";
    c(loc, COLUMBUS, "_id=" + COLUMBUS, "_id=loc-0000000000000000");
    c(loc, COLUMBUS, "_id:missing=false", "_id:missing=true");
    c(loc, COLUMBUS, "_id:not=loc-0000000000000000", "_id:not=" + COLUMBUS);
    c(loc, COLUMBUS, "_lastUpdated=gt2000-01-01", "_lastUpdated=lt2000-01-01");
    c(loc, COLUMBUS, "_lastUpdated:missing=false", "_lastUpdated:missing=true");
    strings(
        loc,
        COLUMBUS,
        "name",
        "columbus",
        "cox",
        "Columbus Regional Research Institute, LLC",
        "regional research",
        "hospital");
    strings(loc, COLUMBUS, "address", "georgia", "ohio", "Columbus", "3190", "4471");
    strings(loc, COLUMBUS, "address-city", "colum", "canton", "Columbus", "lumbu", "anto");
    strings(loc, COLUMBUS, "address-state", "geo", "ohio", "Georgia", "orgi", "hi");
    strings(loc, COLUMBUS, "address-postalcode", "319", "447", "31904", "190", "718");
    strings(loc, COLUMBUS, "address-country", "united", "india", "United States", "states", "indi");
    c(loc, COLUMBUS, "near=32.46098|-84.98771|1|km", "near=37.21533|-93.29824|50|km");
    c(loc, COLUMBUS, "near:missing=false", "near:missing=true");

    String org = "Organization";
    c(org, JINA, "_id=" + JINA, "_id=" + INTAS);
    c(org, JINA, "_id:missing=false", "_id:missing=true");
    c(org, JINA, "_id:not=" + INTAS, "_id:not=" + JINA);
    c(org, JINA, "_lastUpdated:missing=false", "_lastUpdated:missing=true");
    lastUpdated(org, JINA);
    strings(
        org, JINA, "name", "jina", "intas", "Jina Pharmaceuticals Inc.", "pharmaceut", "universit");
    c(
        org,
        JINA,
        "type=" + CS + "ctgov-agency-class|INDUSTRY",
        "type=" + CS + "ctgov-agency-class|NIH");
    c(org, JINA, "type:text=industry", "type:text=federal");
    c(org, JINA, "type:not=NIH", "type:not=INDUSTRY");
    c(org, JINA, "type:missing=false", "type:missing=true");

    String pr = "Practitioner";
    c(pr, OFFICIAL, "_id=" + OFFICIAL, "_id=" + OFFICIAL + "0");
    c(pr, OFFICIAL, "_id:missing=false", "_id:missing=true");
    c(pr, OFFICIAL, "_id:not=" + OFFICIAL + "0", "_id:not=" + OFFICIAL);
    c(pr, OFFICIAL, "_lastUpdated:missing=false", "_lastUpdated:missing=true");
    lastUpdated(pr, OFFICIAL);
    strings(
        pr, OFFICIAL, "name", "dr. ravi", "smith", "Dr. Ravi Alamchandani", "alamchand", "johnson");

    String gr = "Group";
    c(gr, ELIGIBILITY, "_id=" + ELIGIBILITY, "_id=" + g2.getIdPart());
    c(gr, ELIGIBILITY, "_id:missing=false", "_id:missing=true");
    c(gr, ELIGIBILITY, "_id:not=" + g2.getIdPart(), "_id:not=" + ELIGIBILITY);
    c(gr, ELIGIBILITY, "_lastUpdated=2025-03-21", "_lastUpdated=2025-03-20");
    c(gr, ELIGIBILITY, "_lastUpdated:missing=false", "_lastUpdated:missing=true");
    c(gr, ELIGIBILITY, "actual=false", "actual=true");
    c(gr, ELIGIBILITY, "actual:not=true", "actual:not=false");
    c(gr, ELIGIBILITY, "actual:missing=false", "actual:missing=true");
    c(gr, ELIGIBILITY, "type=person", "type=animal");
    c(gr, ELIGIBILITY, "type:not=animal", "type:not=person");
    c(gr, ELIGIBILITY, "type:missing=false", "type:missing=true");
    c(gr, ELIGIBILITY, "characteristic=sex", "characteristic=bmi");
    c(gr, ELIGIBILITY, "characteristic:not=bmi", "characteristic:not=sex");
    c(gr, ELIGIBILITY, "characteristic:missing=false", "characteristic:missing=true");
    c(
        gr,
        ELIGIBILITY,
        "characteristic:text=" + characteristicText(ELIGIBILITY, "sex"),
        "characteristic:text=body mass");
    c(gr, g2.getIdPart(), "exclude=false", "exclude=true");
    c(gr, g2.getIdPart(), "exclude:not=true", "exclude:not=false");
    c(gr, ELIGIBILITY, "exclude:missing=false", "exclude:missing=true");

    String pd = "PlanDefinition";
    c(pd, ARM, "_id=" + ARM, "_id=NCT03671044-arm-2");
    c(pd, ARM, "_id:missing=false", "_id:missing=true");
    c(pd, ARM, "_id:not=NCT03671044-arm-2", "_id:not=" + ARM);
    c(pd, ARM, "_lastUpdated=2025-03-21", "_lastUpdated=2025-03-20");
    c(pd, ARM, "_lastUpdated:missing=false", "_lastUpdated:missing=true");
    c(pd, ARM, "status=active", "status=retired");
    c(pd, ARM, "status:not=retired", "status:not=active");
    c(pd, ARM, "status:missing=false", "status:missing=true");
    strings(
        pd,
        ARM,
        "title",
        "nanosomal",
        "t2",
        "Nanosomal Docetaxel Lipid Suspension - 75 mg/m2",
        "75 mg",
        "100 mg");
    String protocolType = "http://terminology.hl7.org/CodeSystem/plan-definition-type|";
    c(pd, ARM, "type=" + protocolType + "clinical-protocol", "type=" + protocolType + "order-set");
    c(pd, ARM, "type:text=clinical protocol", "type:text=order set");
    c(pd, ARM, "type:not=order-set", "type:not=clinical-protocol");
    c(pd, ARM, "type:missing=false", "type:missing=true");
  }

  /** The five cases of a string parameter: prefix, :exact, :contains and :missing. */
  static void strings(
      String type,
      String id,
      String code,
      String prefix,
      String otherPrefix,
      String exact,
      String contained,
      String notContained) {
    c(type, id, code + "=" + prefix, code + "=" + otherPrefix);
    // A comma separates alternatives; one inside a value is escaped.
    String escaped = exact.replace(",", "\\,");
    c(
        type,
        id,
        code + ":exact=" + escaped,
        code + ":exact=" + escaped.toUpperCase(java.util.Locale.ROOT) + "X");
    c(type, id, code + ":contains=" + contained, code + ":contains=" + notContained);
    c(type, id, code + ":missing=false", code + ":missing=true");
  }

  /**
   * _lastUpdated on a resource whose date comes from the corpus: the day it has, and a day before
   * any.
   */
  static void lastUpdated(String type, String id) {
    Resource resource = (Resource) corpus.client().read().resource(type).withId(id).execute();
    String day =
        new java.text.SimpleDateFormat("yyyy-MM-dd").format(resource.getMeta().getLastUpdated());
    c(type, id, "_lastUpdated=ge" + day, "_lastUpdated=lt1999-01-01");
  }

  static String characteristicText(String groupId, String code) {
    Group group = corpus.client().read().resource(Group.class).withId(groupId).execute();
    return group.getCharacteristic().stream()
        .filter(
            c -> c.getCode().getCoding().stream().anyMatch(coding -> code.equals(coding.getCode())))
        .map(c -> c.getCode().getCodingFirstRep().getDisplay())
        .findFirst()
        .orElseThrow();
  }

  static String encode(String query) {
    StringBuilder out = new StringBuilder();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(pair, 0, eq + 1)
          .append(URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  static int total(Case c, String query) {
    return corpus.count(c.type() + "?" + encode(query + "&_id=" + c.id()));
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesAndDoesNotMatch() {
    return CASES.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.type() + "?" + c.match() + " | " + c.noMatch(),
                    () -> {
                      assertThat(total(c, c.match()))
                          .as(c.type() + "?" + c.match() + " finds " + c.id())
                          .isEqualTo(1);
                      assertThat(total(c, c.noMatch()))
                          .as(c.type() + "?" + c.noMatch() + " does not find " + c.id())
                          .isZero();
                    }));
  }

  @Test
  void everyParameterAndModifierHasACase() {
    Set<String> registry = new TreeSet<>();
    for (String type : SearchParameters.TYPES) {
      for (SearchParam param : SearchParameters.forType(type)) {
        registry.add(type + "." + param.code());
        for (Modifier modifier : param.modifiers()) {
          registry.add(type + "." + param.code() + ":" + modifier.code());
        }
      }
    }
    Set<String> covered = new TreeSet<>();
    CASES.forEach(c -> covered.add(c.key()));
    // No record has partOf, and keywords carry no codes: nothing can match these plainly, and
    // keyword:not matches every study. Checked on their own below.
    registry.removeAll(
        Set.of("ResearchStudy.partof", "ResearchStudy.keyword", "ResearchStudy.keyword:not"));
    assertThat(covered).containsAll(registry);
  }

  @Test
  void parametersThatCannotMatchInThisCorpusFindNothing() {
    assertThat(corpus.count("ResearchStudy?partof=ResearchStudy/" + X)).isZero();
    assertThat(corpus.count("ResearchStudy?keyword=Docetaxel")).isZero();
    assertThat(corpus.count("ResearchStudy?keyword:not=Docetaxel")).isEqualTo((int) corpus.studies);
  }
}
