package io.payg.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Where SQL lives in the gateway's main code: statements are issued only from {@code …Store}
 * classes (and the server-level database checks of {@code db.DatabaseServer}), and written
 * as text blocks, never as plain string literals glued together. Files still waiting for that are
 * listed in sql-layout-pending.txt; a listed file that becomes clean fails the test until it is
 * struck, so the list only shrinks.
 */
class SqlLayoutTest {

  static final Path MAIN = Path.of("src/main/java").toAbsolutePath();

  static final String PENDING = "/sql-layout-pending.txt";

  /** A plain literal that reads as SQL: a statement or clause keyword, then SQL. */
  private static final Pattern SQL_LITERAL = Pattern.compile(
      "\"\\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH|FROM|WHERE|AND|ORDER BY|RETURNING|VALUES"
          + "|JOIN|LEFT JOIN|ON CONFLICT|FOR UPDATE)\\s[^\"]*\"");

  /** A call that sends a statement to the database. */
  private static final Pattern ISSUES_SQL =
      Pattern.compile("\\.(preparedQuery|query)\\(\\s*(\"|[A-Z_]+\\b)");

  private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"(?s:.*?)\"\"\"");

  private static final Set<String> MAY_ISSUE_SQL = Set.of(
      // the server-level checks (CREATE DATABASE for tests and the demo) over JDBC
      "io/payg/gateway/db/DatabaseServer.java");

  @Test
  void statementsAreTextBlocksInStores() throws IOException {
    Set<String> pending = Set.copyOf(ReadPending.lines(getClass().getResourceAsStream(PENDING)));
    List<String> wrong = new ArrayList<>();
    Set<String> dirty = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(MAIN)) {
      files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    for (Path file : files) {
      String rel = MAIN.relativize(file).toString().replace('\\', '/');
      String src = Files.readString(file, StandardCharsets.UTF_8);
      String code = withoutComments(TEXT_BLOCK.matcher(src).replaceAll("\"\"\"\"\"\""));
      List<String> problems = new ArrayList<>();
      Matcher m = SQL_LITERAL.matcher(code);
      while (m.find()) {
        problems.add(
            "SQL in a plain string literal, line " + line(code, m.start()) + ": " + m.group());
      }
      if (!rel.endsWith("Store.java") && !MAY_ISSUE_SQL.contains(rel)) {
        Matcher q = ISSUES_SQL.matcher(code);
        while (q.find()) {
          problems.add("SQL issued outside a store, line " + line(code, q.start()));
        }
      }
      if (!problems.isEmpty()) {
        dirty.add(rel);
        if (!pending.contains(rel)) {
          problems.forEach(p -> wrong.add(rel + ": " + p));
        }
      }
    }
    assertTrue(
        wrong.isEmpty(),
        "write the statement as a text block in its store:\n" + String.join("\n", wrong));
    Set<String> cleaned = new TreeSet<>(pending);
    cleaned.removeAll(dirty);
    assertTrue(cleaned.isEmpty(), "clean now, strike from " + PENDING + ": " + cleaned);
  }

  private static int line(String code, int offset) {
    return (int) code.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  /** Comments blanked with their line breaks kept, so line numbers still point at the source. */
  private static String withoutComments(String src) {
    StringBuilder out = new StringBuilder(src.length());
    Matcher m =
        Pattern.compile("//[^\n]*|/\\*(?s:.*?)\\*/|\"(?:[^\"\\\\\n]|\\\\.)*\"").matcher(src);
    int last = 0;
    while (m.find()) {
      out.append(src, last, m.start());
      String t = m.group();
      out.append(t.startsWith("\"") ? t : t.replaceAll("[^\n]", " "));
      last = m.end();
    }
    return out.append(src.substring(last)).toString();
  }

  /** The pending list: one path (below src/main/java) a line; # comments and blank lines skipped. */
  static final class ReadPending {
    static List<String> lines(InputStream in) throws IOException {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .collect(Collectors.toList());
    }
  }
}
