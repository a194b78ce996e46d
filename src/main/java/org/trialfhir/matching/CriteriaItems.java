package org.trialfhir.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits one part of the criteria text (inclusion or exclusion) into its list items. An item starts
 * at a line with a list marker ({@code 1.}, {@code 2)}, {@code a.}, {@code (3)}, {@code *}, {@code
 * -}, {@code •}) or after a blank line; a line without a marker continues the item above it. Each
 * item is returned verbatim without its marker; items that end with a colon are headings of the
 * items below them and are left out.
 */
final class CriteriaItems {
  private static final Pattern MARKER =
      Pattern.compile(
          "^[ \\t]*(?:\\\\?[*\\-+•·●○▪◦■□–]|\\(?(?:\\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)](?!\\d))[ \\t]+");

  private CriteriaItems() {}

  static List<String> split(String text) {
    List<String> items = new ArrayList<>();
    StringBuilder current = null;
    boolean blankBefore = true;
    for (String line : text.split("\\R", -1)) {
      if (line.isBlank()) {
        blankBefore = true;
        continue;
      }
      Matcher marker = MARKER.matcher(line);
      boolean starts = marker.find();
      String content = starts ? line.substring(marker.end()) : line;
      if (current == null || starts || blankBefore) {
        add(items, current);
        current = new StringBuilder(content.strip());
      } else {
        current.append('\n').append(content.strip());
      }
      blankBefore = false;
    }
    add(items, current);
    return items;
  }

  private static void add(List<String> items, StringBuilder item) {
    if (item == null) {
      return;
    }
    String text = item.toString().strip();
    if (!text.isEmpty() && !text.endsWith(":")) {
      items.add(text);
    }
  }
}
