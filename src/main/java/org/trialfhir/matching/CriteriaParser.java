package org.trialfhir.matching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the free text of a study's criteria into {@link Criterion} objects. Each part (inclusion,
 * exclusion) is split into list items first; one item may yield several criteria: ECOG performance
 * status, an age range, BMI, laboratory thresholds, pregnancy and breastfeeding, and conditions
 * from the terminology table, each negated, qualified or marked "history of" as its words say;
 * medications, procedures and allergies ({@link Treatments}). An item with words left over that
 * nothing recognised yields, in addition, an {@code other} criterion with the whole sentence, which
 * the matcher always reports as unknown.
 */
public final class CriteriaParser {
  private static final String COMPARATOR =
      "(>=|=>|<=|=<|>|<|greater than or equal to|at least|not less than|no less than|older than"
          + "|younger than|greater than|more than|over|above|less than|under|below|up to"
          + "|no more than|not more than|not older than|maximum of|minimum of)";
  private static final Pattern AGE_RANGE =
      Pattern.compile(
          "(?:\\bage[ds]?\\b[^0-9;]{0,25}?|(?<![\\d.,])(?=\\d{1,3} ?(?:-|to|and) ?\\d{1,3} ?(?:years|yrs)))"
              + "(\\d{1,3}) ?(?:years? ?)?(?:-|to|and) ?(\\d{1,3})(?![\\d.%])");
  private static final Pattern AGE_COMPARED =
      Pattern.compile(
          "(?:\\bage[ds]?\\b[^0-9;<>=]{0,20}?"
              + COMPARATOR
              + " ?(\\d{1,3})(?![\\d.%])"
              + "|"
              + COMPARATOR
              + " ?(\\d{1,3}) ?(?:years|yrs|year-old|years-old))");
  private static final Pattern AGE_TRAILING =
      Pattern.compile(
          "(?:(?<=\\bage[ds]? )|(?<=\\bage[ds]? of ))?(\\d{1,3}) ?(?:years|yrs)?(?: of age| old)?"
              + " (?:or|and) (older|above|over|more|greater|younger|below|less|under)\\b"
              + "(?<=(?:years|yrs|age|old) (?:or|and) \\w{4,7}|\\d (?:or|and) \\w{4,7})");
  private static final Pattern ECOG =
      Pattern.compile(
          "(?:ecog|zubrod|eastern cooperative oncology group|(?<!karnofsky )performance status)");
  private static final Pattern ECOG_VALUE =
      Pattern.compile(
          "^[^0-9;<>=]{0,35}?(?:([0-5]) ?(?:-|to) ?([0-5])|([0-5](?: ?,? ?(?:or|and)? ?[0-5])+)"
              + "|"
              + COMPARATOR
              + " ?([0-5])|([0-5]) or (?:better|less|lower|below)"
              + "|(?<![a-z])([0-5]))(?![\\d.%])");
  private static final Pattern BMI = Pattern.compile("\\b(?:bmi|body mass index)\\b");
  private static final Pattern PREGNANCY = Pattern.compile("\\bpregnan(?:t|cy|cies)\\b");
  private static final Pattern BREASTFEEDING =
      Pattern.compile(
          "\\b(?:breast[- ]?feed\\w*|lactating|lactation|nursing(?! home| facilit| staff| care))");
  private static final Pattern FUTURE =
      Pattern.compile(
          "(?:become|becoming|get|getting|planning|plan|plans|intend\\w*|wish\\w*|desire\\w*"
              + "|avoid\\w*|prevent\\w*|attempt\\w*|trying|father\\w*|partner\\w*|against"
              + "|precaution\\w*|contracep\\w*|birth control|this|during|after|before|prior)"
              + "[^;]{0,25}$");
  private static final Pattern VIRAL_LOAD = Pattern.compile("\\bviral load\\b");
  private static final Pattern OTHER_VIRUS =
      Pattern.compile("\\b(?:cmv|ebv|hbv|hcv|hepatitis|cytomegalovirus|epstein|hpv|htlv)\\b");
  private static final String HIV_VIRAL_LOAD = "hiv-viral-load";

  private final Terminology terminology;
  private final Mentions mentions;

  public CriteriaParser(Terminology terminology) {
    this.terminology = terminology;
    this.mentions = new Mentions(terminology.concepts());
  }

  /** A parser over the standard concept table. */
  public static CriteriaParser standard() {
    return Holder.STANDARD;
  }

  private static final class Holder {
    static final CriteriaParser STANDARD = new CriteriaParser(Terminology.standard());
  }

  /** Every criterion of one part of the criteria text (its items, in order). */
  public List<Criterion> parsePart(String text, boolean exclusion) {
    List<Criterion> criteria = new ArrayList<>();
    for (String item : CriteriaItems.split(text)) {
      criteria.addAll(parseItem(item, exclusion));
    }
    return criteria;
  }

  /** The criteria of one list item, in the part that {@code exclusion} names. */
  public List<Criterion> parseItem(String item, boolean exclusion) {
    ItemText text = new ItemText(item);
    List<Criterion> found = new ArrayList<>();
    ecog(text, item, found);
    age(text, item, found);
    List<int[]> numericSpans = new ArrayList<>(bmi(text, item, found));
    List<Mentions.Mention> named = mentions.find(text.text());
    numericSpans.addAll(labs(text, item, named, found));
    pregnancy(text, item, PREGNANCY, CriterionKind.PREGNANCY, found);
    pregnancy(text, item, BREASTFEEDING, CriterionKind.BREASTFEEDING, found);
    conditions(text, item, exclusion, named, numericSpans, found);
    Treatments.find(text, item, named, found);
    boolean ambiguous = dropRepeatedLabs(found);
    dropPartialAlternatives(text, exclusion, found);
    Map<String, Criterion> unique = new LinkedHashMap<>();
    for (Criterion criterion : found) {
      Criterion oriented = exclusion ? criterion.negated() : criterion;
      unique.putIfAbsent(oriented.notation(), oriented);
    }
    if (unique.isEmpty() || ambiguous || text.leftoverWords() >= 2) {
      Criterion other = Criterion.of(CriterionKind.OTHER, exclusion, item);
      unique.putIfAbsent(other.notation(), other);
    }
    return List.copyOf(unique.values());
  }

  /**
   * A required condition among alternatives the parser did not all recognise ("insulin resistance
   * or prediabetes or type 2 diabetes" when only the last is known) would wrongly fail a patient
   * who has one of the others: such an item keeps only its text.
   */
  private static void dropPartialAlternatives(
      ItemText text, boolean exclusion, List<Criterion> found) {
    if (text.text().contains(" or ") && text.leftoverWords() >= 1) {
      found.removeIf(
          c ->
              (c.kind() == CriterionKind.CONDITION
                      || c.kind() == CriterionKind.MEDICATION
                      || c.kind() == CriterionKind.PROCEDURE)
                  && c.exclusion() == exclusion);
    }
  }

  /**
   * One item with two thresholds for the same test ("CD4 at most 200 … patients with CD4 above 200
   * who …") is ambiguous: neither is kept, and the item stays an {@code other} sentence.
   */
  private static boolean dropRepeatedLabs(List<Criterion> found) {
    Map<String, Long> counts = new java.util.HashMap<>();
    for (Criterion criterion : found) {
      if (criterion.kind() == CriterionKind.LAB) {
        counts.merge(criterion.concepts().get(0), 1L, Long::sum);
      }
    }
    return found.removeIf(
        c -> c.kind() == CriterionKind.LAB && counts.get(c.concepts().get(0)) > 1);
  }

  private void ecog(ItemText text, String item, List<Criterion> found) {
    Matcher m = ECOG.matcher(text.text());
    while (m.find()) {
      String rest = text.text().substring(m.end(), text.clauseEnd(m.end()));
      Matcher v = ECOG_VALUE.matcher(rest);
      if (!v.find()) {
        continue;
      }
      Interval range;
      if (v.group(1) != null) {
        range = Interval.closed(new BigDecimal(v.group(1)), new BigDecimal(v.group(2)), null);
      } else if (v.group(3) != null) {
        int[] scores = v.group(3).chars().filter(Character::isDigit).map(c -> c - '0').toArray();
        range =
            Interval.closed(
                BigDecimal.valueOf(java.util.Arrays.stream(scores).min().orElseThrow()),
                BigDecimal.valueOf(java.util.Arrays.stream(scores).max().orElseThrow()),
                null);
      } else if (v.group(4) != null) {
        range = compared(v.group(4), new BigDecimal(v.group(5)), null);
      } else if (v.group(6) != null) {
        range = Interval.atMost(new BigDecimal(v.group(6)), true, null);
      } else {
        BigDecimal only = new BigDecimal(v.group(7));
        range = Interval.closed(only, only, null);
      }
      if (range.low() != null && range.high() != null && range.low().compareTo(range.high()) > 0) {
        continue;
      }
      text.use(m.start(), m.end() + v.end());
      found.add(
          oriented(text, m.start(), m.end(), 20, structured(CriterionKind.ECOG, item, range)));
    }
  }

  private void age(ItemText text, String item, List<Criterion> found) {
    String s = text.text();
    Interval best = null;
    int start = s.length();
    int end = 0;
    Matcher range = AGE_RANGE.matcher(s);
    if (range.find() && range.start() < start) {
      BigDecimal low = new BigDecimal(range.group(1));
      BigDecimal high = new BigDecimal(range.group(2));
      if (low.compareTo(high) < 0 && high.intValue() <= 120) {
        best = Interval.closed(low, high, "a");
        start = range.start();
        end = range.end();
      }
    }
    Matcher compared = AGE_COMPARED.matcher(s);
    while (compared.find() && compared.start() < start) {
      String comparator = compared.group(1) != null ? compared.group(1) : compared.group(3);
      String number = compared.group(1) != null ? compared.group(2) : compared.group(4);
      BigDecimal value = new BigDecimal(number);
      if (value.intValue() <= 120) {
        best = compared(comparator, value, "a");
        start = compared.start();
        end = compared.end();
        break;
      }
    }
    Matcher trailing = AGE_TRAILING.matcher(s);
    if (trailing.find() && trailing.start() < start) {
      BigDecimal value = new BigDecimal(trailing.group(1));
      boolean up = trailing.group(2).matches("older|above|over|more|greater");
      best = up ? Interval.atLeast(value, true, "a") : Interval.atMost(value, true, "a");
      start = trailing.start();
      end = trailing.end();
    }
    if (best != null) {
      text.use(start, end);
      found.add(structured(CriterionKind.AGE, item, best));
    }
  }

  /** BMI thresholds; returns the spans they used. */
  private List<int[]> bmi(ItemText text, String item, List<Criterion> found) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = BMI.matcher(text.text());
    while (m.find()) {
      int to = Math.min(text.clauseEnd(m.end()), m.end() + 60);
      Optional<Thresholds.Found> threshold = Thresholds.find(text.text(), m.end(), to, "kg/m2");
      if (threshold.isPresent()) {
        text.use(m.start(), threshold.get().end());
        spans.add(new int[] {m.start(), threshold.get().end()});
        found.add(
            oriented(
                text,
                m.start(),
                m.end(),
                20,
                structured(CriterionKind.BMI, item, threshold.get().interval())));
      }
    }
    return spans;
  }

  /** Lab thresholds; returns the spans they used, so conditions beside them can be qualified. */
  private List<int[]> labs(
      ItemText text, String item, List<Mentions.Mention> named, List<Criterion> found) {
    List<Mentions.Mention> labs = new ArrayList<>();
    for (Mentions.Mention mention : named) {
      if (mention.concept().lab()) {
        labs.add(mention);
      }
    }
    Matcher viral = VIRAL_LOAD.matcher(text.text());
    while (viral.find()) {
      String clause =
          text.text().substring(text.clauseStart(viral.start()), text.clauseEnd(viral.end()));
      boolean covered =
          labs.stream().anyMatch(l -> l.start() <= viral.start() && l.end() >= viral.end());
      if (!covered && clause.contains("hiv") && !OTHER_VIRUS.matcher(clause).find()) {
        terminology
            .concept(HIV_VIRAL_LOAD)
            .ifPresent(c -> labs.add(new Mentions.Mention(c, viral.start(), viral.end())));
      }
    }
    labs.sort((a, b) -> Integer.compare(a.start(), b.start()));
    List<int[]> spans = new ArrayList<>();
    for (int i = 0; i < labs.size(); i++) {
      Mentions.Mention lab = labs.get(i);
      int to = Math.min(text.clauseEnd(lab.end()), lab.end() + 80);
      if (i + 1 < labs.size()) {
        to = Math.min(to, labs.get(i + 1).start());
      }
      String defaultUnit = "%".equals(lab.concept().unit()) ? "%" : null;
      Optional<Thresholds.Found> threshold =
          Thresholds.find(text.text(), lab.end(), Math.max(to, lab.end()), defaultUnit);
      if (threshold.isEmpty()
          || !Units.isValid(threshold.get().interval().unit())
          || Negation.conditional(text, lab.start())) {
        continue;
      }
      Interval range = threshold.get().interval();
      int end = threshold.get().end();
      boolean outside = false;
      Optional<Thresholds.Compound> compound = Thresholds.second(text.text(), threshold.get());
      if (compound.isPresent()) {
        range = compound.get().range();
        outside = compound.get().outside();
        end = compound.get().end();
      }
      text.use(lab.start(), end);
      spans.add(new int[] {lab.start(), end});
      Criterion criterion =
          new Criterion(
              CriterionKind.LAB,
              false,
              item,
              Origin.TEXT_DERIVED,
              List.of(lab.concept().id()),
              false,
              false,
              range,
              null);
      criterion = oriented(text, lab.start(), lab.end(), 20, criterion);
      found.add(outside ? criterion.negated() : criterion);
    }
    return spans;
  }

  private void pregnancy(
      ItemText text, String item, Pattern pattern, CriterionKind kind, List<Criterion> found) {
    Matcher m = pattern.matcher(text.text());
    while (m.find()) {
      String before =
          text.text().substring(Math.max(text.clauseStart(m.start()), m.start() - 40), m.start());
      if (FUTURE.matcher(before).find()) {
        continue;
      }
      String after = text.text().substring(m.end());
      if (after.startsWith(" test")) {
        String around =
            text.text()
                .substring(
                    Math.max(0, m.start() - 25), Math.min(text.text().length(), m.end() + 30));
        if (!around.contains("negative") && !around.contains("positive")) {
          continue;
        }
      }
      text.use(m.start(), m.end());
      found.add(oriented(text, m.start(), m.end(), Criterion.of(kind, false, item)));
    }
  }

  private void conditions(
      ItemText text,
      String item,
      boolean exclusion,
      List<Mentions.Mention> named,
      List<int[]> labSpans,
      List<Criterion> found) {
    List<Mentions.Mention> group = new ArrayList<>();
    boolean negated = false;
    boolean history = false;
    boolean qualified = false;
    for (Mentions.Mention mention : named) {
      if (!mention.concept().condition()
          || Negation.modifier(text, mention.start(), mention.end())
          || Negation.conditional(text, mention.start())) {
        continue;
      }
      text.use(mention.start(), mention.end());
      boolean n = Negation.negated(text, mention.start(), mention.end());
      boolean h = Negation.history(text, mention.start());
      boolean beside = besideLab(text, mention, labSpans);
      if (beside && exclusion == n) {
        // a required condition defined by the threshold beside it ("obesity with BMI above 30"):
        // the threshold decides
        continue;
      }
      boolean q = Negation.qualified(text, mention.start(), mention.end()) || beside;
      boolean separate =
          !group.isEmpty()
              && exclusion == n
              && !alternatives(text, group.get(group.size() - 1).end(), mention.start());
      if (!group.isEmpty() && (separate || n != negated || h != history || q != qualified)) {
        found.add(condition(item, group, negated, history, qualified));
        group = new ArrayList<>();
      }
      group.add(mention);
      negated = n;
      history = h;
      qualified = q;
    }
    if (!group.isEmpty()) {
      found.add(condition(item, group, negated, history, qualified));
    }
  }

  /**
   * Whether two conditions of an inclusion are alternatives ("HIV or HBV", "HBV/HCV"); otherwise
   * each is required on its own.
   */
  static boolean alternatives(ItemText text, int from, int to) {
    String between = text.text().substring(from, Math.max(from, to));
    if (between.contains(" or ") || between.contains("/") || between.contains("and/or")) {
      return true;
    }
    String rest = text.text().substring(from, text.clauseEnd(from));
    return between.matches("[ ,]*") && (rest.contains(" or ") || rest.contains("and/or"));
  }

  /** A condition in the same comma-separated part as a lab threshold is qualified by it. */
  private static boolean besideLab(ItemText text, Mentions.Mention mention, List<int[]> labSpans) {
    for (int[] span : labSpans) {
      int from = Math.min(span[0], mention.end());
      int to = Math.max(span[0], mention.end());
      String between = text.text().substring(from, to);
      if (!between.contains(",") && !between.contains(";") && !between.contains(". ")) {
        return true;
      }
    }
    return false;
  }

  /** One condition criterion naming every concept of a group, any of which counts. */
  private static Criterion condition(
      String item,
      List<Mentions.Mention> group,
      boolean negated,
      boolean history,
      boolean qualified) {
    List<String> ids = new ArrayList<>();
    for (Mentions.Mention mention : group) {
      if (!ids.contains(mention.concept().id())) {
        ids.add(mention.concept().id());
      }
    }
    return new Criterion(
        CriterionKind.CONDITION,
        negated,
        item,
        Origin.TEXT_DERIVED,
        ids,
        history,
        qualified,
        null,
        null);
  }

  private static Criterion structured(CriterionKind kind, String item, Interval range) {
    return new Criterion(
        kind, false, item, Origin.TEXT_DERIVED, List.of(), false, false, range, null);
  }

  private static Criterion oriented(ItemText text, int start, int end, Criterion criterion) {
    return oriented(text, start, end, 60, criterion);
  }

  private static Criterion oriented(
      ItemText text, int start, int end, int reach, Criterion criterion) {
    return Negation.negated(text, start, end, reach) ? criterion.negated() : criterion;
  }

  private static Interval compared(String comparator, BigDecimal value, String unit) {
    return switch (comparator) {
      case ">=",
          "=>",
          "greater than or equal to",
          "at least",
          "not less than",
          "no less than",
          "minimum of" ->
          Interval.atLeast(value, true, unit);
      case ">", "older than", "greater than", "more than", "over", "above" ->
          Interval.atLeast(value, false, unit);
      case "<=", "=<", "up to", "no more than", "not more than", "not older than", "maximum of" ->
          Interval.atMost(value, true, unit);
      default -> Interval.atMost(value, false, unit);
    };
  }
}
