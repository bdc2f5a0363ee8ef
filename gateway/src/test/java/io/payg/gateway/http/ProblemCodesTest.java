package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.payment.Refusal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operator and agent operation lists in {@code x-problem-codes} exactly the problem codes
 * its sources can answer: the codes written in the file that mounts the route and in the classes
 * that file uses directly (stores, services), plus the ones every route of its kind can answer
 * (the validator's, authentication's, the database's). A code a route can answer and its
 * operation does not list fails here, and so does a listed code no source of the route writes.
 * The scan is per source file, so an operation lists the codes of its file's other operations too.
 * With {@code -Dcontract.write=true} the expected lists are written to
 * {@code target/problem-codes.json} (merged into openapi.json by hand or a script).
 */
class ProblemCodesTest {

  private static final Path SOURCES = Path.of("src/main/java/io/payg/gateway");
  private static final Pattern MOUNT =
      Pattern.compile("router\\s*\\.(get|post|put|patch|delete)\\(\\s*\"(/api/v1/[^\"]*)\"");
  private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z_]+)\"");
  private static final Pattern CLASS_NAME = Pattern.compile("\\b([A-Z][A-Za-z0-9]+)\\b");
  /** The ApiException helpers and the code each answers. */
  private static final Map<String, String> HELPERS = Map.of(
      "ApiException.badRequest(", "VALIDATION_FAILED",
      "ApiException.notFound(", "NOT_FOUND",
      "ApiException.forbidden(", "FORBIDDEN");

  static JsonObject doc;
  static Set<String> universe;
  static Map<String, String> sources = new TreeMap<>();
  static Map<String, String> byClass = new TreeMap<>();

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = ProblemCodesTest.class.getResourceAsStream("/openapi.json")) {
      doc = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    String description = doc.getJsonObject("info").getString("description");
    String list =
        description.substring(description.indexOf("Codes:"), description.indexOf("## Idempotency"));
    universe = new TreeSet<>();
    Matcher m = Pattern.compile("`([A-Z_]+)`").matcher(list);
    while (m.find()) {
      universe.add(m.group(1));
    }
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String rel = SOURCES.relativize(file).toString().replace('\\', '/');
        sources.put(rel, Files.readString(file));
        byClass.put(file.getFileName().toString().replace(".java", ""), rel);
      }
    }
  }

  @Test
  void everyOperationListsTheCodesItsSourcesCanAnswer() throws IOException {
    Map<String, Set<String>> expected = expected();
    assertTrue(expected.size() > 90, "operations: " + expected.size());
    Map<String, Set<String>> declared = new TreeMap<>();
    forEachOperation((key, op) -> {
      Set<String> codes = new TreeSet<>();
      op.getJsonArray("x-problem-codes", new JsonArray()).forEach(c -> codes.add((String) c));
      declared.put(key, codes);
    });
    if (Boolean.getBoolean("contract.write")) {
      JsonObject out = new JsonObject();
      expected.forEach((k, v) -> out.put(k, new JsonArray(new ArrayList<>(v))));
      Files.writeString(Path.of("target/problem-codes.json"), out.encodePrettily());
    }
    List<String> wrong = new ArrayList<>();
    expected.forEach((key, codes) -> {
      Set<String> have = declared.getOrDefault(key, Set.of());
      Set<String> undeclared = new TreeSet<>(codes);
      undeclared.removeAll(have);
      Set<String> unanswered = new TreeSet<>(have);
      unanswered.removeAll(codes);
      if (!undeclared.isEmpty()) {
        wrong.add(key + " can answer, does not list: " + undeclared);
      }
      if (!unanswered.isEmpty()) {
        wrong.add(key + " lists, no source of it answers: " + unanswered);
      }
    });
    assertEquals(List.of(), wrong);
  }

  @Test
  void everyCodeASourceWritesIsInTheErrorsSection() {
    Set<String> written = new TreeSet<>();
    sources.forEach((rel, src) -> {
      Matcher m = Pattern.compile(
              "ApiException(?:\\((?:\\s*\\d+,)|\\.(?:conflict|unprocessable)\\()\\s*\"([A-Z_]+)\"")
          .matcher(src);
      while (m.find()) {
        if (!m.group(1).endsWith("_")) { // a prefix completed at run time, resolved in written()
          written.add(m.group(1));
        }
      }
    });
    assertTrue(written.size() > 30, "codes written: " + written);
    Arrays.stream(Refusal.values()).map(Enum::name).forEach(written::add);
    written.removeAll(universe);
    assertEquals(
        Set.of(), written, "answered by the code, missing from the contract's Errors section");
  }

  /** What each operation can answer, by the scan described on the class. */
  static Map<String, Set<String>> expected() {
    Map<String, Set<String>> servedBy = new TreeMap<>();
    sources.forEach((rel, src) -> {
      Matcher m = MOUNT.matcher(src);
      while (m.find()) {
        String path = m.group(2).replaceAll(":([A-Za-z]+)", "{$1}");
        servedBy
            .computeIfAbsent(m.group(1).toUpperCase() + " " + path, k -> new TreeSet<>())
            .add(rel);
      }
    });
    Map<String, Set<String>> out = new TreeMap<>();
    boolean securedByDefault = !doc.getJsonArray("security", new JsonArray()).isEmpty();
    forEachOperation((key, op) -> {
      Set<String> files = servedBy.getOrDefault(key, mountedUnderAConstant(key));
      assertTrue(!files.isEmpty(), "a route source mounts " + key);
      Set<String> codes = new TreeSet<>(List.of(
          "VALIDATION_FAILED",
          "UNKNOWN_PARAMETER",
          "INTERNAL_ERROR",
          "DATABASE_BUSY",
          "DATABASE_UNAVAILABLE"));
      JsonArray security = op.getJsonArray("security");
      if (security == null ? securedByDefault : !security.isEmpty()) {
        codes.addAll(List.of("UNAUTHENTICATED", "FORBIDDEN"));
      }
      if (op.getJsonObject("requestBody") != null) {
        codes.addAll(List.of("MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "BODY_TOO_LARGE"));
      }
      if (key.contains("{")) {
        codes.add("NOT_FOUND");
      }
      for (String file : files) {
        codes.addAll(written(file));
        Matcher names = CLASS_NAME.matcher(sources.get(file));
        Set<String> used = new TreeSet<>();
        while (names.find()) {
          String rel = byClass.get(names.group(1));
          if (rel != null && !rel.equals(file) && usedDirectly(rel)) {
            used.add(rel);
          }
        }
        used.forEach(rel -> codes.addAll(written(rel)));
      }
      out.put(key, codes);
    });
    return out;
  }

  /** The route files naming the path's fixed part, for routes mounted through a constant or a helper. */
  private static Set<String> mountedUnderAConstant(String key) {
    String path = key.substring(key.indexOf(' ') + 1);
    String fixed = path.contains("{") ? path.substring(0, path.indexOf("/{")) : path;
    Set<String> files = new TreeSet<>();
    sources.forEach((rel, src) -> {
      if (rel.endsWith("Routes.java") && src.contains("\"" + fixed + "\"")) {
        files.add(rel);
      }
    });
    return files;
  }

  /** A class whose codes count for the routes that use it: not another route file, not the shared plumbing. */
  private static boolean usedDirectly(String rel) {
    return !rel.endsWith("Routes.java")
        && !rel.startsWith("http/")
        && !rel.startsWith("config/")
        && !rel.startsWith("telco/")
        && !rel.equals("GatewayApp.java");
  }

  /** The codes one source file writes: literals of the Errors list, the helpers, a domain refusal's name. */
  static Set<String> written(String rel) {
    String src = sources.get(rel);
    Set<String> codes = new TreeSet<>();
    Matcher m = LITERAL.matcher(src);
    while (m.find()) {
      String literal = m.group(1);
      if (universe.contains(literal)) {
        codes.add(literal);
      } else if (literal.endsWith("_") && src.startsWith(" +", m.end())) {
        // a code completed at run time ("OFFICE_CASH_" + status): every listed code of that prefix
        universe.stream().filter(c -> c.startsWith(literal)).forEach(codes::add);
      }
    }
    HELPERS.forEach((call, code) -> {
      if (src.contains(call)) {
        codes.add(code);
      }
    });
    if (src.contains("refusal().name()")) {
      // the domain's payment refusals are answered under their own names
      Arrays.stream(Refusal.values()).map(Enum::name).forEach(codes::add);
    }
    return codes;
  }

  interface OperationVisitor {
    void visit(String key, JsonObject op);
  }

  static void forEachOperation(OperationVisitor visitor) {
    doc.getJsonObject("paths").forEach(p -> {
      if (p.getKey().startsWith("/api/v1/telco/") || !p.getKey().startsWith("/api/")) {
        return;
      }
      ((JsonObject) p.getValue()).forEach(m -> {
        if (!m.getKey().equals("parameters")) {
          visitor.visit(m.getKey().toUpperCase() + " " + p.getKey(), (JsonObject) m.getValue());
        }
      });
    });
  }
}
