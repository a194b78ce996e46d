package org.trialfhir.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Stable resource ids. Study-owned resources derive theirs from the NCT id; shared ones (sites,
 * organisations) from a normalised key, so that the same hospital in many studies is one resource.
 */
public final class Ids {
  private Ids() {}

  public static String eligibilityGroup(String nctId) {
    return nctId + "-eligibility";
  }

  /** The PlanDefinition of the arm at a 1-based position in the record. */
  public static String arm(String nctId, int position) {
    return nctId + "-arm-" + position;
  }

  /** The PlanDefinition holding the interventions that belong to no arm. */
  public static String unassignedInterventions(String nctId) {
    return nctId + "-interventions";
  }

  /** A site: facility, city, state, postal code and country, normalised. */
  public static String location(
      String facility, String city, String state, String zip, String country) {
    return "loc-"
        + hash(String.join("|", norm(facility), norm(city), norm(state), norm(zip), norm(country)));
  }

  /** An organisation, by its normalised name. */
  public static String organization(String name) {
    return "org-" + hash(norm(name));
  }

  /**
   * A person named by one study. Names are not unique across studies, so a practitioner belongs to
   * the study that names it; the part after the first comma (a degree) is ignored.
   */
  public static String practitioner(String nctId, String name) {
    String person = name == null ? "" : name;
    int comma = person.indexOf(',');
    if (comma > 0) {
      person = person.substring(0, comma);
    }
    return nctId + "-person-" + hash(norm(person)).substring(0, 10);
  }

  /** Lower case, accents folded, punctuation dropped, white space collapsed. */
  static String norm(String text) {
    if (text == null) {
      return "";
    }
    String folded =
        Normalizer.normalize(text, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT);
    return folded.replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }

  private static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
