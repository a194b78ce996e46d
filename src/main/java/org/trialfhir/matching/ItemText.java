package org.trialfhir.matching;

import java.text.Normalizer;
import java.util.BitSet;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One criteria item prepared for matching: lower case, symbols spelled the ASCII way ({@code ≥} as
 * {@code >=}, {@code µ} as {@code u}, {@code ×} as {@code x}, superscripts as {@code ^n}), with a
 * record of which characters a recognised phrase has used up, so that what is left over can be
 * judged.
 */
final class ItemText {
  private static final Pattern WORD = Pattern.compile("[a-z][a-z'-]{2,}");

  /** Words that carry no criterion of their own. */
  private static final java.util.Set<String> FILLER =
      java.util.Set.of(
          "the",
          "and",
          "for",
          "with",
          "who",
          "are",
          "was",
          "were",
          "have",
          "has",
          "had",
          "having",
          "been",
          "being",
          "any",
          "all",
          "patients",
          "patient",
          "subjects",
          "subject",
          "participants",
          "participant",
          "people",
          "persons",
          "individuals",
          "women",
          "woman",
          "men",
          "male",
          "males",
          "female",
          "females",
          "adults",
          "adult",
          "confirmed",
          "diagnosis",
          "diagnosed",
          "documented",
          "known",
          "evidence",
          "history",
          "current",
          "currently",
          "presence",
          "present",
          "than",
          "from",
          "that",
          "this",
          "which",
          "other",
          "either",
          "both",
          "genders",
          "gender",
          "sexes",
          "sex",
          "infection",
          "infections",
          "disease",
          "diseases",
          "level",
          "levels",
          "count",
          "value",
          "values",
          "test",
          "result",
          "results",
          "screening",
          "baseline",
          "visit",
          "study",
          "entry",
          "enrollment",
          "enrolment",
          "time",
          "must",
          "should",
          "will",
          "can",
          "may",
          "also",
          "only",
          "not",
          "without",
          "positive",
          "negative",
          "active",
          "previous",
          "prior",
          "age",
          "aged",
          "years",
          "year",
          "old",
          "older",
          "younger",
          "including",
          "includes",
          "such",
          "defined",
          "following",
          "per",
          "lab",
          "laboratory",
          "serum",
          "blood",
          "plasma",
          "mother",
          "mothers",
          "lactating",
          "nursing",
          "breastfeeding",
          "breast-feeding",
          "pregnant",
          "pregnancy",
          "status",
          "performance",
          "ecog",
          "less",
          "more",
          "greater",
          "equal",
          "least",
          "between",
          "above",
          "below",
          "over",
          "under",
          "within",
          "normal",
          "range",
          "limit",
          "upper",
          "lower",
          "condition",
          "conditions",
          "disorder",
          "disorders",
          "chronic",
          "acute",
          "type",
          "clinical",
          "clinically",
          "significant",
          "severe",
          "serious",
          "uncontrolled",
          "suffering",
          "affected",
          "presenting",
          "due",
          "cells",
          "cell",
          "copies",
          "viral",
          "load");

  private final String text;
  private final BitSet used;

  ItemText(String item) {
    this.text = normalize(item);
    this.used = new BitSet(text.length());
  }

  static String normalize(String raw) {
    String s = raw.replace('\n', ' ').replace('\u00a0', ' ');
    s = s.replace("≥", ">=").replace("≤", "<=").replace("⩾", ">=").replace("⩽", "<=");
    s = s.replace("＞", ">").replace("＜", "<").replace("≧", ">=").replace("≦", "<=");
    s = s.replace("µ", "u").replace("μ", "u").replace("×", "x").replace("–", "-").replace("—", "-");
    s = s.replace("⁹", "^9").replace("¹²", "^12").replace("³", "^3").replace("²", "2");
    s = s.replace("⁶", "^6").replace("\\", "");
    s = s.replace(">/=", ">=").replace("</=", "<=").replace("=/>", ">=").replace("=/<", "<=");
    s = Normalizer.normalize(s, Normalizer.Form.NFKC);
    return s.toLowerCase(Locale.ROOT);
  }

  String text() {
    return text;
  }

  void use(int start, int end) {
    used.set(start, end);
  }

  boolean isUsed(int position) {
    return used.get(position);
  }

  /** The start of the clause holding a position: after the last {@code ;} or sentence stop. */
  int clauseStart(int position) {
    for (int i = position - 1; i > 0; i--) {
      char c = text.charAt(i);
      if (c == ';' || (c == '.' && i + 1 < text.length() && text.charAt(i + 1) == ' ')) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The end of the clause holding a position. */
  int clauseEnd(int position) {
    for (int i = position; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ';' || (c == '.' && (i + 1 == text.length() || text.charAt(i + 1) == ' '))) {
        return i;
      }
    }
    return text.length();
  }

  /** How many words of three or more letters no recognised phrase used and that are not filler. */
  int leftoverWords() {
    Matcher m = WORD.matcher(text);
    int count = 0;
    while (m.find()) {
      if (!used.get(m.start()) && !FILLER.contains(m.group())) {
        count++;
      }
    }
    return count;
  }
}
