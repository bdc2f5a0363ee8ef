package io.payg.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The style every module's Java sources keep (src/main and src/test, from the repository root):
 * no line over 120 characters, except a comment that is only a URL or a repo:path citation; no
 * fully-qualified type name inline in code where an import would do (imports, package lines,
 * comments and strings aside), except the real name clashes of {@link #CLASHES}.
 */
class SourceStyleTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final int MAX_LINE = 120;

  /** Inline names kept on purpose: file (from the root) and name, with why an import cannot do. */
  static final Map<String, String> CLASHES = Map.of(
      // GatewayApp imports io.vertx.sqlclient.PoolOptions (the database pools)
      "gateway/src/main/java/io/payg/gateway/GatewayApp.java|io.vertx.core.http.PoolOptions",
          "sql PoolOptions",
      // the test imports logback's Logger to set the level; slf4j's names the root logger
      "telco-adapters/src/test/java/io/payg/telco/SimulatorRoundTripTest.java|org.slf4j.Logger",
          "logback Logger");

  /**
   * Files not yet clean, one path a line in source-style-pending.txt: the long lines wait for the
   * formatter pass over the whole tree, the token and payment packages and the manufacturer
   * issuers for the branch that edits them. A listed file that becomes clean fails the test until
   * it is struck from the list, so the list only shrinks.
   */
  static final String PENDING = "/source-style-pending.txt";

  private static final Pattern FQN =
      Pattern.compile("(?<![\\w.])((?:io|java|javax|org|com|jdk)\\.(?:[a-z_]\\w*\\.)+[A-Z]\\w*)");

  /** A comment line that is a single token (a URL or a repo:path citation), optionally after "word:". */
  private static final Pattern CITATION = Pattern.compile("^(?://+|/?\\*+)\\s*(\\w+:\\s+)?\\S+$");

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

  @Test
  void everySourceFileKeepsTheStyle() throws IOException {
    Map<String, List<String>> found = new TreeMap<>();
    for (Path file : sources()) {
      String path = ROOT.relativize(file).toString().replace('\\', '/');
      List<String> problems = problems(path, Files.readAllLines(file, StandardCharsets.UTF_8));
      if (!problems.isEmpty()) {
        found.put(path, problems);
      }
    }
    Set<String> pending = pending();
    List<String> unexpected = new ArrayList<>();
    found.forEach((path, problems) -> {
      if (!pending.contains(path)) {
        problems.forEach(p -> unexpected.add(path + ":" + p));
      }
    });
    assertTrue(
        unexpected.isEmpty(),
        "style violations (wrap the line, or import the name):\n" + String.join("\n", unexpected));
    Set<String> cleaned = new TreeSet<>(pending);
    cleaned.removeAll(found.keySet());
    assertTrue(cleaned.isEmpty(), "clean now, strike from " + PENDING + ": " + cleaned);
  }

  /** Line number and what is wrong, for each violation in {@code lines} of {@code path}. */
  static List<String> problems(String path, List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean textBlock = false;
    boolean comment = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (line.length() > MAX_LINE && !CITATION.matcher(trimmed).matches()) {
        out.add((i + 1) + ": " + line.length() + " characters");
      }
      boolean opensOrClosesBlock = countOf(trimmed, "\"\"\"") % 2 == 1;
      if (textBlock || opensOrClosesBlock) {
        textBlock ^= opensOrClosesBlock;
        continue;
      }
      if (comment) {
        comment = !trimmed.contains("*/");
        continue;
      }
      if (trimmed.startsWith("/*")) {
        comment = !trimmed.contains("*/");
        continue;
      }
      if (trimmed.startsWith("*")
          || trimmed.startsWith("//")
          || trimmed.startsWith("import ")
          || trimmed.startsWith("package ")) {
        continue;
      }
      String code = STRING.matcher(line).replaceAll("\"\"");
      int lineComment = code.indexOf("//");
      if (lineComment >= 0) {
        code = code.substring(0, lineComment);
      }
      Matcher m = FQN.matcher(code);
      while (m.find()) {
        if (!CLASHES.containsKey(path + "|" + m.group(1))) {
          out.add((i + 1) + ": inline " + m.group(1));
        }
      }
    }
    return out;
  }

  private static int countOf(String s, String part) {
    int n = 0;
    for (int at = s.indexOf(part); at >= 0; at = s.indexOf(part, at + part.length())) {
      n++;
    }
    return n;
  }

  /** Every module's src/main/java and src/test/java under the root. */
  private static List<Path> sources() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
        for (String set : List.of("main", "test")) {
          Path java = module.resolve("src").resolve(set).resolve("java");
          if (Files.isDirectory(java)) {
            try (Stream<Path> walk = Files.walk(java)) {
              walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
            }
          }
        }
      }
    }
    return out;
  }

  private static Set<String> pending() throws IOException {
    Set<String> paths = new TreeSet<>();
    try (var in = SourceStyleTest.class.getResourceAsStream(PENDING)) {
      if (in != null) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank() && !line.startsWith("#")) {
            paths.add(line.strip());
          }
        }
      }
    }
    return paths;
  }
}
