package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every documented REST operation (read from the served /openapi.json, as CrossTenantTest does)
 * against forged credentials, wrong roles and SQL-injection strings: 401/403 problem documents
 * for the first two, never a 2xx or 5xx; for the third a problem document or a normal answer,
 * never a 5xx, and the database keeps its tables and its money rows.
 */
class ApiSecurityTest {

  static final List<String> INJECTIONS = List.of(
      "' OR 1=1 --",
      "'; DROP TABLE transactions; --",
      "\u0000",
      "x\u0000'; DROP TABLE companies; --",
      "' UNION SELECT password_hash FROM users --",
      "\\'; TRUNCATE outbox; --",
      "$1",
      "%' OR '%'='");
  static final Pattern ROLES = Pattern.compile("Roles: ([A-Z, ]+)");

  static GatewayFixture gw;
  static final TestTokens TOKENS = new TestTokens(GatewayFixture.JWT_KEYS);
  static final Map<Role, String> TOKEN = new LinkedHashMap<>();
  static final Map<Role, String> USER = new LinkedHashMap<>();
  static String companyId;
  static JsonObject openApi;
  static String revokedApiKey;

  record Operation(HttpMethod method, String path, Set<Role> roles, JsonObject spec) {
    String name() {
      return method.name() + " " + path;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ApiSecurityTest.class);
    GatewayFixture.Company c = gw.company("Security Energy");
    companyId = c.id();
    remember(Role.ADMIN, c.adminToken());
    for (Role role : List.of(Role.OPERATOR, Role.AGENT)) {
      String email = role.name().toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
      ok(gw.post(
          "/api/v1/users",
          c.adminToken(),
          new JsonObject()
              .put("email", email)
              .put("password", "role password 1")
              .put("role", role.name())
              .put("riskLimit", 1_000_000)));
      remember(role, gw.login(email, "role password 1"));
    }
    openApi = ok(gw.get("/openapi.json", null));
    JsonObject key = ok(gw.post(
        "/api/v1/api-keys",
        c.adminToken(),
        new JsonObject().put("name", "revoked").put("role", "ADMIN")));
    assertEquals(
        200,
        GatewayFixture.await(gw.http
                .deleteAbs(gw.base + "/api/v1/api-keys/" + key.getString("id"))
                .bearerTokenAuthentication(c.adminToken())
                .send())
            .statusCode());
    revokedApiKey = key.getString("key");
  }

  private static void remember(Role role, String token) {
    TOKEN.put(role, token);
    USER.put(
        role,
        new JsonObject(new String(
                Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
            .getString("sub"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The documented operations that need a token (those with {@code security: []} are public). */
  static List<Operation> protectedOperations() {
    List<Operation> ops = new ArrayList<>();
    openApi
        .getJsonObject("paths")
        .forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
          JsonObject spec = (JsonObject) m.getValue();
          JsonArray security = spec.getJsonArray("security");
          if (security != null && security.isEmpty()) {
            return;
          }
          Matcher roles = ROLES.matcher(spec.getString("description", ""));
          assertTrue(roles.find(), m.getKey() + " " + p.getKey() + " documents no 'Roles:'");
          Set<Role> allowed = EnumSet.noneOf(Role.class);
          for (String r : roles.group(1).split(",")) {
            allowed.add(Role.valueOf(r.trim()));
          }
          ops.add(new Operation(
              HttpMethod.valueOf(m.getKey().toUpperCase()), p.getKey(), allowed, spec));
        }));
    return ops;
  }

  // ------------------------------------------------------------------ tokens and roles

  @Test
  void theHandMintedControlTokenIsAccepted() {
    // without this, every refusal below could be a minting bug rather than the gateway's check
    assertEquals(
        200,
        gw.get("/api/v1/clusters", TOKENS.valid(USER.get(Role.ADMIN), companyId, "ADMIN"))
            .statusCode());
    assertEquals(200, gw.get("/api/v1/clusters", TOKEN.get(Role.AGENT)).statusCode());
  }

  @Test
  void forgedTokensAndWrongRolesAreRefusedOnEveryOperation() {
    List<Operation> ops = protectedOperations();
    assertTrue(ops.size() >= 30, "only " + ops.size() + " protected operations documented");
    String admin = USER.get(Role.ADMIN);
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("no token", null);
    forged.put("expired", TOKENS.expired(admin, companyId, "ADMIN"));
    forged.put("tampered role", TestTokens.tampered(TOKEN.get(Role.AGENT), "role", "ADMIN"));
    forged.put(
        "tampered company",
        TestTokens.tampered(TOKEN.get(Role.ADMIN), "cid", UUID.randomUUID().toString()));
    forged.put(
        "tampered expiry",
        TestTokens.tampered(
            TOKENS.expired(admin, companyId, "ADMIN"), "exp", String.valueOf(Long.MAX_VALUE)));
    forged.put("another key", TOKENS.signedWithAnotherKey(admin, companyId, "ADMIN"));
    forged.put("alg none", TOKENS.algNone(admin, companyId, "ADMIN"));
    forged.put("another audience", TOKENS.otherAudience(admin, companyId, "ADMIN"));
    forged.put("expired past the leeway", TOKENS.expiredAgo(admin, companyId, "ADMIN", 120));
    forged.put("garbage", "not.a.jwt");
    forged.put("unknown API key", "pgk_" + "A".repeat(43));
    forged.put("revoked API key", revokedApiKey);
    forged.put("API key look-alike", "pgk_" + TOKEN.get(Role.ADMIN));
    int checked = 0;
    for (Operation op : ops) {
      String url = concrete(op.path(), UUID.randomUUID().toString());
      for (Map.Entry<String, String> f : forged.entrySet()) {
        HttpResponse<Buffer> r = send(op, url, f.getValue(), new JsonObject(), Map.of());
        assertProblem(r, 401, op.name() + " with " + f.getKey());
        checked++;
      }
      for (Role role : Role.values()) {
        if (!op.roles().contains(role)) {
          HttpResponse<Buffer> r = send(op, url, TOKEN.get(role), new JsonObject(), Map.of());
          assertProblem(r, 403, op.name() + " as " + role);
          checked++;
        }
      }
    }
    assertTrue(checked > ops.size() * forged.size());
  }

  // ------------------------------------------------------------------ SQL injection

  @Test
  void injectionStringsInEveryFieldParameterAndIdNeverBreakTheDatabase() {
    Set<String> tablesBefore = tables();
    long moneyBefore = gw.db.moneyRows();
    long companiesBefore = gw.db.count("SELECT count(*) FROM companies");
    int signUps = 0;
    List<Operation> ops = new ArrayList<>(protectedOperations());
    // the public operations with a body: sign-up and login
    ops.add(new Operation(
        HttpMethod.POST, "/api/v1/companies", Set.of(), spec("/api/v1/companies", "post")));
    ops.add(new Operation(
        HttpMethod.POST, "/api/v1/auth/login", Set.of(), spec("/api/v1/auth/login", "post")));
    for (Operation op : ops) {
      String token = op.roles().isEmpty()
          ? null
          : TOKEN.get(
              op.roles().contains(Role.ADMIN)
                  ? Role.ADMIN
                  : op.roles().iterator().next());
      for (String evil : INJECTIONS) {
        Map<String, String> headers = headers(op, evil);
        JsonObject body = body(op, evil);
        if (body != null) {
          HttpResponse<Buffer> r =
              send(op, concrete(op.path(), UUID.randomUUID().toString()), token, body, headers);
          assertNot5xx(r, op.name() + " body " + body.encode());
          if (op.path().equals("/api/v1/companies") && r.statusCode() / 100 == 2) {
            signUps++;
          }
        }
        if (op.path().contains("{")) {
          String url = concrete(
              op.path(), URLEncoder.encode(evil, StandardCharsets.UTF_8).replace("+", "%20"));
          assertNot5xx(
              send(op, url, token, body == null ? new JsonObject() : body(op, "x"), headers),
              op.name() + " path id " + evil);
        }
        String query = query(op, evil);
        if (!query.isEmpty()) {
          assertNot5xx(
              send(
                  op,
                  concrete(op.path(), UUID.randomUUID().toString()) + query,
                  token,
                  new JsonObject(),
                  headers),
              op.name() + query);
        }
      }
    }
    assertEquals(tablesBefore, tables(), "a table disappeared");
    assertEquals(moneyBefore, gw.db.moneyRows(), "money rows changed");
    assertEquals(companiesBefore + signUps, gw.db.count("SELECT count(*) FROM companies"));
    assertEquals(
        200, gw.get("/api/v1/clusters", TOKEN.get(Role.ADMIN)).statusCode(), "the API still works");
  }

  private static JsonObject spec(String path, String method) {
    return openApi.getJsonObject("paths").getJsonObject(path).getJsonObject(method);
  }

  /** A body with every string field (nested ones included) set to {@code evil}; null: the operation has none. */
  static JsonObject body(Operation op, String evil) {
    JsonObject requestBody = op.spec().getJsonObject("requestBody");
    if (requestBody == null) {
      return null;
    }
    JsonObject json = requestBody.getJsonObject("content").getJsonObject("application/json");
    if (json == null) {
      return null; // not a JSON body (a statement upload is CSV)
    }
    JsonObject schema = json.getJsonObject("schema");
    Object value = sample(schema, evil, 0);
    return value instanceof JsonObject o ? o : new JsonObject();
  }

  private static Object sample(JsonObject schema, String evil, int depth) {
    if (schema.containsKey("$ref")) {
      String name = schema.getString("$ref").substring("#/components/schemas/".length());
      schema = openApi.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
    }
    String type = schema.getString("type", schema.containsKey("properties") ? "object" : "string");
    switch (type) {
      case "object": {
        JsonObject o = new JsonObject();
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        if (depth < 4) {
          props.forEach(p -> o.put(p.getKey(), sample((JsonObject) p.getValue(), evil, depth + 1)));
        }
        return o;
      }
      case "array":
        return new JsonArray()
            .add(sample(schema.getJsonObject("items", new JsonObject()), evil, depth + 1));
      case "integer":
      case "number":
        return 1000;
      case "boolean":
        return true;
      default:
        return evil;
    }
  }

  private static Map<String, String> headers(Operation op, String evil) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Object p : op.spec().getJsonArray("parameters", new JsonArray())) {
      JsonObject param = (JsonObject) p;
      if ("header".equals(param.getString("in"))) {
        // header values cannot carry NUL or line breaks on the wire: the printable part only
        headers.put(param.getString("name"), evil.replaceAll("\\p{Cntrl}", ""));
      }
    }
    return headers;
  }

  private static String query(Operation op, String evil) {
    StringBuilder q = new StringBuilder();
    for (Object p : op.spec().getJsonArray("parameters", new JsonArray())) {
      JsonObject param = (JsonObject) p;
      if ("query".equals(param.getString("in"))) {
        q.append(q.length() == 0 ? "?" : "&")
            .append(param.getString("name"))
            .append('=')
            .append(URLEncoder.encode(evil, StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  private static Set<String> tables() {
    Set<String> names = new TreeSet<>();
    long n =
        gw.db.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
    for (long i = 0; i < n; i++) {
      names.add(gw.db.text(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
              + "ORDER BY table_name OFFSET " + i + " LIMIT 1"));
    }
    assertFalse(names.isEmpty());
    assertTrue(
        names.containsAll(Set.of("transactions", "companies", "users", "outbox")),
        names.toString());
    return names;
  }

  // ------------------------------------------------------------------ HTTP

  static String concrete(String path, String id) {
    return path.replace("{name}", "generic")
        .replaceAll("\\{[A-Za-z]+}", Matcher.quoteReplacement(id));
  }

  static HttpResponse<Buffer> send(
      Operation op, String url, String token, JsonObject body, Map<String, String> headers) {
    HttpRequest<Buffer> req = gw.http.requestAbs(op.method(), gw.base + url);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    headers.forEach(req::putHeader);
    boolean withBody = op.method() == HttpMethod.POST
        || op.method() == HttpMethod.PUT
        || op.method() == HttpMethod.PATCH;
    return await(withBody ? req.sendJsonObject(body) : req.send());
  }

  static void assertProblem(HttpResponse<Buffer> r, int status, String what) {
    assertEquals(status, r.statusCode(), what + ": " + r.bodyAsString());
    assertTrue(
        String.valueOf(r.getHeader("Content-Type")).startsWith("application/problem+json"), what);
    JsonObject problem = r.bodyAsJsonObject();
    assertEquals(status, problem.getInteger("status"), what);
    assertTrue(problem.getString("code") != null && !problem.getString("code").isBlank(), what);
  }

  static void assertNot5xx(HttpResponse<Buffer> r, String what) {
    assertTrue(
        r.statusCode() < 500, what + " answered " + r.statusCode() + ": " + r.bodyAsString());
    if (r.statusCode() >= 400) {
      assertTrue(
          String.valueOf(r.getHeader("Content-Type")).startsWith("application/problem+json"),
          what + " answered " + r.statusCode() + " without a problem document: "
              + r.bodyAsString());
    }
  }
}
