package org.trialfhir.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.IdentityHashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Distance;

/**
 * {@code Bundle.entry.search} of our searchsets: the mode of each entry (match, include, outcome)
 * and, for proximity searches, the standard {@code location-distance} extension with the distance
 * in km. Bundle providers record each resource of the page here (per request, keyed by identity, so
 * resources shared between requests are never mutated); the hook writes them into the Bundle HAPI
 * built, before it is encoded.
 */
@Interceptor
final class SearchEntries {
  /** The standard extension on {@code Bundle.entry.search} for a proximity match. */
  static final String LOCATION_DISTANCE =
      "http://hl7.org/fhir/StructureDefinition/location-distance";

  private static final String KEY = SearchEntries.class.getName();

  private record Entry(SearchEntryMode mode, Double distanceKm) {}

  static void record(
      RequestDetails request, IBaseResource resource, SearchEntryMode mode, Double distanceKm) {
    if (request == null) {
      return;
    }
    entries(request).put(resource, new Entry(mode, distanceKm));
  }

  @SuppressWarnings("unchecked")
  private static Map<IBaseResource, Entry> entries(RequestDetails request) {
    return (Map<IBaseResource, Entry>)
        request.getUserData().computeIfAbsent(KEY, k -> new IdentityHashMap<>());
  }

  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = -100)
  public void annotate(RequestDetails request, IBaseResource response) {
    if (!(response instanceof Bundle bundle) || !request.getUserData().containsKey(KEY)) {
      return;
    }
    Map<IBaseResource, Entry> recorded = entries(request);
    for (Bundle.BundleEntryComponent component : bundle.getEntry()) {
      Entry entry = recorded.get(component.getResource());
      if (entry == null) {
        continue;
      }
      Bundle.BundleEntrySearchComponent search = component.getSearch();
      search.setMode(entry.mode());
      if (entry.distanceKm() != null) {
        Distance distance = new Distance();
        distance
            .setValue(BigDecimal.valueOf(entry.distanceKm()).setScale(3, RoundingMode.HALF_UP))
            .setUnit("km")
            .setSystem("http://unitsofmeasure.org")
            .setCode("km");
        search.addExtension(LOCATION_DISTANCE, distance);
      }
    }
  }
}
