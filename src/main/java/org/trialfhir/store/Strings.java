package org.trialfhir.store;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** The normal form of string search: accents removed, lower case, white space collapsed. */
public final class Strings {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private Strings() {}

  /**
   * "Hôpital Saint-Louis" → "hopital saint-louis": decomposed (NFD), combining marks removed,
   * lower-cased (root locale), runs of white space made one space, trimmed.
   */
  public static String normalize(String value) {
    String decomposed = Normalizer.normalize(value, Normalizer.Form.NFD);
    String plain = MARKS.matcher(decomposed).replaceAll("");
    return SPACE.matcher(plain.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
  }
}
