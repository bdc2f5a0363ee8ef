package io.payg.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** bcrypt's 72-byte limit is a clear 400, never a 500 or a silently cut password; DEMO alone never means demo. */
class PasswordLimitsTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(PasswordLimitsTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static JsonObject signUp(String email, String password) {
    return new JsonObject()
        .put("name", "Energy of " + email)
        .put("country", "KE")
        .put("currency", "KES")
        .put("admin", new JsonObject().put("email", email).put("password", password))
        .put("plugins", new JsonArray().add("generic"));
  }

  @Test
  void aPasswordOverSeventyTwoBytesIsRefusedAt400AndNothingIsCreated() {
    String email = "long-" + UUID.randomUUID() + "@example.com";
    String password = "é".repeat(37); // 74 bytes in UTF-8, 37 characters
    var r = gw.post("/api/v1/companies", null, signUp(email, password));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("PASSWORD_TOO_LONG", r.bodyAsJsonObject().getString("code"));
    assertEquals(0, gw.db.count("SELECT count(*) FROM users WHERE email = ?", email));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM companies WHERE name = ?", "Energy of " + email));
  }

  @Test
  void seventyTwoBytesIsFineAndALongerOneNeverLogsIn() {
    String email = "edge-" + UUID.randomUUID() + "@example.com";
    String password = "p".repeat(72);
    assertEquals(
        201, gw.post("/api/v1/companies", null, signUp(email, password)).statusCode());
    assertEquals(
        200,
        gw.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", email).put("password", password))
            .statusCode());
    // bcrypt ignores bytes past 72: the same prefix with more must not log in
    var longer = gw.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("email", email).put("password", password + "x"));
    assertEquals(401, longer.statusCode(), longer.bodyAsString());
  }

  @Test
  void theDemoEnvironmentVariableAloneNeverTurnsAProductionStartIntoADemo() {
    assertFalse(GatewayConfig.fromEnv(Map.of("DEMO", "true"), false).demo());
  }
}
