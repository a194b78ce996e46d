package org.trialfhir.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactDetail;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.ctgov.Study;

/**
 * {@code contactsLocationsModule.locations} → shared Location resources and {@code
 * ResearchStudy.site} references. What is specific to the study at a site (its recruitment status
 * and contacts) lives in extensions on the reference, so "a recruiting site within D km" is
 * evaluated on the same site.
 */
public final class SiteMapper {
  private SiteMapper() {}

  /** Adds one site reference per record location and returns the distinct Locations. */
  public static List<Location> map(Study study, ResearchStudy researchStudy) {
    Study.ContactsLocationsModule module = study.protocolSection().contactsLocationsModule();
    if (module == null || module.locations() == null) {
      return List.of();
    }
    Map<String, Location> locations = new LinkedHashMap<>();
    for (Study.Site site : module.locations()) {
      Location location = location(site);
      locations.putIfAbsent(location.getId(), location);
      Reference reference =
          new Reference("Location/" + location.getId()).setDisplay(location.getName());
      if (site.status() != null) {
        reference.addExtension(
            Codings.extension(
                TrialExtension.SITE_STATUS,
                Codings.registryOrText(CtgovVocabulary.SITE_STATUS, site.status())));
      }
      if (site.contacts() != null) {
        for (Study.Contact contact : site.contacts()) {
          ContactDetail detail = Contacts.detail(contact);
          if (detail == null) {
            continue;
          }
          Extension siteContact = Codings.extension(TrialExtension.SITE_CONTACT, null);
          if (contact.role() != null) {
            siteContact.addExtension(
                "role", Codings.registryOrText(CtgovVocabulary.CONTACT_ROLE, contact.role()));
          }
          siteContact.addExtension("contact", detail);
          reference.addExtension(siteContact);
        }
      }
      researchStudy.addSite(reference);
    }
    return new ArrayList<>(locations.values());
  }

  /** The shared Location of a site; the same facility and address give the same resource. */
  public static Location location(Study.Site site) {
    Location location = new Location();
    location.setId(
        Ids.location(site.facility(), site.city(), site.state(), site.zip(), site.country()));
    location.setStatus(Location.LocationStatus.ACTIVE);
    location.setMode(Location.LocationMode.INSTANCE);
    location.setName(name(site));
    Address address = new Address();
    address
        .setCity(site.city())
        .setState(site.state())
        .setPostalCode(site.zip())
        .setCountry(site.country());
    if (!address.isEmpty()) {
      location.setAddress(address);
    }
    Study.GeoPoint geo = site.geoPoint();
    if (geo != null && geo.lat() != null && geo.lon() != null) {
      // The registry's geo point is the centroid of the site's city, not of the facility.
      location
          .getPosition()
          .setLatitude(new BigDecimal(Double.toString(geo.lat())))
          .setLongitude(new BigDecimal(Double.toString(geo.lon())));
    }
    return location;
  }

  private static String name(Study.Site site) {
    if (site.facility() != null && !site.facility().isBlank()) {
      return site.facility();
    }
    StringJoiner place = new StringJoiner(", ");
    for (String part : new String[] {site.city(), site.state(), site.country()}) {
      if (part != null && !part.isBlank()) {
        place.add(part);
      }
    }
    return place.length() > 0 ? place.toString() : "Unnamed site";
  }
}
