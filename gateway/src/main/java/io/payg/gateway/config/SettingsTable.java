package io.payg.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The README's configuration table, written from {@link Setting} (one row per setting, or per group). */
public final class SettingsTable {

  private SettingsTable() {}

  public static String markdown() {
    StringBuilder out =
        new StringBuilder("| variable | default | meaning |\n| --- | --- | --- |\n");
    List<Setting> row = new ArrayList<>();
    for (Setting s : Setting.values()) {
      if (s.startsRow() && !row.isEmpty()) {
        row(out, row);
        row.clear();
      }
      row.add(s);
    }
    row(out, row);
    return out.toString();
  }

  private static void row(StringBuilder out, List<Setting> row) {
    List<String> names = row.stream().map(s -> "`" + s.name() + "`").toList();
    // settings sharing a row and a default show it once: "(required)", not "(required), (required)"
    Set<String> defaults = new LinkedHashSet<>();
    row.forEach(s -> defaults.add(s.shownDefault()));
    out.append("| ")
        .append(String.join(", ", names))
        .append(" | ")
        .append(cell(String.join(", ", defaults)))
        .append(" | ")
        .append(cell(row.get(0).description()))
        .append(" |\n");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
