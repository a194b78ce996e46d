package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Location;
import org.junit.jupiter.api.Test;
import org.trialfhir.ctgov.Study;

class SiteMapperTest {
  private static Study.Site site(String facility, String city, Double lat, Double lon) {
    return new Study.Site(
        facility,
        "RECRUITING",
        city,
        null,
        "12345",
        "Germany",
        List.of(),
        lat == null ? null : new Study.GeoPoint(lat, lon));
  }

  @Test
  void theSameFacilityInTwoStudiesIsOneLocation() {
    Location a = SiteMapper.location(site("Charité", "Berlin", 52.52437, 13.41053));
    Location b = SiteMapper.location(site("CHARITÉ ", "berlin", 52.52437, 13.41053));
    assertThat(a.getId()).isEqualTo(b.getId());
    assertThat(SiteMapper.location(site("Charité", "Potsdam", null, null)).getId())
        .isNotEqualTo(a.getId());
  }

  @Test
  void positionIsTheRegistryGeoPointAsWritten() {
    Location location = SiteMapper.location(site("Charité", "Berlin", 52.52437, 13.41053));
    assertThat(location.getPosition().getLatitude()).isEqualTo(new BigDecimal("52.52437"));
    assertThat(location.getPosition().getLongitude()).isEqualTo(new BigDecimal("13.41053"));
    assertThat(location.getAddress().getCountry()).isEqualTo("Germany");
  }

  @Test
  void aSiteWithoutFacilityIsNamedByItsPlace() {
    assertThat(SiteMapper.location(site(null, "Berlin", null, null)).getName())
        .isEqualTo("Berlin, Germany");
  }
}
