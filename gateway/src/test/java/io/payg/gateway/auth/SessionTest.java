package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Login sessions through HTTP: refresh-token rotation, reuse detection, logout, disabled users, expiry. */
class SessionTest {

  static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  static final MutableClock CLOCK = new MutableClock(TODAY);
  static GatewayFixture gw;
  static GatewayFixture.Company acme;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SessionTest.class, Map.of(), CLOCK);
    acme = gw.company("Acme Sessions");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void loginGivesAPairAndARefreshRotatesIt() {
    String email = operator("rotation");
    JsonObject first = login(email);
    assertEquals(900, first.getLong("expiresIn"));
    String r1 = first.getString("refreshToken");
    assertTrue(r1.length() >= 43, "at least 256 bits: " + r1);
    // stored as its SHA-256 only
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens WHERE token_hash = sha256(convert_to(?, 'UTF8'))"
                + " AND revoked_at IS NULL",
            r1));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%' || ? || '%'",
            r1));

    JsonObject second = ok(refresh(r1));
    String r2 = second.getString("refreshToken");
    assertNotEquals(r1, r2);
    assertNotEquals(first.getString("accessToken"), second.getString("accessToken"));
    assertEquals("OPERATOR", second.getString("role"));
    assertEquals(
        200, gw.get("/api/v1/clusters", second.getString("accessToken")).statusCode());
    // the old token is spent and points at its successor, in the same family
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens o JOIN refresh_tokens n ON n.id = o.replaced_by"
                + " WHERE o.token_hash = sha256(convert_to(?, 'UTF8')) AND o.revoked_at IS NOT NULL"
                + " AND n.token_hash = sha256(convert_to(?, 'UTF8')) AND n.family_id = o.family_id AND n.revoked_at "
                + "IS NULL",
            r1,
            r2));
  }

  @Test
  void reusingARotatedTokenRevokesTheWholeSession() {
    String email = operator("reuse");
    String r1 = login(email).getString("refreshToken");
    String r2 = ok(refresh(r1)).getString("refreshToken");

    CLOCK.advance(Duration.ofSeconds(11)); // past REFRESH_GRACE_SECONDS (10)
    HttpResponse<Buffer> reuse;
    try {
      reuse = refresh(r1); // a thief (or the victim) replays the old token
    } finally {
      CLOCK.setDay(TODAY);
    }
    assertEquals(401, reuse.statusCode());
    assertEquals("application/problem+json", reuse.getHeader("Content-Type"));
    assertEquals("REFRESH_TOKEN_REUSED", reuse.bodyAsJsonObject().getString("code"));
    // whoever holds r2 is logged out too
    HttpResponse<Buffer> next = refresh(r2);
    assertEquals(401, next.statusCode());
    assertEquals("REFRESH_TOKEN_REVOKED", next.bodyAsJsonObject().getString("code"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens t JOIN users u ON u.id = t.user_id"
                + " WHERE lower(u.email) = lower(?) AND t.revoked_at IS NULL",
            email));
    // a new login starts a new session
    assertEquals(200, refresh(login(email).getString("refreshToken")).statusCode());
  }

  @Test
  void tenConcurrentRefreshesOfOneTokenLeaveExactlyOneLiveToken() {
    String email = operator("race");
    String r1 = login(email).getString("refreshToken");
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(gw.http
          .postAbs(gw.base + "/api/v1/auth/refresh")
          .sendJsonObject(new JsonObject().put("refreshToken", r1)));
    }
    List<Integer> statuses = new ArrayList<>();
    List<String> issued = new ArrayList<>();
    all.forEach(f -> {
      HttpResponse<Buffer> r = await(f);
      statuses.add(r.statusCode());
      if (r.statusCode() == 200) {
        issued.add(r.bodyAsJsonObject().getString("refreshToken"));
      }
    });
    // inside the grace window each duplicate is a retry: it revokes the unreceived successor before
    // it
    assertEquals(10, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL AND family_id ="
                + " (SELECT family_id FROM refresh_tokens WHERE token_hash = sha256(convert_to(?, 'UTF8')))",
            r1));
    assertEquals(
        1,
        issued.stream()
            .filter(t -> gw.db.count(
                    "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL"
                        + " AND token_hash = sha256(convert_to(?, 'UTF8'))",
                    t)
                == 1)
            .count());
  }

  @Test
  void aRetryInsideTheGraceWindowGetsAFreshPairAndRevokesOnlyTheUnusedSuccessor() {
    String email = operator("grace");
    String r1 = login(email).getString("refreshToken");
    String lost = ok(refresh(r1)).getString("refreshToken"); // the answer never reached the client
    CLOCK.advance(Duration.ofSeconds(8));
    JsonObject retried;
    try {
      retried = ok(refresh(r1));
    } finally {
      CLOCK.setDay(TODAY);
    }
    String r3 = retried.getString("refreshToken");
    assertNotEquals(lost, r3);
    assertEquals("OPERATOR", retried.getString("role"));
    assertEquals(
        200, gw.get("/api/v1/clusters", retried.getString("accessToken")).statusCode());
    // the unreceived successor is revoked, the new one live, the family is not
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NOT NULL AND replaced_by IS NULL"
                + " AND token_hash = sha256(convert_to(?, 'UTF8'))",
            lost));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens o JOIN refresh_tokens n ON n.id = o.replaced_by"
                + " WHERE o.token_hash = sha256(convert_to(?, 'UTF8')) AND n.token_hash = sha256(convert_to(?, 'UTF8'))"
                + " AND n.revoked_at IS NULL",
            r1,
            r3));
    assertEquals(200, refresh(r3).statusCode(), "the session goes on");
  }

  @Test
  void aRetryInsideTheWindowWhoseSuccessorWasUsedIsTheft() {
    String email = operator("grace-theft");
    String r1 = login(email).getString("refreshToken");
    String r2 = ok(refresh(r1)).getString("refreshToken");
    String r3 = ok(refresh(r2)).getString("refreshToken"); // the real client went on
    HttpResponse<Buffer> replay = refresh(r1); // inside the window, but r2 was used: two holders
    assertEquals(401, replay.statusCode());
    assertEquals("REFRESH_TOKEN_REUSED", replay.bodyAsJsonObject().getString("code"));
    assertEquals(401, refresh(r3).statusCode());
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens t JOIN users u ON u.id = t.user_id"
                + " WHERE lower(u.email) = lower(?) AND t.revoked_at IS NULL",
            email));
  }

  @Test
  void logoutEndsThatSessionOnly() {
    String email = operator("logout");
    String phone = login(email).getString("refreshToken");
    String laptop = ok(refresh(login(email).getString("refreshToken"))).getString("refreshToken");

    HttpResponse<Buffer> out =
        gw.post("/api/v1/auth/logout", null, new JsonObject().put("refreshToken", laptop));
    assertEquals(204, out.statusCode());
    HttpResponse<Buffer> after = refresh(laptop);
    assertEquals(401, after.statusCode());
    assertEquals("REFRESH_TOKEN_REVOKED", after.bodyAsJsonObject().getString("code"));
    assertEquals(200, refresh(phone).statusCode());
    // an unknown token: same answer, nothing changes
    assertEquals(
        204,
        gw.post("/api/v1/auth/logout", null, new JsonObject().put("refreshToken", "no-such-token"))
            .statusCode());
    assertEquals(400, gw.post("/api/v1/auth/logout", null, new JsonObject()).statusCode());
  }

  @Test
  void aDisabledUserCannotRefreshNorLogInUntilEnabledAgain() {
    String email = operator("disabled");
    String id = userId(email);
    String r1 = login(email).getString("refreshToken");
    String r2 = login(email).getString("refreshToken");

    JsonObject changed =
        ok(patch("/api/v1/users/" + id, acme.adminToken(), new JsonObject().put("disabled", true)));
    assertTrue(changed.getBoolean("disabled"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM refresh_tokens WHERE user_id = ?::uuid AND revoked_at IS NULL",
            id));
    assertEquals(401, refresh(r1).statusCode());
    assertEquals(401, refresh(r2).statusCode());
    HttpResponse<Buffer> login = gw.post("/api/v1/auth/login", null, credentials(email));
    assertEquals(403, login.statusCode());
    assertEquals("USER_DISABLED", login.bodyAsJsonObject().getString("code"));

    ok(patch("/api/v1/users/" + id, acme.adminToken(), new JsonObject().put("disabled", false)));
    assertEquals(200, refresh(login(email).getString("refreshToken")).statusCode());
  }

  @Test
  void aNewPasswordEndsTheOldSessions() {
    String email = operator("password");
    String r1 = login(email).getString("refreshToken");
    ok(patch(
        "/api/v1/users/" + userId(email),
        acme.adminToken(),
        new JsonObject().put("password", "a brand new one")));
    assertEquals(401, refresh(r1).statusCode());
    assertEquals(401, gw.post("/api/v1/auth/login", null, credentials(email)).statusCode());
    assertEquals(
        200,
        gw.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", email).put("password", "a brand new one"))
            .statusCode());
  }

  @Test
  void aRefreshTokenExpiresAfterItsLifetime() {
    try {
      String email = operator("expiry");
      String r1 = login(email).getString("refreshToken");
      CLOCK.setDay(TODAY.plusDays(29));
      String r2 = ok(refresh(r1)).getString("refreshToken"); // 30 days from its own issue
      CLOCK.setDay(TODAY.plusDays(29 + 31));
      HttpResponse<Buffer> expired = refresh(r2);
      assertEquals(401, expired.statusCode());
      assertEquals("REFRESH_TOKEN_EXPIRED", expired.bodyAsJsonObject().getString("code"));
    } finally {
      CLOCK.setDay(TODAY);
    }
  }

  @Test
  void aRoleChangeReachesTheNextAccessToken() {
    String email = operator("role");
    String r1 = login(email).getString("refreshToken");
    JsonObject changed = ok(patch(
        "/api/v1/users/" + userId(email),
        acme.adminToken(),
        new JsonObject().put("role", "AGENT")));
    assertEquals("AGENT", changed.getString("role"));
    JsonObject next = ok(refresh(r1));
    assertEquals("AGENT", next.getString("role"));
    assertEquals(
        403,
        gw.put(
                "/api/v1/sms-templates",
                next.getString("accessToken"),
                new JsonObject().put("token", "x"))
            .statusCode());
  }

  @Test
  void adminsListAndChangeUsersOfTheirCompanyOnly() {
    String email = operator("listed");
    JsonObject list = ok(gw.get("/api/v1/users", acme.adminToken()));
    assertTrue(list.getJsonArray("items").stream()
        .anyMatch(u -> ((JsonObject) u).getString("email").equals(email)));
    assertFalse(list.encode().contains("$2"), "no password hash in the list: " + list.encode());
    String operatorToken = login(email).getString("accessToken");
    assertEquals(403, gw.get("/api/v1/users", operatorToken).statusCode());
    assertEquals(
        403,
        patch(
                "/api/v1/users/" + userId(email),
                operatorToken,
                new JsonObject().put("role", "ADMIN"))
            .statusCode());
    assertEquals(
        "OPERATOR", gw.db.text("SELECT role FROM users WHERE lower(email) = lower(?)", email));

    String adminId = ok(gw.get("/api/v1/users", acme.adminToken())).getJsonArray("items").stream()
        .map(u -> (JsonObject) u)
        .filter(u -> u.getString("role").equals("ADMIN"))
        .findFirst()
        .orElseThrow()
        .getString("id");
    HttpResponse<Buffer> self = patch(
        "/api/v1/users/" + adminId, acme.adminToken(), new JsonObject().put("disabled", true));
    assertEquals(422, self.statusCode());
    assertEquals("CANNOT_CHANGE_OWN_ACCESS", self.bodyAsJsonObject().getString("code"));
    assertEquals(
        404,
        patch(
                "/api/v1/users/" + UUID.randomUUID(),
                acme.adminToken(),
                new JsonObject().put("disabled", true))
            .statusCode());
    assertEquals(
        400,
        patch(
                "/api/v1/users/" + userId(email),
                acme.adminToken(),
                new JsonObject().put("disabled", "yes"))
            .statusCode());
    assertEquals(
        400,
        patch("/api/v1/users/" + userId(email), acme.adminToken(), new JsonObject())
            .statusCode());
  }

  @Test
  void anAgentHoldingCashKeepsTheRoleUntilTheCashIsHandedOver() {
    String email = "cash-agent-" + UUID.randomUUID() + "@example.com";
    String agentId = ok(gw.post(
            "/api/v1/users",
            acme.adminToken(),
            new JsonObject()
                .put("email", email)
                .put("password", "operator pass 1")
                .put("role", "AGENT")
                .put("riskLimit", 50_000)))
        .getString("id");
    String serial = "CASH-" + UUID.randomUUID().toString().substring(0, 8);
    ok(gw.post(
        "/api/v1/customers",
        acme.adminToken(),
        new JsonObject()
            .put("name", "Cash Customer")
            .put("phone", "+254711111111")
            .put("villageId", acme.villageId())
            .put("agentId", agentId)
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", acme.tariffId()))));
    HttpResponse<Buffer> paid = await(gw.http
        .postAbs(gw.base + "/api/v1/agent/payments")
        .bearerTokenAuthentication(login(email).getString("accessToken"))
        .putHeader("Idempotency-Key", "k-" + serial)
        .sendJsonObject(
            new JsonObject().put("serial", serial).put("amount", 10_000).put("currency", "KES")));
    assertTrue(paid.statusCode() == 200 || paid.statusCode() == 202, paid.bodyAsString());

    HttpResponse<Buffer> demoted = patch(
        "/api/v1/users/" + agentId, acme.adminToken(), new JsonObject().put("role", "OPERATOR"));
    assertEquals(422, demoted.statusCode());
    assertEquals("AGENT_HOLDS_CASH", demoted.bodyAsJsonObject().getString("code"));
    assertEquals("AGENT", gw.db.text("SELECT role FROM users WHERE id = ?::uuid", agentId));
    // disabling is allowed (the cash stays on their account), and after the handover the role may
    // change
    assertEquals(
        200,
        patch("/api/v1/users/" + agentId, acme.adminToken(), new JsonObject().put("disabled", true))
            .statusCode());
    ok(gw.post(
        "/api/v1/agents/" + agentId + "/cash-handovers",
        acme.adminToken(),
        new JsonObject().put("amount", 10_000)));
    assertEquals(
        "OPERATOR",
        ok(patch(
                "/api/v1/users/" + agentId,
                acme.adminToken(),
                new JsonObject().put("role", "OPERATOR")))
            .getString("role"));
  }

  @Test
  void aBadRefreshTokenIs401AndAMissingOneIs400() {
    HttpResponse<Buffer> bad = refresh("not-a-token-we-gave");
    assertEquals(401, bad.statusCode());
    assertEquals("REFRESH_TOKEN_INVALID", bad.bodyAsJsonObject().getString("code"));
    assertEquals(400, gw.post("/api/v1/auth/refresh", null, new JsonObject()).statusCode());
  }

  private static String operator(String tag) {
    String email = tag + "-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        acme.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "operator pass 1")
            .put("role", "OPERATOR")));
    return email;
  }

  private static JsonObject credentials(String email) {
    return new JsonObject().put("email", email).put("password", "operator pass 1");
  }

  private static JsonObject login(String email) {
    return ok(gw.post("/api/v1/auth/login", null, credentials(email)));
  }

  private static String userId(String email) {
    return gw.db.text("SELECT id::text FROM users WHERE lower(email) = lower(?)", email);
  }

  private static HttpResponse<Buffer> refresh(String token) {
    return gw.post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", token));
  }

  static HttpResponse<Buffer> patch(String path, String token, JsonObject body) {
    return await(
        gw.http.patchAbs(gw.base + path).bearerTokenAuthentication(token).sendJsonObject(body));
  }
}
