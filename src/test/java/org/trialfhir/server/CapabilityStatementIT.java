package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.conformance.TrialValidator;
import org.trialfhir.conformance.ValidationIssue;
import org.trialfhir.search.IncludeSpec;
import org.trialfhir.search.Modifier;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchParameters;

/**
 * The CapabilityStatement read back from {@code /metadata} and checked against the registry, the
 * SearchParameter resources the server serves, R4 core's own search parameters, and the R4
 * validator.
 */
class CapabilityStatementIT {
  static final String CORE = "http://hl7.org/fhir/SearchParameter/";
  static CorpusServer corpus;
  static IGenericClient client;
  static CapabilityStatement cs;
  static Map<String, SearchParameter> served = new TreeMap<>();

  @BeforeAll
  static void read() {
    corpus = CorpusServer.get();
    client = corpus.client();
    cs = client.capabilities().ofType(CapabilityStatement.class).execute();
    Bundle page =
        client
            .search()
            .forResource(SearchParameter.class)
            .count(100)
            .returnBundle(Bundle.class)
            .execute();
    while (true) {
      page.getEntry()
          .forEach(
              e ->
                  served.put(
                      ((SearchParameter) e.getResource()).getUrl(),
                      (SearchParameter) e.getResource()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  static CapabilityStatementRestResourceComponent resource(String type) {
    return cs.getRestFirstRep().getResource().stream()
        .filter(r -> r.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError(type + " is not in the CapabilityStatement"));
  }

  @Test
  void everyTrialTypeListsEveryRegistryParameterWithItsDefinition() {
    for (String type : SearchParameters.TYPES) {
      CapabilityStatementRestResourceComponent resource = resource(type);
      assertThat(resource.getInteraction())
          .extracting(i -> i.getCode().toCode())
          .containsExactlyInAnyOrder("read", "search-type");
      Map<String, String> listed =
          resource.getSearchParam().stream()
              .collect(
                  Collectors.toMap(
                      CapabilityStatementRestResourceSearchParamComponent::getName,
                      CapabilityStatementRestResourceSearchParamComponent::getDefinition));
      Map<String, String> registry =
          SearchParameters.forType(type).stream()
              .collect(Collectors.toMap(SearchParam::code, SearchParam::definition));
      assertThat(listed).as(type).isEqualTo(registry);
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        SearchParam known = SearchParameters.find(type, param.getName()).orElseThrow();
        assertThat(param.getType().toCode())
            .as(type + "." + param.getName())
            .isEqualTo(known.type().code());
        assertThat(param.getDocumentation()).as(type + "." + param.getName()).isNotBlank();
      }
    }
  }

  @Test
  void everyCustomDefinitionIsAServedSearchParameterThatAgrees() {
    Set<String> customDefinitions = new HashSet<>();
    for (String type : SearchParameters.TYPES) {
      for (CapabilityStatementRestResourceSearchParamComponent param :
          resource(type).getSearchParam()) {
        if (param.getDefinition().startsWith(CORE)) {
          continue;
        }
        customDefinitions.add(param.getDefinition());
        SearchParameter sp = served.get(param.getDefinition());
        assertThat(sp).as("served " + param.getDefinition()).isNotNull();
        assertThat(sp.getCode()).isEqualTo(param.getName());
        assertThat(sp.getType().toCode()).isEqualTo(param.getType().toCode());
        assertThat(sp.getBase()).extracting(CodeType::getCode).contains(type);
        Set<String> modifiers =
            sp.getModifier().stream().map(m -> m.getCode()).collect(Collectors.toSet());
        Set<String> registry =
            SearchParameters.find(type, param.getName()).orElseThrow().modifiers().stream()
                .map(Modifier::code)
                .collect(Collectors.toSet());
        assertThat(modifiers).as(param.getDefinition()).isEqualTo(registry);
        // and the served resource can be read by id, as any client following the link would
        SearchParameter byId =
            client.read().resource(SearchParameter.class).withId(sp.getIdPart()).execute();
        assertThat(byId.getUrl()).isEqualTo(sp.getUrl());
      }
    }
    // nothing served that the server does not support
    assertThat(served.keySet()).isEqualTo(customDefinitions);
  }

  @Test
  void everyCoreDefinitionIsAnR4CoreSearchParameterOfThatType() {
    Set<String> resourceLevel =
        Set.of(CORE + "Resource-id", CORE + "Resource-lastUpdated", CORE + "Resource-content");
    for (String type : SearchParameters.TYPES) {
      Set<String> r4 =
          CorpusServer.FHIR.getResourceDefinition(type).getSearchParams().stream()
              .map(RuntimeSearchParam::getUri)
              .filter(u -> u != null)
              .collect(Collectors.toSet());
      for (CapabilityStatementRestResourceSearchParamComponent param :
          resource(type).getSearchParam()) {
        if (param.getDefinition().startsWith(CORE)
            && !resourceLevel.contains(param.getDefinition())) {
          assertThat(r4).as(type + "." + param.getName()).contains(param.getDefinition());
        }
      }
    }
  }

  @Test
  void includesRevincludesAndProfiles() {
    for (String type : SearchParameters.TYPES) {
      CapabilityStatementRestResourceComponent resource = resource(type);
      assertThat(resource.getSearchInclude().stream().map(s -> s.getValue()).toList())
          .as(type)
          .containsExactlyInAnyOrderElementsOf(
              SearchParameters.includes(type).stream()
                  .map(i -> i.sourceType() + ":" + i.param())
                  .toList());
      assertThat(resource.getSearchRevInclude().stream().map(s -> s.getValue()).toList())
          .as(type)
          .containsExactlyInAnyOrderElementsOf(
              SearchParameters.revIncludes(type).stream()
                  .map(i -> i.sourceType() + ":" + i.param())
                  .toList());
      List<CanonicalType> profiles = resource.getSupportedProfile();
      assertThat(profiles).as(type).hasSize(1);
      Bundle sd =
          client
              .search()
              .forResource(StructureDefinition.class)
              .where(StructureDefinition.URL.matches().value(profiles.get(0).getValue()))
              .returnBundle(Bundle.class)
              .execute();
      assertThat(((StructureDefinition) sd.getEntryFirstRep().getResource()).getType())
          .isEqualTo(type);
    }
    assertThat(resource("Location").getSearchRevInclude())
        .extracting(s -> s.getValue())
        .containsExactly("ResearchStudy:site");
    assertThat(SearchParameters.includes("ResearchStudy"))
        .extracting(IncludeSpec::param)
        .contains("site", "sponsor", "enrollment", "protocol", "principalinvestigator");
  }

  @Test
  void describesThisServerAndValidates() {
    assertThat(cs.getUrl()).isEqualTo(CapabilityStatementInterceptor.URL);
    assertThat(cs.getKind()).isEqualTo(CapabilityStatement.CapabilityStatementKind.INSTANCE);
    assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
    assertThat(cs.getImplementation().getUrl()).isEqualTo(corpus.base);
    assertThat(cs.getSoftware().getName()).isEqualTo("TrialFHIR");
    assertThat(cs.getFormat())
        .extracting(f -> f.getValue())
        .contains("application/fhir+json", "application/fhir+xml");
    assertThat(cs.getRestFirstRep().getSecurity().getCors()).isTrue();
    for (String type :
        List.of(
            "StructureDefinition",
            "SearchParameter",
            "CodeSystem",
            "ValueSet",
            "OperationDefinition")) {
      assertThat(resource(type).getSearchParam())
          .extracting(p -> p.getName())
          .containsExactlyInAnyOrder("_id", "url", "name");
    }
    List<ValidationIssue> errors =
        new TrialValidator().validate(cs).stream().filter(ValidationIssue::isError).toList();
    assertThat(errors).isEmpty();
  }
}
