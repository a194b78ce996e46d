package org.trialfhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.trialfhir.json.FhirJsonEncoder;
import org.trialfhir.mapping.Fhir;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.mapping.TrialGraph;
import org.trialfhir.testing.SharedData;

class StoredJsonTest {
  private static final FhirJsonEncoder ENCODER = new FhirJsonEncoder(Fhir.context());

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What the index stores (the encoder's compact JSON of the mapped resource) is what HAPI writes
   * for the resource the store would otherwise parse from it, so the stored bytes can be served as
   * they are; the unparsed stand-in has that resource's type, id and meta, and its references.
   */
  @TestFactory
  Stream<DynamicTest> storedJsonIsWhatTheParsedResourceIsWrittenAs() {
    return SharedData.perRecord(file -> check(file));
  }

  private static void check(Path file) throws IOException {
    TrialGraph graph = StudyMapper.map(SharedData.study(file));
    IParser hapi = Fhir.context().newJsonParser();
    for (Resource mapped : graph.resources()) {
      byte[] stored = ENCODER.encodeUtf8(mapped);
      String what = mapped.fhirType() + "/" + mapped.getIdPart();
      Resource parsed = (Resource) hapi.parseResource(new String(stored, StandardCharsets.UTF_8));
      assertThat(hapi.encodeResourceToString(parsed))
          .as(what)
          .isEqualTo(new String(stored, StandardCharsets.UTF_8));

      Resource unparsed = StoredJson.unparsed(Fhir.context(), stored);
      assertThat(StoredJson.json(unparsed)).isSameAs(stored);
      assertThat(unparsed.fhirType()).isEqualTo(parsed.fhirType());
      assertThat(unparsed.getIdElement().getValue()).isEqualTo(parsed.getIdElement().getValue());
      assertThat(unparsed.getMeta().equalsDeep(parsed.getMeta())).as(what + " meta").isTrue();
      assertThat(unparsed.getMeta().getLastUpdatedElement().getValueAsString())
          .isEqualTo(parsed.getMeta().getLastUpdatedElement().getValueAsString());
      if (parsed instanceof ResearchStudy study) {
        assertThat(StoredJson.references(stored, "site")).isEqualTo(references(study.getSite()));
        assertThat(StoredJson.references(stored, "sponsor"))
            .isEqualTo(references(study.hasSponsor() ? List.of(study.getSponsor()) : List.of()));
        assertThat(StoredJson.references(stored, "principalInvestigator"))
            .isEqualTo(
                references(
                    study.hasPrincipalInvestigator()
                        ? List.of(study.getPrincipalInvestigator())
                        : List.of()));
        assertThat(StoredJson.references(stored, "enrollment"))
            .isEqualTo(references(study.getEnrollment()));
      }
    }
  }

  private static List<String> references(List<Reference> references) {
    return references.stream().map(Reference::getReference).toList();
  }

  @Test
  void theHeadIsCutOutWhereverItsMembersAre() {
    byte[] json =
        utf8(
            "{\"status\":\"active\",\"meta\":{\"lastUpdated\":\"2025-01-02T03:04:05Z\","
                + "\"profile\":[\"http://x/p\"]},\"site\":[{\"reference\":\"Location/a\"}],"
                + "\"resourceType\":\"ResearchStudy\",\"title\":\"A \\\"quoted\\\" title\","
                + "\"id\":\"NCT1\"}");
    assertThat(new String(StoredJson.head(json), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"meta\":{\"lastUpdated\":\"2025-01-02T03:04:05Z\",\"profile\":[\"http://x/p\"]},"
                + "\"resourceType\":\"ResearchStudy\",\"id\":\"NCT1\"}");
    Resource unparsed = StoredJson.unparsed(Fhir.context(), json);
    assertThat(unparsed).isInstanceOf(ResearchStudy.class);
    assertThat(unparsed.getIdPart()).isEqualTo("NCT1");
    assertThat(((ResearchStudy) unparsed).hasTitle()).isFalse();
    assertThat(StoredJson.references(json, "site")).containsExactly("Location/a");
    assertThat(StoredJson.references(json, "sponsor")).isEmpty();
  }

  @Test
  void theParsedResourceHasEverythingAndTheStoresVersion() {
    byte[] json =
        utf8(
            "{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT1\",\"meta\":{\"lastUpdated\":"
                + "\"2025-01-02T03:04:05Z\"},\"title\":\"T\",\"status\":\"active\"}");
    Resource unparsed = StoredJson.unparsed(Fhir.context(), json);
    unparsed.setUserData(TrialStore.VERSION_USER_DATA, "g7");
    Resource parsed = StoredJson.parsed(Fhir.context(), unparsed);
    assertThat(((ResearchStudy) parsed).getTitle()).isEqualTo("T");
    assertThat(StoredJson.json(parsed)).isNull();
    assertThat(TrialStore.versionOf(parsed)).isEqualTo("g7");
    ResearchStudy already = new ResearchStudy();
    assertThat(StoredJson.parsed(Fhir.context(), already)).isSameAs(already);
    assertThat(StoredJson.json(null)).isNull();
  }

  @Test
  void anIncludedResourceOfKnownTypeAndIdIsNotRead() {
    byte[] json =
        utf8(
            "{\"resourceType\":\"Location\",\"id\":\"loc-1\",\"meta\":{\"lastUpdated\":"
                + "\"2025-01-02T03:04:05Z\"},\"name\":\"Site\"}");
    Resource unparsed = StoredJson.unparsed(Fhir.context(), "Location", "loc-1", json);
    assertThat(unparsed).isInstanceOf(Location.class);
    assertThat(unparsed.getIdElement().getValue()).isEqualTo("Location/loc-1");
    assertThat(StoredJson.json(unparsed)).isSameAs(json);
    assertThat(unparsed.hasMeta()).isFalse();
    Location parsed = (Location) StoredJson.parsed(Fhir.context(), unparsed);
    assertThat(parsed.getName()).isEqualTo("Site");
    assertThat(parsed.getMeta().getLastUpdatedElement().getValueAsString())
        .isEqualTo("2025-01-02T03:04:05Z");
  }

  @Test
  void referencesSkipNestedMembersOfTheSameName() {
    byte[] json =
        utf8(
            "{\"resourceType\":\"ResearchStudy\",\"contained\":[{\"resourceType\":\"Group\","
                + "\"site\":[{\"reference\":\"Location/nested\"}]}],\"site\":[{\"extension\":"
                + "[{\"url\":\"u\",\"valueReference\":{\"reference\":\"Location/ext\"}}],"
                + "\"reference\":\"Location/b\",\"display\":\"B\"},{\"display\":\"no ref\"}]}");
    assertThat(StoredJson.references(json, "site")).containsExactly("Location/b");
  }

  @Test
  void notAResourceIsRefused() {
    assertThatThrownBy(() -> StoredJson.unparsed(Fhir.context(), utf8("[1,2]")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StoredJson.unparsed(Fhir.context(), utf8("{\"id\":")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
