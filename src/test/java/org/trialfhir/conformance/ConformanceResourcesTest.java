package org.trialfhir.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialProfile;
import org.trialfhir.search.SearchParameters;

/**
 * Golden test of {@code profiles/}: the committed files must equal what the enums generate, with no
 * orphans. Run with {@code -Dtrialfhir.update=true} to rewrite the folder, then review the diff.
 */
class ConformanceResourcesTest {
  private static final boolean UPDATE = Boolean.getBoolean("trialfhir.update");

  @Test
  void profilesFolderEqualsWhatTheEnumsGenerate() throws IOException {
    Path dir = profilesDirectory();
    List<MetadataResource> handWritten = readHandWritten(dir);
    SortedMap<String, String> expected = ConformanceResources.publishedFiles(handWritten);

    if (UPDATE) {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : expected.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
      for (String name : fileNames(dir)) {
        if (!expected.containsKey(name) && !ConformanceResources.isHandWritten(name)) {
          Files.delete(dir.resolve(name));
        }
      }
      return;
    }

    TreeSet<String> orphans = new TreeSet<>(fileNames(dir));
    orphans.removeIf(
        name -> expected.containsKey(name) || ConformanceResources.isHandWritten(name));
    assertThat(orphans)
        .as("files in profiles/ that nothing generates (rerun with -Dtrialfhir.update=true)")
        .isEmpty();
    for (Map.Entry<String, String> file : expected.entrySet()) {
      Path path = dir.resolve(file.getKey());
      assertThat(path)
          .as("profiles/%s is missing (rerun with -Dtrialfhir.update=true)", file.getKey())
          .exists();
      assertThat(Files.readString(path, StandardCharsets.UTF_8))
          .as("profiles/%s differs from what the enums generate", file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void loadPublishedReadsEveryIndexedFileFromTheClasspath() throws IOException {
    assumeFalse(UPDATE, "the classpath copy of profiles/ is stale while the folder is rewritten");
    List<MetadataResource> published = ConformanceResources.loadPublished();
    List<MetadataResource> generated = ConformanceResources.generate();

    assertThat(published).hasSize(generated.size() + readHandWritten(profilesDirectory()).size());
    for (MetadataResource resource : generated) {
      String name = ConformanceResources.fileName(resource);
      MetadataResource loaded =
          published.stream()
              .filter(r -> ConformanceResources.fileName(r).equals(name))
              .findFirst()
              .orElseThrow(() -> new AssertionError(name + " was not loaded"));
      assertThat(ConformanceResources.toJson(loaded))
          .isEqualTo(ConformanceResources.toJson(resource));
    }
  }

  @Test
  void generationIsDeterministic() {
    List<String> first =
        ConformanceResources.generate().stream().map(ConformanceResources::toJson).toList();
    List<String> second =
        ConformanceResources.generate().stream().map(ConformanceResources::toJson).toList();
    assertThat(second).isEqualTo(first);
    assertThat(first).noneMatch(json -> json.contains("\n  \"date\""));
  }

  @Test
  void oneResourcePerEnumEntryWithUniqueFileNames() {
    List<MetadataResource> all = ConformanceResources.generate();
    int codeSystems = CtgovVocabulary.values().length + LocalCode.values().length;
    assertThat(all)
        .hasSize(
            TrialProfile.values().length
                + TrialExtension.values().length
                + 2 * codeSystems
                + SearchParameters.custom().size());
    assertThat(all.stream().map(ConformanceResources::fileName).distinct()).hasSize(all.size());
    assertThat(all.stream().map(MetadataResource::getUrl).distinct()).hasSize(all.size());
    assertThat(all).allSatisfy(r -> assertThat(r.getName()).matches("[A-Z][A-Za-z0-9]*"));
  }

  @Test
  void simpleCodedExtensionBindsItsValueSet() {
    StructureDefinition sd = ConformanceResources.extension(TrialExtension.OVERALL_STATUS);

    assertThat(sd.getUrl()).isEqualTo(TrialExtension.OVERALL_STATUS.url());
    assertThat(sd.getId()).isEqualTo("overall-status");
    assertThat(sd.getName()).isEqualTo("OverallStatus");
    assertThat(sd.getKind()).isEqualTo(StructureDefinition.StructureDefinitionKind.COMPLEXTYPE);
    assertThat(sd.getDerivation()).isEqualTo(StructureDefinition.TypeDerivationRule.CONSTRAINT);
    assertThat(sd.getContext())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo(StructureDefinition.ExtensionContextType.ELEMENT);
              assertThat(c.getExpression()).isEqualTo("ResearchStudy");
            });
    assertThat(element(sd, "Extension.extension").getMax()).isEqualTo("0");
    assertThat(((UriType) element(sd, "Extension.url").getFixed()).getValue())
        .isEqualTo(sd.getUrl());
    ElementDefinition value = element(sd, "Extension.value[x]");
    assertThat(value.getTypeFirstRep().getCode()).isEqualTo("Coding");
    assertThat(value.getBinding().getStrength()).isEqualTo(BindingStrength.REQUIRED);
    assertThat(value.getBinding().getValueSet())
        .isEqualTo(Canonical.valueSet(CtgovVocabulary.OVERALL_STATUS.id()));
  }

  @Test
  void complexExtensionSlicesItsPartsByUrl() {
    StructureDefinition sd = ConformanceResources.extension(TrialExtension.STUDY_OFFICIAL);

    ElementDefinition parts = element(sd, "Extension.extension");
    assertThat(parts.getSlicing().getDiscriminatorFirstRep().getPath()).isEqualTo("url");
    ElementDefinition practitioner = element(sd, "Extension.extension:practitioner");
    assertThat(practitioner.getSliceName()).isEqualTo("practitioner");
    assertThat(practitioner.getMin()).isEqualTo(1);
    assertThat(practitioner.getMax()).isEqualTo("1");
    assertThat(
            ((UriType) element(sd, "Extension.extension:practitioner.url").getFixed()).getValue())
        .isEqualTo("practitioner");
    assertThat(
            element(sd, "Extension.extension:practitioner.value[x]")
                .getTypeFirstRep()
                .getTargetProfile()
                .get(0)
                .getValue())
        .isEqualTo("http://hl7.org/fhir/StructureDefinition/Practitioner");
    assertThat(element(sd, "Extension.extension:role").getMin()).isZero();
    assertThat(element(sd, "Extension.value[x]").getMax()).isEqualTo("0");

    StructureDefinition ipd = ConformanceResources.extension(TrialExtension.IPD_SHARING);
    assertThat(element(ipd, "Extension.extension:infoType").getMax()).isEqualTo("*");
  }

  @Test
  void codeSystemsAndValueSetsCoverEveryCode() {
    CodeSystem cs = ConformanceResources.codeSystem(CtgovVocabulary.OVERALL_STATUS);
    assertThat(cs.getUrl()).isEqualTo(Canonical.codeSystem("ctgov-overall-status"));
    assertThat(cs.getContent()).isEqualTo(CodeSystem.CodeSystemContentMode.COMPLETE);
    assertThat(cs.getCaseSensitive()).isTrue();
    assertThat(cs.getConcept())
        .extracting(CodeSystem.ConceptDefinitionComponent::getCode)
        .containsExactlyElementsOf(
            CtgovVocabulary.OVERALL_STATUS.codes().stream()
                .map(CtgovVocabulary.Code::code)
                .toList());
    assertThat(cs.getConceptFirstRep().getDefinition())
        .contains(CtgovVocabulary.OVERALL_STATUS.field());

    CodeSystem local = ConformanceResources.codeSystem(LocalCode.CHARACTERISTIC_METHOD);
    assertThat(local.getConcept()).hasSameSizeAs(LocalCode.CHARACTERISTIC_METHOD.codes());
    assertThat(local.getConceptFirstRep().getDefinition()).isNotBlank();

    ValueSet vs = ConformanceResources.valueSet("ctgov-overall-status", "t");
    assertThat(vs.getUrl()).isEqualTo(Canonical.valueSet("ctgov-overall-status"));
    assertThat(vs.getCompose().getIncludeFirstRep().getSystem()).isEqualTo(cs.getUrl());
  }

  @Test
  void researchStudyProfileRequiresIdentifierAndTitleAndPointsEnrollmentAtTheGroupProfile() {
    StructureDefinition sd = ConformanceResources.profile(TrialProfile.RESEARCH_STUDY);
    assertThat(sd.getBaseDefinition())
        .isEqualTo("http://hl7.org/fhir/StructureDefinition/ResearchStudy");
    assertThat(element(sd, "ResearchStudy.identifier").getMin()).isEqualTo(1);
    assertThat(element(sd, "ResearchStudy.title").getMin()).isEqualTo(1);
    assertThat(element(sd, "ResearchStudy.enrollment").getMax()).isEqualTo("1");
    assertThat(
            element(sd, "ResearchStudy.enrollment")
                .getTypeFirstRep()
                .getTargetProfile()
                .get(0)
                .getValue())
        .isEqualTo(TrialProfile.ELIGIBILITY_GROUP.url());
  }

  private static ElementDefinition element(StructureDefinition sd, String id) {
    return sd.getDifferential().getElement().stream()
        .filter(e -> e.getId().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError(sd.getUrl() + " has no element " + id));
  }

  /** The repository's {@code profiles/}, found from {@code project.basedir} (set by the pom). */
  static Path profilesDirectory() {
    String basedir = System.getProperty("project.basedir");
    if (basedir == null) {
      fail("system property project.basedir is not set (the pom sets it for surefire)");
    }
    return Path.of(basedir).resolve(ConformanceResources.DIRECTORY);
  }

  private static List<String> fileNames(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<MetadataResource> readHandWritten(Path dir) throws IOException {
    List<MetadataResource> resources = new ArrayList<>();
    for (String name : fileNames(dir)) {
      if (ConformanceResources.isHandWritten(name)) {
        MetadataResource resource =
            (MetadataResource)
                ConformanceResources.fhirContext()
                    .newJsonParser()
                    .parseResource(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
        assertThat(ConformanceResources.fileName(resource))
            .as("hand-written %s must be named <Type>-<id>.json", name)
            .isEqualTo(name);
        resources.add(resource);
      }
    }
    return resources;
  }
}
