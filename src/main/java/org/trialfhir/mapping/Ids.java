package org.trialfhir.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * Stable resource ids. Study-owned resources derive theirs from the NCT id; shared ones (sites,
 * organisations) from a normalised key, so that the same hospital in many studies is one resource.
 */
public final class Ids {
  /** One digest per thread: looking the algorithm up for every id cost more than hashing. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
          });

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

  /**
   * Lower case, accents folded, every run of characters other than letters and digits made one
   * space, trimmed. A plain loop: this runs five times per site of every study, and ASCII text
   * (nearly all of it) takes a byte loop that gives what the Unicode path gives.
   */
  static String norm(String text) {
    if (text == null) {
      return "";
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return normUnicode(Normalizer.normalize(text, Normalizer.Form.NFKD));
      }
    }
    return normAscii(text);
  }

  /** {@link #norm} of ASCII text: ASCII has no marks and no letters or digits beyond these. */
  static String normAscii(String text) {
    byte[] out = new byte[text.length()];
    int length = 0;
    boolean gap = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
        gap = true;
        continue;
      }
      if (gap && length > 0) {
        out[length++] = ' ';
      }
      gap = false;
      out[length++] = (byte) c;
    }
    return new String(out, 0, length, StandardCharsets.ISO_8859_1);
  }

  /** {@link #norm} of text already decomposed (NFKD), by Unicode character properties. */
  static String normUnicode(String folded) {
    StringBuilder out = new StringBuilder(folded.length());
    boolean gap = false;
    for (int i = 0; i < folded.length(); ) {
      int c = folded.codePointAt(i);
      i += Character.charCount(c);
      int type = Character.getType(c);
      if (type == Character.NON_SPACING_MARK
          || type == Character.ENCLOSING_MARK
          || type == Character.COMBINING_SPACING_MARK) {
        continue;
      }
      if (Character.isLetter(c)
          || type == Character.DECIMAL_DIGIT_NUMBER
          || type == Character.LETTER_NUMBER
          || type == Character.OTHER_NUMBER) {
        if (gap && out.length() > 0) {
          out.append(' ');
        }
        gap = false;
        out.appendCodePoint(Character.toLowerCase(c));
      } else {
        gap = true;
      }
    }
    return out.toString();
  }

  private static String hash(String key) {
    MessageDigest sha256 = SHA_256.get();
    byte[] digest = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 8);
  }
}
