package io.payg.gateway.http;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.commission.CommissionRule;
import io.payg.domain.sale.Period;
import io.payg.gateway.auth.Role;
import io.payg.gateway.device.MaintenanceTokens;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract and the code enforce the same request constraints, checked both ways on the
 * operator and agent API (telco routes keep the providers' own formats and are left out):
 *
 * <ul>
 *   <li>every constraint {@code openapi.json} declares on a request body (maxLength, pattern, enum,
 *       minimum, maximum, required) is enforced by the contract's validator ({@link
 *       ContractValidation}): the operation's own example, broken in that one place, is a 400
 *       problem naming the field and its JSON pointer, with a code the operation lists in {@code
 *       x-problem-codes} — removing the constraint from the contract fails here (the route's own
 *       check, where one is left, answers without the pointer);</li>
 *   <li>every check the code makes through {@link JsonInput} (read from the route sources: a
 *       string's maximum length, an integer's range, a currency, an enum, an id) is declared on a
 *       field of that name in an operation the same source file serves — removing it from the
 *       contract fails here.</li>
 * </ul>
 *
 * <p>Every query parameter the contract declares is read by the source serving its path (the
 * reverse, a parameter read but undeclared, is refused by {@link ContractFields} as unknown, so
 * the feature's own tests fail). That every route exists on both sides is {@link
 * OpenApiContractTest}'s part.
 */
class ContractConstraintsTest {

  /** Checks made through JsonInput, as written in the route sources. */
  private static final Pattern CHECK = Pattern.compile(
      "\\.(string|optionalString|integer|optionalInteger|currency|enumValue|uuid|optionalUuid)\\(\"(\\w+)\"(?:,"
          + "\\s*([^)]*?))?\\)");

  private static final Pattern API_PATH = Pattern.compile("\"(/api/v1/[^\"]*)\"");
  /** A route mounted on a router: its method and path. */
  private static final Pattern MOUNT =
      Pattern.compile("router\\.(get|post|put|patch|delete)\\(\"(/api/v1/[^\"]*)\"");

  private static final Path SOURCES = Path.of("src/main/java/io/payg/gateway");
  /** Sources holding checks for operations registered in other files. */
  private static final Map<String, List<String>> CHECKS_SERVED_BY = Map.of(
      "sale/SaleTerms.java",
      List.of("sale/SaleRoutes.java", "sale/AgentSaleRoutes.java", "customer/CustomerRoutes.java"));
  /** The named bounds the sources use, by the name written there. */
  private static final Map<String, Long> BOUNDS = Map.of(
      "MAX_MONEY", 1_000_000_000_000L, "CommissionRule.MAX_BPS", (long) CommissionRule.MAX_BPS);

  private static final Map<String, Class<? extends Enum<?>>> ENUMS = Map.of(
      "DeviceType",
      DeviceType.class,
      "Role",
      Role.class,
      "MaintenanceTokens.Kind",
      MaintenanceTokens.Kind.class,
      "Period",
      Period.class);

  static GatewayFixture gw;
  static GatewayFixture.Company acme;
  static GatewayFixture.Agent agent;
  static JsonObject doc;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ContractConstraintsTest.class);
    acme = gw.company("Acme Energy");
    agent = gw.agent(acme, 1_000_000);
    try (InputStream in = ContractConstraintsTest.class.getResourceAsStream("/openapi.json")) {
      doc = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  // ------------------------------------------------------------- contract -> code

  /** One declared constraint broken in an operation's example. */
  record Violation(String operation, String field, String constraint, JsonObject body) {}

  @Test
  void everyDeclaredRequestConstraintIsEnforced() {
    List<Violation> violations = new ArrayList<>();
    forEachOperation((method, path, op) -> {
      JsonObject media = media(op);
      if (media == null) {
        return;
      }
      List<JsonObject> examples = new ArrayList<>();
      if (media.getJsonObject("example") != null) {
        examples.add(media.getJsonObject("example"));
      }
      media
          .getJsonObject("examples", new JsonObject())
          .forEach(e -> examples.add(((JsonObject) e.getValue()).getJsonObject("value")));
      assertTrue(
          !examples.isEmpty(), method + " " + path + " has an example request body to break");
      for (JsonObject example : examples) {
        violations.addAll(violations(
            method + " " + path, resolve(media.getJsonObject("schema")), example, example, ""));
      }
    });
    assertTrue(violations.size() > 100, "constraints found: " + violations.size());
    List<String> unenforced = new ArrayList<>();
    List<String> unlisted = new ArrayList<>();
    for (Violation v : violations) {
      String[] op = v.operation().split(" ", 2);
      HttpResponse<Buffer> r =
          send(HttpMethod.valueOf(op[0]), concrete(op[1]), token(op[1]), v.body());
      JsonObject problem = r.statusCode() == 400 ? r.bodyAsJsonObject() : new JsonObject();
      String detail = problem.getString("detail", "");
      String leaf = v.field().substring(v.field().lastIndexOf('.') + 1);
      // the contract's validator refused it (only it answers the field's JSON pointer), not a
      // check in the route: a constraint removed from openapi.json fails here
      JsonArray errors = problem.getJsonArray("errors", new JsonArray());
      String pointer = errors.isEmpty() ? null : errors.getJsonObject(0).getString("pointer");
      if (r.statusCode() != 400 || !detail.contains(leaf) || !pointer(v.field()).equals(pointer)) {
        unenforced.add(v.operation() + " " + v.field() + " " + v.constraint() + " -> "
            + r.statusCode() + " " + r.bodyAsString());
      }
      JsonArray listed = operation(op[0], op[1]).getJsonArray("x-problem-codes", new JsonArray());
      if (!listed.contains(problem.getString("code", "VALIDATION_FAILED"))) {
        unlisted.add(v.operation() + " answered " + problem.getString("code"));
      }
    }
    assertEquals(List.of(), unenforced, "declared in openapi.json, not enforced by its validator");
    assertEquals(List.of(), unlisted, "answered, not in the operation's x-problem-codes");
  }

  /** {@code device.sale.period} as the JSON pointer {@code /device/sale/period}. */
  private static String pointer(String field) {
    return "/" + field.replace('.', '/');
  }

  private static JsonObject operation(String method, String path) {
    return doc.getJsonObject("paths").getJsonObject(path).getJsonObject(method.toLowerCase());
  }

  /**
   * Each constraint of {@code schema} broken alone in a copy of {@code root}; {@code at} is the object being walked.
   */
  private static List<Violation> violations(
      String operation, JsonObject schema, JsonObject root, JsonObject at, String prefix) {
    List<Violation> out = new ArrayList<>();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (Object required : schema.getJsonArray("required", new JsonArray())) {
      String name = (String) required;
      if (at.containsKey(name)) {
        out.add(new Violation(
            operation, prefix + name, "required", broken(root, prefix + name, null, true)));
      }
    }
    for (String name : properties.fieldNames()) {
      JsonObject p = resolve(properties.getJsonObject(name));
      if (!at.containsKey(name)) {
        continue; // the example does not reach it: nothing valid to break from
      }
      String field = prefix + name;
      if (p.containsKey("maxLength")) {
        out.add(new Violation(
            operation,
            field,
            "maxLength",
            broken(root, field, "x".repeat(p.getInteger("maxLength") + 1), false)));
      }
      if (p.containsKey("pattern")) {
        out.add(new Violation(operation, field, "pattern", broken(root, field, "!", false)));
      }
      if (p.containsKey("enum")) {
        out.add(
            new Violation(operation, field, "enum", broken(root, field, "NOT_AN_OPTION", false)));
      }
      if (p.containsKey("minimum")) {
        out.add(new Violation(
            operation, field, "minimum", broken(root, field, p.getLong("minimum") - 1, false)));
      }
      if (p.containsKey("maximum")) {
        out.add(new Violation(
            operation, field, "maximum", broken(root, field, p.getLong("maximum") + 1, false)));
      }
      if ("uuid".equals(p.getString("format"))) {
        out.add(new Violation(
            operation, field, "format uuid", broken(root, field, "not-an-id", false)));
      }
      if (at.getValue(name) instanceof JsonObject child) {
        out.addAll(violations(operation, p, root, child, field + "."));
      }
    }
    return out;
  }

  private static JsonObject broken(JsonObject root, String field, Object value, boolean remove) {
    JsonObject copy = root.copy();
    String[] parts = field.split("\\.");
    JsonObject at = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.getJsonObject(parts[i]);
    }
    if (remove) {
      at.remove(parts[parts.length - 1]);
    } else {
      at.put(parts[parts.length - 1], value);
    }
    return copy;
  }

  // ------------------------------------------------------------- code -> contract

  @Test
  void everyCheckInTheRouteCodeIsDeclaredInTheContract() throws IOException {
    List<String> undeclared = new ArrayList<>();
    int checks = 0;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String rel = SOURCES.relativize(file).toString().replace('\\', '/');
        if (rel.startsWith("config/") || rel.startsWith("telco/") || rel.startsWith("demo/")) {
          continue; // settings, the providers' formats, the simulators' admin API
        }
        String source = Files.readString(file);
        Matcher m = CHECK.matcher(source);
        List<JsonObject> bodies = null;
        while (m.find()) {
          if (bodies == null) {
            bodies = bodiesServedBy(rel);
          }
          checks++;
          String kind = m.group(1).replace("optional", "").toLowerCase();
          String field = m.group(2);
          Map<String, Object> want = expected(kind, m.group(3));
          List<JsonObject> declared = new ArrayList<>();
          for (JsonObject body : bodies) {
            named(body, field, declared, 0);
          }
          boolean ok = !declared.isEmpty() && declared.stream().allMatch(p -> declares(p, want));
          if (!ok) {
            undeclared.add(rel + ": " + field + " " + want + " declared as " + declared);
          }
        }
      }
    }
    assertTrue(checks > 80, "checks read from the sources: " + checks);
    assertEquals(
        List.of(), undeclared, "checked by the code, not (or otherwise) declared in openapi.json");
  }

  @Test
  void everyDeclaredQueryParameterIsReadByTheRouteThatServesIt() throws IOException {
    Map<String, String> sources = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        sources.put(SOURCES.relativize(file).toString().replace('\\', '/'), Files.readString(file));
      }
    }
    // the paging parameters (limit, before) are read once, in http.Paging, for every list
    String shared = sources.entrySet().stream()
        .filter(e -> e.getKey().startsWith("http/"))
        .map(Map.Entry::getValue)
        .reduce("", String::concat);
    List<String> unread = new ArrayList<>();
    int[] checked = {0};
    forEachOperation((method, path, op) -> {
      List<String> names = new ArrayList<>();
      List<Object> params = new ArrayList<>(doc.getJsonObject("paths")
          .getJsonObject(path)
          .getJsonArray("parameters", new JsonArray())
          .getList());
      params.addAll(op.getJsonArray("parameters", new JsonArray()).getList());
      for (Object raw : params) {
        JsonObject param = resolve(raw instanceof JsonObject j ? j : new JsonObject(castMap(raw)));
        if ("query".equals(param.getString("in"))) {
          names.add(param.getString("name"));
        }
      }
      if (names.isEmpty()) {
        return;
      }
      String vertxPath = path.replaceAll("\\{([A-Za-z]+)}", ":$1");
      String serving = sources.values().stream()
          .filter(src -> src.contains("\"" + vertxPath + "\"")
              || src.contains("\"" + path + "\"")
              || src.contains("\"" + vertxPath.substring(0, vertxPath.lastIndexOf('/')) + "\""))
          .reduce("", String::concat);
      assertTrue(!serving.isEmpty(), "a route source names " + path);
      for (String name : names) {
        checked[0]++;
        if (!serving.contains("\"" + name + "\"") && !shared.contains("\"" + name + "\"")) {
          unread.add(method + " " + path + " ?" + name);
        }
      }
    });
    assertTrue(checked[0] > 30, "query parameters checked: " + checked[0]);
    assertEquals(List.of(), unread, "declared in openapi.json, read by no route");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object raw) {
    return (Map<String, Object>) raw;
  }

  private static Map<String, Object> expected(String kind, String args) {
    Map<String, Object> want = new LinkedHashMap<>();
    switch (kind) {
      case "string" -> want.put("maxLength", bound(args));
      case "integer" -> {
        String[] range = args.split(",");
        want.put("minimum", bound(range[0]));
        want.put("maximum", bound(range[1]));
      }
      case "currency" -> want.put("pattern", "^[A-Z]{3}$");
      case "enumvalue" -> {
        Class<? extends Enum<?>> type = ENUMS.get(args.replace(".class", "").strip());
        assertTrue(type != null, "an enum this test knows: " + args);
        want.put(
            "enum",
            new TreeSet<>(Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()));
      }
      case "uuid" -> want.put("format", "uuid");
      default -> throw new IllegalArgumentException(kind);
    }
    return want;
  }

  private static boolean declares(JsonObject property, Map<String, Object> want) {
    for (Map.Entry<String, Object> e : want.entrySet()) {
      Object have = property.getValue(e.getKey());
      if (e.getValue() instanceof Set<?> codeEnum) {
        // the contract may name fewer values than the Java enum when the code refuses the rest (API
        // key roles)
        if (!(have instanceof JsonArray values)
            || values.isEmpty()
            || !codeEnum.containsAll(values.getList())) {
          return false;
        }
      } else if (e.getValue() instanceof Long n) {
        if (!(have instanceof Number h) || h.longValue() != n) {
          return false;
        }
      } else if (!e.getValue().equals(have)) {
        return false;
      }
    }
    return true;
  }

  private static long bound(String text) {
    String t = text.strip().replace("_", "").replaceAll("L$", "");
    if (t.matches("-?\\d+")) {
      return Long.parseLong(t);
    }
    Long named = BOUNDS.get(text.strip());
    assertTrue(named != null, "a bound this test knows: " + text);
    return named;
  }

  /** The request body schemas of the operations whose paths {@code rel} (or a file it serves) names. */
  private static List<JsonObject> bodiesServedBy(String rel) throws IOException {
    Set<String> literals = new TreeSet<>();
    Map<String, Set<String>> mounted =
        new LinkedHashMap<>(); // path -> the methods the file mounts it with
    for (String file : Stream.concat(
            Stream.of(rel), CHECKS_SERVED_BY.getOrDefault(rel, List.of()).stream())
        .toList()) {
      String source = Files.readString(SOURCES.resolve(file));
      Matcher m = API_PATH.matcher(source);
      while (m.find()) {
        literals.add(m.group(1).replaceAll(":([A-Za-z]+)", "{$1}"));
      }
      Matcher r = MOUNT.matcher(source);
      while (r.find()) {
        mounted
            .computeIfAbsent(r.group(2).replaceAll(":([A-Za-z]+)", "{$1}"), k -> new TreeSet<>())
            .add(r.group(1).toUpperCase());
      }
    }
    List<JsonObject> bodies = new ArrayList<>();
    forEachOperation((method, path, op) -> {
      JsonObject media = media(op);
      // a path the file mounts serves only the methods it mounts there (another file may serve the
      // others)
      boolean served = literals.stream()
          .anyMatch(l -> path.startsWith(l + "/")
              || path.equals(l) && (!mounted.containsKey(l) || mounted.get(l).contains(method)));
      if (media != null && served) {
        bodies.add(resolve(media.getJsonObject("schema")));
      }
    });
    return bodies;
  }

  private static void named(JsonObject schema, String name, List<JsonObject> out, int depth) {
    schema = resolve(schema);
    if (depth > 12) {
      return;
    }
    for (String combiner : List.of("allOf", "oneOf", "anyOf")) {
      for (Object part : schema.getJsonArray(combiner, new JsonArray())) {
        named((JsonObject) part, name, out, depth + 1);
      }
    }
    if (schema.getJsonObject("items") != null) {
      named(schema.getJsonObject("items"), name, out, depth + 1);
    }
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (String p : properties.fieldNames()) {
      if (p.equals(name)) {
        out.add(resolve(properties.getJsonObject(p)));
      }
      named(properties.getJsonObject(p), name, out, depth + 1);
    }
  }

  // ------------------------------------------------------------- plumbing

  interface OperationVisitor {
    void visit(String method, String path, JsonObject op) throws IOException;
  }

  private static void forEachOperation(OperationVisitor visitor) {
    doc.getJsonObject("paths").forEach(p -> {
      if (p.getKey().startsWith("/api/v1/telco/") || !p.getKey().startsWith("/api/")) {
        return;
      }
      ((JsonObject) p.getValue()).forEach(m -> {
        if (!m.getKey().equals("parameters")) {
          try {
            visitor.visit(m.getKey().toUpperCase(), p.getKey(), (JsonObject) m.getValue());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
    });
  }

  private static JsonObject media(JsonObject op) {
    JsonObject body = op.getJsonObject("requestBody");
    return body == null
        ? null
        : resolve(body)
            .getJsonObject("content", new JsonObject())
            .getJsonObject("application/json");
  }

  private static JsonObject resolve(JsonObject node) {
    for (int hops = 0; node.containsKey("$ref") && hops < 16; hops++) {
      JsonObject target = doc;
      for (String part : node.getString("$ref").substring(2).split("/")) {
        target = target.getJsonObject(part);
      }
      node = target;
    }
    return node;
  }

  private static String token(String path) {
    return path.startsWith("/api/v1/agent/") ? agent.token() : acme.adminToken();
  }

  /** Path parameters filled with ids of things that exist, so a check is reached rather than a 404. */
  private static String concrete(String path) {
    return path.replace("{id}", UUID.randomUUID().toString())
        .replace("{serial}", "47000999000")
        .replace("{name}", "generic")
        .replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
  }

  private static HttpResponse<Buffer> send(
      HttpMethod method, String path, String token, JsonObject body) {
    // a fresh Idempotency-Key, so the operations that need one reach their body checks
    var req = gw.http
        .requestAbs(method, gw.base + path)
        .putHeader("Idempotency-Key", "contract-" + UUID.randomUUID());
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(req.sendJsonObject(body));
  }
}
