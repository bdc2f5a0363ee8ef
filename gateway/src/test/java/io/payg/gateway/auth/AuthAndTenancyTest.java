package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-up, login, roles, and one company never seeing another's data. */
class AuthAndTenancyTest {

  static GatewayFixture gw;
  static GatewayFixture.Company acme;
  static GatewayFixture.Company zenith;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AuthAndTenancyTest.class);
    acme = gw.company("Acme Power");
    zenith = gw.company("Zenith Solar");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void noTokenOrATamperedTokenIs401() {
    HttpResponse<Buffer> none = gw.get("/api/v1/clusters", null);
    assertEquals(401, none.statusCode());
    assertEquals("application/problem+json", none.getHeader("Content-Type"));
    String[] parts = acme.adminToken().split("\\.");
    String tampered =
        parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    assertEquals(401, gw.get("/api/v1/clusters", tampered).statusCode());
  }

  @Test
  void aWrongPasswordIs401AndAShortPasswordIs400() {
    HttpResponse<Buffer> r = gw.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("email", "nobody@example.com").put("password", "whatever-it-is"));
    assertEquals(401, r.statusCode());
    assertEquals("INVALID_CREDENTIALS", r.bodyAsJsonObject().getString("code"));
    HttpResponse<Buffer> weak = gw.post(
        "/api/v1/companies",
        null,
        new JsonObject()
            .put("name", "W")
            .put("country", "KE")
            .put("currency", "KES")
            .put("admin", new JsonObject().put("email", "w@example.com").put("password", "short")));
    assertEquals(400, weak.statusCode());
    assertEquals("VALIDATION_FAILED", weak.bodyAsJsonObject().getString("code"));
  }

  @Test
  void fiveWrongPasswordsLockTheEmailForAWhileEvenForTheRightOne() {
    String email = "victim-" + UUID.randomUUID() + "@example.com";
    GatewayFixture.ok(gw.post(
        "/api/v1/users",
        acme.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "the right password")
            .put("role", "OPERATOR")));
    for (int i = 0; i < 5; i++) {
      assertEquals(
          401,
          gw.post(
                  "/api/v1/auth/login",
                  null,
                  new JsonObject().put("email", email).put("password", "guess number " + i))
              .statusCode());
    }
    HttpResponse<Buffer> locked = gw.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("email", email).put("password", "the right password"));
    assertEquals(429, locked.statusCode());
    assertEquals("TOO_MANY_ATTEMPTS", locked.bodyAsJsonObject().getString("code"));
    Assertions.assertNotNull(locked.getHeader("Retry-After"));
  }

  @Test
  void anAgentCannotConfigurePluginsOrCreateTariffs() {
    String email = "agent-" + UUID.randomUUID() + "@example.com";
    GatewayFixture.ok(gw.post(
        "/api/v1/users",
        acme.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "agent password 1")
            .put("role", "AGENT")));
    String agent = gw.login(email, "agent password 1");
    assertEquals(
        403,
        gw.put("/api/v1/plugins/generic", agent, new JsonObject().put("enabled", false))
            .statusCode());
    assertEquals(
        403,
        gw.post(
                "/api/v1/tariffs",
                agent,
                new JsonObject().put("name", "x").put("currency", "KES").put("pricePerKwh", 1))
            .statusCode());
    assertEquals(
        "true",
        String.valueOf(GatewayFixture.ok(gw.get("/api/v1/plugins/generic", acme.adminToken()))
            .getBoolean("enabled")));
  }

  @Test
  void pluginSecretsAreNeverReturned() {
    JsonObject generic = GatewayFixture.ok(gw.get("/api/v1/plugins/generic", acme.adminToken()));
    assertFalse(generic.encode().contains(acme.secret()));
    assertEquals("secret", generic.getJsonArray("secretsSet").getString(0));
    // at rest the secret is encrypted: a database dump holds no usable credential
    String stored = gw.db.text(
        "SELECT settings->>'secret' FROM plugins WHERE company_id = ?::uuid AND name = 'generic'",
        acme.id());
    Assertions.assertTrue(stored.startsWith("enc:v2:"), stored);
    assertFalse(stored.contains(acme.secret()));
  }

  @Test
  void anotherCompanySeesNoneOfItAndCannotBuildOnIt() {
    String serial = "TEN-" + UUID.randomUUID().toString().substring(0, 8);
    String customerId = gw.meterCustomer(acme, serial).getString("id");
    String txn = GatewayFixture.ok(await(
            acme.provider().process("T-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");

    assertEquals(
        404, gw.get("/api/v1/customers/" + customerId, zenith.adminToken()).statusCode());
    assertEquals(404, gw.get("/api/v1/transactions/" + txn, zenith.adminToken()).statusCode());
    assertEquals(
        404, gw.get("/api/v1/tariffs/" + acme.tariffId(), zenith.adminToken()).statusCode());
    assertEquals(
        0,
        GatewayFixture.ok(gw.get("/api/v1/transactions?serial=" + serial, zenith.adminToken()))
            .getJsonArray("items")
            .size());
    // zenith cannot register a customer in acme's village, nor pay acme's meter with its own plugin
    HttpResponse<Buffer> foreignVillage = gw.post(
        "/api/v1/customers",
        zenith.adminToken(),
        new JsonObject()
            .put("name", "Intruder")
            .put("phone", "+254700000001")
            .put("villageId", acme.villageId()));
    assertEquals(422, foreignVillage.statusCode());
    JsonObject validate = await(zenith.provider().validate(serial, 10_000, "KES", "+254700000000"))
        .bodyAsJsonObject();
    assertEquals("DEVICE_NOT_FOUND", validate.getString("code"));
    // and acme still sees its own
    assertEquals(200, gw.get("/api/v1/transactions/" + txn, acme.adminToken()).statusCode());
  }

  @Test
  void healthAndMetricsAnswer() {
    JsonObject ready = GatewayFixture.ok(gw.get("/health/ready", null));
    assertEquals("UP", ready.getString("status"));
    String metrics = gw.metrics();
    assertFalse(metrics.isEmpty());
    Assertions.assertTrue(metrics.contains("vertx_http_server_requests_total"));
    Assertions.assertTrue(metrics.contains("pool_type=\"sql\""));
    // response-time histogram buckets per route (the dashboard's p50 / p99 panels need them),
    // with an edge at the 15 ms p99 target
    Assertions.assertTrue(
        metrics
            .lines()
            .anyMatch(l -> l.startsWith("vertx_http_server_response_time_seconds_bucket{")
                && l.contains("le=\"0.015\"")),
        "no 15 ms bucket in /metrics");
  }
}
