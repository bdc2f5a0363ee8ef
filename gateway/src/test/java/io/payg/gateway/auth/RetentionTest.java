package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounded growth: ended refresh tokens are deleted REFRESH_TOKEN_RETENTION_DAYS after they ended,
 * stale login throttle state after its window; live sessions and a sign-up window still running stay.
 */
class RetentionTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        RetentionTest.class,
        Map.of("RETENTION_CHECK_MS", "200", "REFRESH_TOKEN_RETENTION_DAYS", "30"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static final String BY_TOKEN = "token_hash = sha256(convert_to(?, 'UTF8'))";

  static long age(String sql, Object... params) {
    return gw.db.count("WITH u AS (" + sql + " RETURNING 1) SELECT count(*) FROM u", params);
  }

  static long tokens(String token) {
    return gw.db.count("SELECT count(*) FROM refresh_tokens WHERE " + BY_TOKEN, token);
  }

  @Test
  void endedSessionsAndStaleThrottleStateGoLiveOnesStay() {
    String email = "retention-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/companies",
        null,
        new JsonObject()
            .put("name", "Retention Co")
            .put("country", "KE")
            .put("currency", "KES")
            .put("admin", new JsonObject().put("email", email).put("password", "retention pw 1"))
            .put("plugins", new JsonArray())));
    JsonObject credentials = new JsonObject().put("email", email).put("password", "retention pw 1");
    String rotated = ok(gw.post("/api/v1/auth/login", null, credentials)).getString("refreshToken");
    String live = ok(gw.post(
            "/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", rotated)))
        .getString("refreshToken");
    String loggedOut =
        ok(gw.post("/api/v1/auth/login", null, credentials)).getString("refreshToken");
    assertEquals(
        204,
        gw.post("/api/v1/auth/logout", null, new JsonObject().put("refreshToken", loggedOut))
            .statusCode());
    String expired = ok(gw.post("/api/v1/auth/login", null, credentials)).getString("refreshToken");
    String stranger = "stranger-" + UUID.randomUUID() + "@example.com";
    assertEquals(
        401,
        gw.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", stranger).put("password", "a wrong guess"))
            .statusCode());

    // time passes: the rotation 31 days ago, the logout 29 days ago, the expiry 31 days ago
    assertEquals(
        1,
        age(
            "UPDATE refresh_tokens SET revoked_at = now() - interval '31 days' WHERE " + BY_TOKEN,
            rotated));
    assertEquals(
        1,
        age(
            "UPDATE refresh_tokens SET revoked_at = now() - interval '29 days' WHERE " + BY_TOKEN,
            loggedOut));
    assertEquals(
        1,
        age(
            "UPDATE refresh_tokens SET issued_at = now() - interval '70 days',"
                + " expires_at = now() - interval '31 days' WHERE " + BY_TOKEN,
            expired));
    // the stranger's failures are an hour old; the sign-up window of this address is still running
    assertEquals(
        1,
        age(
            "UPDATE login_attempts SET updated_at = now() - interval '1 hour',"
                + " next_allowed_at = now() - interval '1 hour' WHERE key = ?",
            "email:" + stranger));
    assertEquals(
        1,
        age("UPDATE login_attempts SET updated_at = now() - interval '20 minutes'"
            + " WHERE key = 'signup:127.0.0.1' AND next_allowed_at > now()"));

    eventually(
        Duration.ofSeconds(10),
        "ended tokens deleted",
        () -> tokens(rotated) == 0 && tokens(expired) == 0);
    eventually(
        Duration.ofSeconds(10),
        "stale throttle state deleted",
        () -> gw.db.count("SELECT count(*) FROM login_attempts WHERE key = ?", "email:" + stranger)
            == 0);
    assertEquals(1, tokens(live));
    assertEquals(1, tokens(loggedOut), "revoked 29 days ago: kept until 30");
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM login_attempts WHERE key = 'signup:127.0.0.1'"));
    // the live session goes on
    assertEquals(
        200,
        gw.post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", live))
            .statusCode());
  }
}
