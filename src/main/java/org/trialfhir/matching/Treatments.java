package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds medication, procedure and allergy criteria in one criteria item: the medications and
 * procedures of the terminology table it names, when ("currently", "prior", "within 4 weeks"), and
 * allergies to a named medication or to the study's own drug. A mention about the future ("planned
 * surgery"), an instruction ("must discontinue") or an allowance is left to the text.
 */
final class Treatments {
  private static final String NUMBER = "(\\d{1,3}|one|two|three|four|five|six|eight|twelve)";
  private static final String UNIT = "(days?|weeks?|wks?|months?|mos?|years?|yrs?)";
  private static final Pattern WINDOW =
      Pattern.compile(
          "(?:within|in (?:the )?(?:past|last|previous|preceding)|during the (?:past|last|previous"
              + "|preceding)|for the (?:past|last)|over the (?:past|last)|<|<=)(?: the)?\\s*"
              + NUMBER
              + "[ -]*"
              + UNIT
              + "|"
              + NUMBER
              + "[ -]*"
              + UNIT
              + " (?:before|prior|preceding)");
  private static final Pattern CURRENT =
      Pattern.compile(
          "(?<![a-z])(?:current|currently|concurrent|concurrently|concomitant|ongoing|on|receiving"
              + "|taking|using|use of|users? of|treated with|treatment with|therapy with|under"
              + "|requiring|requires|require|maintained on|need of)(?![a-z])");
  private static final Pattern PAST =
      Pattern.compile(
          "(?<![a-z])(?:prior|previous|previously|history of|past|ever|received|had|underwent"
              + "|undergone|exposure to|exposed to|experienced|recipients? of)(?![a-z])");
  private static final Pattern PAST_AFTER =
      Pattern.compile("^[ -]*(?:recipients?|transplanted|exposure|experienced|history)\\b");
  private static final Pattern ALLERGY_AFTER =
      Pattern.compile("^[ -]*(?:allerg\\w*|hypersensitiv\\w*|sensitivity|anaphyla\\w*)(?![a-z])");

  /** Anywhere in the clause: an instruction, or a treatment's failure rather than its use. */
  private static final Pattern CLAUSE_SKIP =
      Pattern.compile(
          "(?<![a-z])(?:(?:should|must|will|to) (?:be )?(?:stopped|discontinued|withheld|held)"
              + "|discontinu\\w*|washout|wash-out|fail\\w*|resistan\\w*|intoleran\\w*"
              + "|refractory|exclud\\w*)(?![a-z])");

  private static final Pattern DURATION_BEFORE =
      Pattern.compile("(?:for|more than|at least|over|longer than|greater than) $");
  private static final Pattern NAIVE = Pattern.compile("^[ -]*(?:naive|naïve)\\b");
  private static final Pattern SKIP =
      Pattern.compile(
          "(?<![a-z])(?:planned|planning|plan|plans|list|listed|scheduled|anticipated|expected|intend\\w*|will"
              + "|candidate|candidates|awaiting|waiting|need for|discontinu\\w*|washout|wash-out"
              + "|stop|stopped|willing|agree\\w*|able to|unable to|during the study|during the trial"
              + "|throughout|eligible for|indication for|indicated|contraindicat\\w*|fail\\w*"
              + "|intoleran\\w*|resistan\\w*|refractory|progress\\w*|relapse\\w*|response"
              + "|responded|allowed|permitted|acceptable|may|can)(?![a-z])");
  private static final Pattern QUALIFIER =
      Pattern.compile(
          "(?<![a-z])(?:stable|dose|doses|dosage|dosing|high[- ]dose|low[- ]dose|long[- ]term"
              + "|chronic|more than|at least|longer than|regimen|duration|daily|mg|except|unless"
              + "|other than|excluding|major|minor|recent|recently|continuous|prolonged|less than|fewer than"
              + "|intensive|maintenance|adjuvant|neoadjuvant|palliative|curative|multiple|repeated"
              + "|extensive|course|courses|cycles?|line|lines|same|similar|related|specific"
              + "|regular|regularly|chronically|equivalent|long time|prophyla\\w*)(?![a-z])");
  private static final Pattern ALLERGY =
      Pattern.compile(
          "(?<![a-z])(?:allerg\\w*|hypersensitiv\\w*|anaphyla\\w*|sensitivity|sensitivities"
              + "|sensitive)(?![a-z])");
  private static final Pattern STUDY_DRUG =
      Pattern.compile(
          "(?<![a-z])(?:(?:study|investigational|trial|test)[ -](?:drugs?|medications?|products?"
              + "|treatments?|agents?|interventions?|vaccines?|medicinal products?|compounds?"
              + "|therapy|therapies)|investigational medicinal products?|imp|study(?= or | and |$))"
              + "(?![a-z])");
  private static final Map<String, Integer> WORDS =
      Map.of(
          "one", 1, "two", 2, "three", 3, "four", 4, "five", 5, "six", 6, "eight", 8, "twelve", 12);

  private Treatments() {}

  /** Adds the criteria of the medications, procedures and allergies the item names. */
  static void find(
      ItemText text, String item, List<Mentions.Mention> named, List<Criterion> found) {
    List<Mentions.Mention> group = new ArrayList<>();
    Criterion shape = null;
    for (Mentions.Mention mention : named) {
      Concept.Kind kind = mention.concept().kind();
      if (kind != Concept.Kind.MEDICATION && kind != Concept.Kind.PROCEDURE) {
        continue;
      }
      Criterion criterion = read(text, item, mention);
      if (criterion == null) {
        continue;
      }
      boolean joined =
          shape != null
              && criterion.kind() == shape.kind()
              && criterion.exclusion() == shape.exclusion()
              && criterion.history() == shape.history()
              && criterion.qualified() == shape.qualified()
              && java.util.Objects.equals(criterion.range(), shape.range())
              && CriteriaParser.alternatives(
                  text, group.get(group.size() - 1).end(), mention.start());
      if (shape != null && !joined) {
        found.add(withConcepts(shape, group));
        group = new ArrayList<>();
      }
      group.add(mention);
      shape = criterion;
    }
    if (shape != null) {
      found.add(withConcepts(shape, group));
    }
    studyDrugAllergy(text, item, found);
  }

  private static Criterion withConcepts(Criterion shape, List<Mentions.Mention> group) {
    List<String> ids = new ArrayList<>();
    for (Mentions.Mention mention : group) {
      if (!ids.contains(mention.concept().id())) {
        ids.add(mention.concept().id());
      }
    }
    return new Criterion(
        shape.kind(),
        shape.exclusion(),
        shape.sentence(),
        shape.origin(),
        ids,
        shape.history(),
        shape.qualified(),
        shape.range(),
        shape.value());
  }

  /** The criterion one mention yields, without its concepts, or null when it yields none. */
  private static Criterion read(ItemText text, String item, Mentions.Mention mention) {
    String s = text.text();
    int clauseStart = text.clauseStart(mention.start());
    int clauseEnd = text.clauseEnd(mention.end());
    String before = s.substring(Math.max(clauseStart, mention.start() - 60), mention.start());
    String after = s.substring(mention.end(), Math.min(clauseEnd, mention.end() + 60));
    if (Negation.modifier(text, mention.start(), mention.end())
        || Negation.conditional(text, mention.start())
        || SKIP.matcher(before).find()
        || SKIP.matcher(after.length() > 30 ? after.substring(0, 30) : after).find()
        || CLAUSE_SKIP.matcher(s.substring(clauseStart, clauseEnd)).find()) {
      return null;
    }
    text.use(mention.start(), mention.end());
    boolean negated = Negation.negated(text, mention.start(), mention.end());
    if (mention.concept().kind() == Concept.Kind.MEDICATION) {
      Matcher allergyAfter = ALLERGY_AFTER.matcher(after);
      Matcher allergy = ALLERGY.matcher(before);
      if (allergyAfter.find()) {
        use(text, mention.end(), allergyAfter.end());
        return Criterion.of(CriterionKind.ALLERGY, negated, item);
      }
      if (allergy.find()) {
        int offset = mention.start() - before.length();
        use(text, offset + allergy.start(), allergy.end() - allergy.start());
        return Criterion.of(CriterionKind.ALLERGY, negated, item);
      }
    }
    Matcher naive = NAIVE.matcher(after);
    if (naive.find()) {
      use(text, mention.end(), naive.end());
      negated = !negated;
    }
    Interval window = null;
    String clause = s.substring(clauseStart, clauseEnd);
    Matcher w = WINDOW.matcher(clause);
    boolean windowed = false;
    while (!windowed && w.find()) {
      windowed = !DURATION_BEFORE.matcher(clause.substring(0, w.start())).find();
    }
    if (windowed) {
      String number = w.group(1) != null ? w.group(1) : w.group(3);
      String unit = w.group(1) != null ? w.group(2) : w.group(4);
      window = Interval.atMost(amount(number), true, ucum(unit));
      use(text, clauseStart + w.start(), w.end() - w.start());
    }
    Matcher past = PAST.matcher(before);
    Matcher pastAfter = PAST_AFTER.matcher(after);
    Matcher current = CURRENT.matcher(before);
    boolean isPast = past.find() || pastAfter.find();
    boolean isCurrent = current.find();
    if (isPast) {
      markLast(text, mention.start() - before.length(), before, PAST);
    }
    if (isCurrent) {
      markLast(text, mention.start() - before.length(), before, CURRENT);
    }
    boolean history;
    boolean qualified =
        QUALIFIER.matcher(before.substring(Math.max(0, before.length() - 40))).find()
            || QUALIFIER.matcher(s.substring(mention.end(), clauseEnd)).find();
    if (window != null) {
      history = false;
    } else if (isCurrent && !isPast) {
      history = false;
    } else if (isPast || NAIVE.matcher(after).find()) {
      history = true;
    } else {
      // no word says when: any time counts, but having it does not decide
      history = true;
      qualified = true;
    }
    CriterionKind kind =
        mention.concept().kind() == Concept.Kind.MEDICATION
            ? CriterionKind.MEDICATION
            : CriterionKind.PROCEDURE;
    return new Criterion(
        kind, negated, item, Origin.TEXT_DERIVED, List.of(), history, qualified, window, null);
  }

  /** "Hypersensitivity to the study drug (or its excipients)": an allergy to the intervention. */
  private static void studyDrugAllergy(ItemText text, String item, List<Criterion> found) {
    String s = text.text();
    Matcher allergy = ALLERGY.matcher(s);
    while (allergy.find()) {
      int end = text.clauseEnd(allergy.end());
      Matcher drug =
          STUDY_DRUG.matcher(s.substring(allergy.end(), Math.min(end, allergy.end() + 80)));
      if (!drug.find() || Negation.conditional(text, allergy.start())) {
        continue;
      }
      use(text, allergy.start(), allergy.end() - allergy.start());
      use(text, allergy.end() + drug.start(), drug.end() - drug.start());
      found.add(
          new Criterion(
              CriterionKind.ALLERGY,
              Negation.negated(text, allergy.start(), allergy.end()),
              item,
              Origin.TEXT_DERIVED,
              List.of(),
              false,
              false,
              null,
              Criterion.STUDY_DRUG));
      return;
    }
  }

  private static void markLast(ItemText text, int offset, String before, Pattern pattern) {
    Matcher m = pattern.matcher(before);
    int start = -1;
    int end = -1;
    while (m.find()) {
      start = m.start();
      end = m.end();
    }
    if (start >= 0) {
      use(text, offset + start, end - start);
    }
  }

  private static void use(ItemText text, int start, int length) {
    text.use(start, start + length);
  }

  private static BigDecimal amount(String number) {
    Integer word = WORDS.get(number);
    return BigDecimal.valueOf(word != null ? word : Integer.parseInt(number));
  }

  private static String ucum(String unit) {
    if (unit.startsWith("d")) {
      return "d";
    }
    if (unit.startsWith("w")) {
      return "wk";
    }
    if (unit.startsWith("m")) {
      return "mo";
    }
    return "a";
  }
}
