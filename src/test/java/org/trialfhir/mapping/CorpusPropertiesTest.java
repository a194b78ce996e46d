package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.trialfhir.ctgov.CtgovValues;
import org.trialfhir.ctgov.Study;
import org.trialfhir.testing.SharedData;

/** Properties that must hold for every real record in the shared corpus. */
class CorpusPropertiesTest {

  @TestFactory
  Stream<DynamicTest> everyRecord() {
    return SharedData.perRecord(file -> check(file));
  }

  /**
   * An age in minutes, with UCUM's definitions (a = 365.25 d, mo = a/12), independent of the
   * mapper.
   */
  private static BigDecimal minutes(BigDecimal value, String ucum) {
    long factor =
        switch (ucum) {
          case "a" -> 365L * 24 * 60 + 6 * 60;
          case "mo" -> (365L * 24 * 60 + 6 * 60) / 12;
          case "wk" -> 7L * 24 * 60;
          case "d" -> 24L * 60;
          case "h" -> 60L;
          case "min" -> 1L;
          default -> throw new AssertionError("not a UCUM time unit: " + ucum);
        };
    return value.multiply(BigDecimal.valueOf(factor));
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static void check(Path file) {
    Study study = SharedData.study(file);
    TrialGraph graph = StudyMapper.map(study);
    ResearchStudy rs = graph.researchStudy();
    Study.ProtocolSection p = study.protocolSection();

    // status always follows the crosswalk from overallStatus (never lastKnownStatus)
    assertThat(rs.getStatus()).isEqualTo(StatusCrosswalk.toR4(p.statusModule().overallStatus()));

    // phases
    List<String> phases = p.designModule() == null ? List.of() : list(p.designModule().phases());
    List<String> phaseCodes =
        rs.hasPhase()
            ? rs.getPhase().getCoding().stream()
                .filter(c -> c.getSystem().equals(Canonical.codeSystem("ctgov-phase")))
                .map(Coding::getCode)
                .toList()
            : List.of();
    assertThat(phaseCodes).containsExactlyElementsOf(phases);

    // sites: one reference per record location, each with a Location carrying the geo point
    List<Study.Site> sites =
        p.contactsLocationsModule() == null
            ? List.of()
            : list(p.contactsLocationsModule().locations());
    assertThat(rs.getSite()).hasSize(sites.size());
    Map<String, Location> locations =
        graph.locations().stream()
            .collect(Collectors.toMap(l -> "Location/" + l.getId(), Function.identity()));
    for (int i = 0; i < sites.size(); i++) {
      Location location = locations.get(rs.getSite().get(i).getReference());
      assertThat(location).as("site %d", i).isNotNull();
      Study.GeoPoint geo = sites.get(i).geoPoint();
      if (geo != null && geo.lat() != null) {
        assertThat(location.getPosition().getLatitude())
            .isEqualByComparingTo(BigDecimal.valueOf(geo.lat()));
        assertThat(location.getPosition().getLongitude())
            .isEqualByComparingTo(BigDecimal.valueOf(geo.lon()));
      }
    }

    // arms and interventions
    var arms = p.armsInterventionsModule() == null ? null : p.armsInterventionsModule();
    assertThat(rs.getArm()).hasSize(arms == null ? 0 : list(arms.armGroups()).size());
    List<Study.Intervention> interventions = arms == null ? List.of() : list(arms.interventions());
    long interventionFocus = rs.getFocus().stream().filter(f -> f.hasText()).count();
    assertThat(interventionFocus)
        .isEqualTo(
            interventions.stream().filter(i -> i.name() != null && !i.name().isEmpty()).count());
    long actions =
        graph.plans().stream()
            .flatMap(plan -> plan.getAction().stream())
            .map(a -> a.getTitle())
            .distinct()
            .count();
    assertThat(actions)
        .isEqualTo(interventions.stream().map(Study.Intervention::name).distinct().count());

    // outcomes
    var outcomes = p.outcomesModule();
    int outcomeCount =
        outcomes == null
            ? 0
            : list(outcomes.primaryOutcomes()).size()
                + list(outcomes.secondaryOutcomes()).size()
                + list(outcomes.otherOutcomes()).size();
    assertThat(rs.getObjective()).hasSize(outcomeCount);

    // conditions: one concept with the record's text per condition
    List<String> conditions =
        p.conditionsModule() == null ? List.of() : list(p.conditionsModule().conditions());
    assertThat(
            rs.getCondition().stream()
                .filter(CodeableConcept::hasText)
                .map(CodeableConcept::getText))
        .containsExactlyElementsOf(conditions);

    // age bounds equal the record's
    Group group = graph.eligibility();
    var eligibility = p.eligibilityModule();
    Range age =
        group.getCharacteristic().stream()
            .filter(c -> c.getCode().getCodingFirstRep().getCode().equals("age"))
            .map(c -> c.getValueRange())
            .findFirst()
            .orElse(null);
    CtgovValues.Age min =
        eligibility == null ? null : CtgovValues.parseAge(eligibility.minimumAge());
    CtgovValues.Age max =
        eligibility == null ? null : CtgovValues.parseAge(eligibility.maximumAge());
    if (min == null && max == null) {
      assertThat(age).isNull();
    } else {
      assertThat(age.hasLow()).isEqualTo(min != null);
      assertThat(age.hasHigh()).isEqualTo(max != null);
      if (min != null) {
        assertThat(minutes(age.getLow().getValue(), age.getLow().getCode()))
            .isEqualByComparingTo(minutes(min.value(), min.ucum()));
      }
      if (max != null) {
        assertThat(minutes(age.getHigh().getValue(), age.getHigh().getCode()))
            .isEqualByComparingTo(minutes(max.value(), max.ucum()));
      }
      if (min != null && max != null) {
        assertThat(age.getLow().getCode()).isEqualTo(age.getHigh().getCode());
      }
    }

    // nothing contained; every reference in the study resolves inside the graph
    assertThat(rs.getContained()).isEmpty();
    var ids =
        graph.resources().stream()
            .map(r -> r.fhirType() + "/" + r.getIdPart())
            .collect(Collectors.toSet());
    rs.getSite().forEach(ref -> assertThat(ids).contains(ref.getReference()));
    rs.getProtocol().forEach(ref -> assertThat(ids).contains(ref.getReference()));
    rs.getEnrollment().forEach(ref -> assertThat(ids).contains(ref.getReference()));
    if (rs.hasSponsor()) {
      assertThat(ids).contains(rs.getSponsor().getReference());
    }
    if (rs.hasPrincipalInvestigator()) {
      assertThat(ids).contains(rs.getPrincipalInvestigator().getReference());
    }
  }
}
