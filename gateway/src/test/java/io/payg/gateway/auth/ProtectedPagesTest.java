package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The protected-pages password: sensitive reads need X-Protected-Password once an admin sets one. */
class ProtectedPagesTest {

  static final String SENSITIVE_USERS = "/api/v1/users";
  static final String SENSITIVE_PLUGIN = "/api/v1/plugins/generic";
  static final String SENSITIVE_EXPORT = "/api/v1/transactions/export.csv";
  static final String PASSWORD_URL = "/api/v1/company/protected-pages-password";
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ProtectedPagesTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void onceSetSensitiveReadsNeedThePasswordAndOtherCompaniesAreUntouched() {
    GatewayFixture.Company acme = gw.company("Acme Pages");
    GatewayFixture.Company other = gw.company("Other Pages");
    assertEquals(
        200, read(SENSITIVE_USERS, acme.adminToken(), null).statusCode()); // none set: role alone

    assertEquals(
        204,
        gw.put(PASSWORD_URL, acme.adminToken(), new JsonObject().put("password", "pages secret 1"))
            .statusCode());
    String stored = gw.db.text(
        "SELECT protected_pages_password_hash FROM companies WHERE id = ?::uuid", acme.id());
    assertTrue(stored.startsWith("$2"), "bcrypt: " + stored);

    for (String page : new String[] {SENSITIVE_USERS, SENSITIVE_PLUGIN, SENSITIVE_EXPORT}) {
      assertProblem(read(page, acme.adminToken(), null), 403, "PROTECTED_PASSWORD_REQUIRED");
      assertProblem(
          read(page, acme.adminToken(), "pages secret 2"), 403, "PROTECTED_PASSWORD_WRONG");
      assertEquals(200, read(page, acme.adminToken(), "pages secret 1").statusCode(), page);
      assertEquals(
          200,
          read(page, other.adminToken(), null).statusCode(),
          page); // the other company set none
    }
    // not a sensitive read: no password needed
    assertEquals(200, gw.get("/api/v1/clusters", acme.adminToken()).statusCode());
  }

  @Test
  void onceSetWritesThatChangeWhoCanDoWhatOrWhereMoneyGoesNeedItToo() {
    GatewayFixture.Company acme = gw.company("Acme Writes");
    String operatorId = gw.post(
            "/api/v1/users",
            acme.adminToken(),
            new JsonObject()
                .put("email", "op-" + UUID.randomUUID() + "@example.com")
                .put("password", "operator password")
                .put("role", "OPERATOR"))
        .bodyAsJsonObject()
        .getString("id");
    assertEquals(
        204,
        gw.put(PASSWORD_URL, acme.adminToken(), new JsonObject().put("password", "pages secret 1"))
            .statusCode());
    String email = "new-admin-" + UUID.randomUUID() + "@example.com";
    JsonObject newAdmin =
        new JsonObject().put("email", email).put("password", "a new admin pw").put("role", "ADMIN");
    JsonObject promote = new JsonObject().put("role", "ADMIN");
    JsonObject redirect = new JsonObject()
        .put("enabled", true)
        .put("settings", new JsonObject().put("secret", "attacker"));

    assertProblem(
        write("POST", "/api/v1/users", acme.adminToken(), newAdmin, null),
        403,
        "PROTECTED_PASSWORD_REQUIRED");
    assertProblem(
        write("PATCH", "/api/v1/users/" + operatorId, acme.adminToken(), promote, "a guess"),
        403,
        "PROTECTED_PASSWORD_WRONG");
    assertProblem(
        write("PUT", "/api/v1/plugins/generic", acme.adminToken(), redirect, null),
        403,
        "PROTECTED_PASSWORD_REQUIRED");
    // nothing changed
    assertEquals(0, gw.db.count("SELECT count(*) FROM users WHERE email = ?", email));
    assertEquals("OPERATOR", gw.db.text("SELECT role FROM users WHERE id = ?::uuid", operatorId));
    // the generic plugin still has its own secret: signed calls are still accepted (200, not 401)
    assertEquals(
        200,
        await(acme.provider().validate("NO-SUCH", 10_000, "KES", "+254700000000"))
            .statusCode());

    assertEquals(
        201,
        write("POST", "/api/v1/users", acme.adminToken(), newAdmin, "pages secret 1")
            .statusCode());
    assertEquals(
        200,
        write("PATCH", "/api/v1/users/" + operatorId, acme.adminToken(), promote, "pages secret 1")
            .statusCode());
    assertEquals("ADMIN", gw.db.text("SELECT role FROM users WHERE id = ?::uuid", operatorId));
  }

  private static HttpResponse<Buffer> write(
      String method, String path, String token, JsonObject body, String protectedPassword) {
    var req = gw.http
        .requestAbs(HttpMethod.valueOf(method), gw.base + path)
        .bearerTokenAuthentication(token);
    if (protectedPassword != null) {
      req.putHeader(ProtectedPages.HEADER, protectedPassword);
    }
    return await(req.sendJsonObject(body));
  }

  @Test
  void changingThePasswordNeedsTheCurrentOneAndOnlyAnAdminMaySetIt() {
    GatewayFixture.Company acme = gw.company("Acme Change");
    String operator = user(acme, "OPERATOR");
    assertProblem(
        gw.put(PASSWORD_URL, operator, new JsonObject().put("password", "by an operator")),
        403,
        "FORBIDDEN");
    assertEquals(
        400,
        gw.put(PASSWORD_URL, acme.adminToken(), new JsonObject().put("password", "short"))
            .statusCode());
    assertEquals(
        null,
        gw.db.text(
            "SELECT protected_pages_password_hash FROM companies WHERE id = ?::uuid", acme.id()));

    assertEquals(
        204,
        gw.put(PASSWORD_URL, acme.adminToken(), new JsonObject().put("password", "first pages pw"))
            .statusCode());
    assertProblem(
        gw.put(
            PASSWORD_URL, acme.adminToken(), new JsonObject().put("password", "second pages pw")),
        403,
        "PROTECTED_PASSWORD_REQUIRED");
    assertProblem(
        gw.put(
            PASSWORD_URL,
            acme.adminToken(),
            new JsonObject().put("password", "second pages pw").put("currentPassword", "a guess")),
        403,
        "PROTECTED_PASSWORD_WRONG");
    assertEquals(
        200, read(SENSITIVE_USERS, acme.adminToken(), "first pages pw").statusCode()); // unchanged
    assertEquals(
        204,
        gw.put(
                PASSWORD_URL,
                acme.adminToken(),
                new JsonObject()
                    .put("password", "second pages pw")
                    .put("currentPassword", "first pages pw"))
            .statusCode());
    assertProblem(
        read(SENSITIVE_USERS, acme.adminToken(), "first pages pw"),
        403,
        "PROTECTED_PASSWORD_WRONG");
    assertEquals(
        200, read(SENSITIVE_USERS, acme.adminToken(), "second pages pw").statusCode());
    // the right password does not lift the role check
    assertProblem(read(SENSITIVE_USERS, operator, "second pages pw"), 403, "FORBIDDEN");
  }

  @Test
  void fiveWrongPasswordsLockThatUserOutForAWhile() {
    GatewayFixture.Company acme = gw.company("Acme Guessing");
    String guesser = user(acme, "ADMIN"); // before the password: creating users needs it afterwards
    assertEquals(
        204,
        gw.put(
                PASSWORD_URL,
                acme.adminToken(),
                new JsonObject().put("password", "guess me if u can"))
            .statusCode());
    for (int i = 0; i < 5; i++) {
      assertProblem(read(SENSITIVE_PLUGIN, guesser, "guess " + i), 403, "PROTECTED_PASSWORD_WRONG");
    }
    HttpResponse<Buffer> locked = read(SENSITIVE_PLUGIN, guesser, "guess me if u can");
    assertProblem(locked, 429, "TOO_MANY_ATTEMPTS");
    assertNotNull(locked.getHeader("Retry-After"));
    // the lock is the guesser's, not the company's
    assertEquals(
        200, read(SENSITIVE_PLUGIN, acme.adminToken(), "guess me if u can").statusCode());
  }

  private static String user(GatewayFixture.Company c, String role) {
    String email = role.toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        c.adminToken(),
        new JsonObject().put("email", email).put("password", "user password 1").put("role", role)));
    return gw.login(email, "user password 1");
  }

  private static HttpResponse<Buffer> read(String path, String token, String protectedPassword) {
    var req = gw.http.getAbs(gw.base + path).bearerTokenAuthentication(token);
    if (protectedPassword != null) {
      req.putHeader("X-Protected-Password", protectedPassword);
    }
    return await(req.send());
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertEquals(code, r.bodyAsJsonObject().getString("code"));
  }
}
