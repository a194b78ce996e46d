package org.trialfhir.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.trialfhir.conformance.ConformanceResources;

/**
 * Our published conformance resources ({@code profiles/} in the jar), by type and id, as the server
 * serves them.
 */
final class ConformanceCatalog {
  /** The conformance resource types the server serves (whether or not any is published yet). */
  static final List<String> TYPES =
      List.of(
          "StructureDefinition",
          "SearchParameter",
          "CodeSystem",
          "ValueSet",
          "OperationDefinition");

  private final Map<String, Map<String, MetadataResource>> byType = new LinkedHashMap<>();

  ConformanceCatalog(List<MetadataResource> resources) {
    for (String type : TYPES) {
      byType.put(type, new LinkedHashMap<>());
    }
    for (MetadataResource resource : resources) {
      Map<String, MetadataResource> ofType = byType.get(resource.fhirType());
      if (ofType == null) {
        throw new IllegalStateException(
            "profiles/ holds a " + resource.fhirType() + ", which the server does not serve");
      }
      String id = resource.getIdElement().getIdPart();
      if (ofType.put(id, resource) != null) {
        throw new IllegalStateException("profiles/ holds two " + resource.fhirType() + "/" + id);
      }
    }
  }

  /** Everything {@code profiles/index.txt} names in the jar. */
  static ConformanceCatalog published() {
    return new ConformanceCatalog(ConformanceResources.loadPublished());
  }

  Optional<MetadataResource> read(String type, String id) {
    return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(id));
  }

  /** Every resource of a type, in publication order. */
  List<MetadataResource> all(String type) {
    return Collections.unmodifiableList(
        new ArrayList<>(byType.getOrDefault(type, Map.of()).values()));
  }

  List<SearchParameter> searchParameters() {
    return all("SearchParameter").stream().map(SearchParameter.class::cast).toList();
  }

  /** Our resource profiles (not the extensions). */
  List<StructureDefinition> resourceProfiles() {
    return all("StructureDefinition").stream()
        .map(StructureDefinition.class::cast)
        .filter(sd -> sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE)
        .toList();
  }
}
