package org.trialfhir.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the concepts of the terminology table named in normalised text by their synonyms, longest
 * phrase first, word by word: words are compared in lower case, split at anything but letters and
 * digits, with a plural "s" dropped, so "HBV/HCV" names two concepts and "HIV-2" matches "hiv 2".
 */
final class Mentions {
  /** A concept named at {@code [start, end)} of the text. */
  record Mention(Concept concept, int start, int end) {}

  private static final Pattern TOKEN = Pattern.compile("[a-z0-9]+");

  private final Map<String, Concept> phrases = new HashMap<>();
  private int longest;

  Mentions(Iterable<Concept> concepts) {
    for (Concept concept : concepts) {
      for (String synonym : concept.synonyms()) {
        List<String> words = words(synonym);
        if (!words.isEmpty()) {
          Concept previous = phrases.putIfAbsent(String.join(" ", words), concept);
          if (previous != null && previous != concept) {
            throw new IllegalArgumentException(
                "synonym '" + synonym + "' names both " + previous.id() + " and " + concept.id());
          }
          longest = Math.max(longest, words.size());
        }
      }
    }
  }

  /** Every mention, left to right, none overlapping (the longest phrase wins). */
  List<Mention> find(String text) {
    List<int[]> spans = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
      tokens.add(stem(m.group()));
    }
    List<Mention> found = new ArrayList<>();
    int i = 0;
    while (i < tokens.size()) {
      int matched = 0;
      for (int n = Math.min(longest, tokens.size() - i); n > 0; n--) {
        Concept concept = phrases.get(String.join(" ", tokens.subList(i, i + n)));
        if (concept != null) {
          found.add(new Mention(concept, spans.get(i)[0], spans.get(i + n - 1)[1]));
          matched = n;
          break;
        }
      }
      i += Math.max(matched, 1);
    }
    return found;
  }

  static List<String> words(String phrase) {
    List<String> words = new ArrayList<>();
    Matcher m = TOKEN.matcher(ItemText.normalize(phrase));
    while (m.find()) {
      words.add(stem(m.group()));
    }
    return words;
  }

  private static String stem(String word) {
    if (word.length() > 4
        && word.endsWith("s")
        && !word.endsWith("ss")
        && !word.endsWith("us")
        && !word.endsWith("is")) {
      return word.substring(0, word.length() - 1);
    }
    return word;
  }
}
