package org.trialfhir.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.api.BundleLinks;
import ca.uhn.fhir.rest.api.IVersionSpecificBundleFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.hapi.rest.server.R4BundleFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;
import org.trialfhir.search.StoredJson;

/**
 * {@link UnparsedBundleFactory} builds the Bundle HAPI's {@link R4BundleFactory} builds, entry for
 * entry (full URL, search mode and score, resource), for pages of unparsed resources with and
 * without a server base, and hands HAPI the pages it does not build itself.
 */
class UnparsedBundleFactoryTest {
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String BASE = "http://127.0.0.1:8080/fhir";

  @Test
  void aPageOfUnparsedResourcesIsHapisBundle() {
    for (String base : new String[] {BASE, BASE + "/", null, ""}) {
      assertSame(base, BundleTypeEnum.SEARCHSET, UnparsedBundleFactoryTest::unparsedPage, true);
    }
  }

  @Test
  void otherPagesAreLeftToHapi() {
    // A resource whose reference carries the resource itself: HAPI adds it as an include.
    Supplier<List<IBaseResource>> embedded =
        () -> {
          List<IBaseResource> page = unparsedPage();
          ResearchStudy parsed = new ResearchStudy();
          parsed.setId("ResearchStudy/NCT9");
          Organization sponsor = new Organization();
          sponsor.setId("Organization/org-9");
          sponsor.setName("Sponsor");
          parsed.setSponsor(new Reference(sponsor));
          page.add(parsed);
          return page;
        };
    assertSame(BASE, BundleTypeEnum.SEARCHSET, embedded, false);
    assertSame(BASE, BundleTypeEnum.COLLECTION, UnparsedBundleFactoryTest::unparsedPage, false);
  }

  /** Studies and Locations as the store hands them out, two with a search mode or score. */
  private static List<IBaseResource> unparsedPage() {
    List<IBaseResource> page = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      page.add(
          StoredJson.unparsed(
              FHIR,
              utf8(
                  "{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT"
                      + i
                      + "\",\"meta\":{\"lastUpdated\":\"2025-01-0"
                      + i
                      + "T00:00:00Z\"},\"status\":\"active\"}")));
    }
    for (int i = 1; i <= 3; i++) {
      page.add(
          StoredJson.unparsed(
              FHIR,
              "Location",
              "loc-" + i,
              utf8("{\"resourceType\":\"Location\",\"id\":\"loc-" + i + "\"}")));
    }
    ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(page.get(0), BundleEntrySearchModeEnum.MATCH);
    ResourceMetadataKeyEnum.ENTRY_SEARCH_SCORE.put(page.get(1), new BigDecimal("0.5"));
    ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(page.get(4), BundleEntrySearchModeEnum.INCLUDE);
    Location absolute = new Location();
    absolute.setId("http://elsewhere.org/fhir/Location/far/_history/2");
    absolute.setUserData(StoredJson.USER_DATA, utf8("{\"resourceType\":\"Location\"}"));
    page.add(absolute);
    return page;
  }

  /** Both factories on the same page: the same Bundle; {@code ours}: ours built it itself. */
  private static void assertSame(
      String base, BundleTypeEnum type, Supplier<List<IBaseResource>> page, boolean ours) {
    Bundle hapi = build(new R4BundleFactory(FHIR), base, type, page.get());
    List<IBaseResource> resources = page.get();
    Bundle built = build(new UnparsedBundleFactory(FHIR), base, type, resources);
    String json = FHIR.newJsonParser().encodeResourceToString(built);
    assertThat(json)
        .as(base + " " + type)
        .isEqualTo(FHIR.newJsonParser().encodeResourceToString(hapi));
    assertThat(built.getEntry()).hasSizeGreaterThanOrEqualTo(resources.size());
    for (int i = 0; i < resources.size(); i++) {
      assertThat(built.getEntry().get(i).getResource()).isSameAs(resources.get(i));
    }
    if (base != null && !base.isBlank()) {
      assertThat(json).contains("\"fullUrl\":\"" + BASE + "/Location/loc-1\"");
    }
    assertThat(built.getEntry().size() > resources.size())
        .isEqualTo(!ours && type == BundleTypeEnum.SEARCHSET);
  }

  private static Bundle build(
      IVersionSpecificBundleFactory factory,
      String base,
      BundleTypeEnum type,
      List<IBaseResource> resources) {
    BundleLinks links = new BundleLinks(base, Set.of(), false, type);
    links.setSelf(BASE + "/ResearchStudy?status=active");
    factory.addRootPropertiesToBundle("page-1", links, 7, new InstantType("2025-06-01T00:00:00Z"));
    factory.addResourcesToBundle(resources, type, base, null, Set.of());
    return (Bundle) factory.getResourceBundle();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
