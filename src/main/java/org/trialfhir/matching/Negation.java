package org.trialfhir.matching;

import java.util.regex.Pattern;

/**
 * Judges the words around a phrase in a criteria item: is it negated ("no", "without", "negative
 * for", "HBsAg negative"), about the past ("history of", "prior"), or qualified in a way codes
 * cannot show ("uncontrolled", "severe", "within 6 months")?
 */
final class Negation {
  private static final Pattern BEFORE_NEGATED =
      Pattern.compile(
          "(?<![a-z])(?:no|not|without|absence of|absent|free of|negative for|negative|non|never|none of"
              + "|nor|lack of|lacking|neither|cannot have|must not have)(?![a-z])"
              + "(?:(?!\\b(?:who|which|that|because|due to|but|except|unless|if|when|and must)\\b)"
              + "[^;])*$");
  private static final Pattern AFTER_NEGATED =
      Pattern.compile(
          "^[^a-z0-9]*(?:(?:infection|antigen|antibody|ab|ag|status|test|serology|serologies)"
              + "[^a-z0-9]*)?(?:negative|neg|seronegative|-ve|not detected|undetectable)\\b");
  private static final Pattern HISTORY =
      Pattern.compile(
          "(?<![a-z])(?:history of|prior|previous|previously|past|ever had|had a)(?![a-z])");
  private static final Pattern QUALIFIER_BEFORE =
      Pattern.compile(
          "(?<![a-z])(?:uncontrolled|poorly controlled|inadequately controlled|not controlled"
              + "|severe|serious|significant|unstable|symptomatic|decompensated|advanced"
              + "|refractory|untreated|progressive|life-threatening|end-stage|end stage|moderate"
              + "|major|recent|other|concomitant|secondary|requiring|treated|relapsed|recurrent"
              + "|metastatic|stage|grade|persistent|chronic active|high risk|suspected|possible"
              + "|probable|required|hospitali[sz]ation for|treatment for|medication for|drugs for"
              + "|investigation for|risk for|risk of|screening for|vaccine|vaccination)(?![a-z])");
  private static final Pattern QUALIFIER_AFTER =
      Pattern.compile(
          "^(?:[^;]*?(?<![a-z])(?:within|in the past|in the last|during the|requiring|treated"
              + " with|except|unless|other than|excluding|but not|grade|stage|class|defined as"
              + "|such as|that|which|who|requiring|in remission|controlled|uncontrolled|on|receiving"
              + "|taking|using|duration|medication|medications|drug|drugs|therapy|treatment)(?![a-z])"
              + "|[^a-z0-9;]*(?:-| )?(?:related|associated|induced|like|specific|positive"
              + " partner))");
  private static final Pattern MODIFIER_AFTER =
      Pattern.compile("^[ -]?(?:related|associated|induced|like|specific|partner)\\b");

  private static final Pattern CONDITIONAL =
      Pattern.compile(
          "(?<![a-z])(?:if|when|unless|for patients with|for those with|for subjects with|in case of"
              + "|required for|only for|may be eligible|may be included|are allowed|is allowed"
              + "|permitted)(?![a-z])");

  private Negation() {}

  /**
   * Whether the phrase at {@code start} sits in a condition or an allowance ("required for patients
   * with", "if", "may be eligible"), so it is not a requirement of its own.
   */
  static boolean conditional(ItemText text, int start) {
    String before = text.text().substring(text.clauseStart(start), start);
    return CONDITIONAL.matcher(before).find();
  }

  /** Whether the phrase at {@code [start, end)} is negated. */
  static boolean negated(ItemText text, int start, int end) {
    return negated(text, start, end, 60);
  }

  /** Whether the phrase is negated by a cue at most {@code reach} characters before it. */
  static boolean negated(ItemText text, int start, int end, int reach) {
    String before = text.text().substring(Math.max(text.clauseStart(start), start - reach), start);
    String after = text.text().substring(end, Math.min(text.clauseEnd(end), end + 30));
    return BEFORE_NEGATED.matcher(before).find() || AFTER_NEGATED.matcher(after).find();
  }

  /** Whether the phrase at {@code start} is said to be in the past ("history of"). */
  static boolean history(ItemText text, int start) {
    String before = text.text().substring(Math.max(text.clauseStart(start), start - 60), start);
    return HISTORY.matcher(before).find();
  }

  /**
   * Whether the phrase at {@code [start, end)} carries a qualifier that codes cannot show, or is
   * followed, in the same comma-separated part, by a number that nothing else used.
   */
  static boolean qualified(ItemText text, int start, int end) {
    String before = text.text().substring(Math.max(text.clauseStart(start), start - 40), start);
    int partEnd = text.text().indexOf(',', end);
    int clauseEnd = text.clauseEnd(end);
    int stop = partEnd < 0 ? clauseEnd : Math.min(partEnd, clauseEnd);
    String after = text.text().substring(end, stop);
    if (QUALIFIER_BEFORE.matcher(before).find() || QUALIFIER_AFTER.matcher(after).find()) {
      return true;
    }
    for (int i = end; i < stop; i++) {
      if (Character.isDigit(text.text().charAt(i)) && !text.isUsed(i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the phrase only modifies another word ("AIDS-related events", "HIV-associated",
   * "anti-obesity drugs").
   */
  static boolean modifier(ItemText text, int start, int end) {
    String before = text.text().substring(Math.max(0, start - 5), start);
    return MODIFIER_AFTER.matcher(text.text().substring(end)).find()
        || before.matches(".*anti[- ]?$");
  }
}
