package io.payg.gateway.plugin;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.SecretRotation;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest: sealed for their place (a ciphertext pasted into another tenant's row does not
 * open), with a key id so SECRETS_KEY can be rotated, and stored credentials never follow a
 * plugin to a new address unless they are sent again.
 */
class SecretsAtRestTest {

  static final String KEY_1 =
      "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // the fixture's SECRETS_KEY
  static final String KEY_2 = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SecretsAtRestTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String stored(GatewayFixture.Company c, String plugin, String setting) {
    return gw.db.text(
        "SELECT settings ->> ? FROM plugins WHERE company_id = ?::uuid AND name = ?",
        setting,
        c.id(),
        plugin);
  }

  @Test
  void aCiphertextPastedIntoAnotherTenantsRowDoesNotOpenThere() {
    GatewayFixture.Company a = gw.company("Sealed A");
    GatewayFixture.Company b = gw.company("Sealed B");
    String aSecret = stored(a, "generic", "secret");
    assertTrue(aSecret.startsWith("enc:v2:"), aSecret);
    // someone with write access to the table copies A's sealed secret into B's plugin
    gw.db.text(
        "UPDATE plugins SET settings = jsonb_set(settings, '{secret}', to_jsonb(?::text)) "
            + "WHERE company_id = ?::uuid AND name = 'generic' RETURNING name",
        aSecret,
        b.id());
    GenericProviderClient asB =
        new GenericProviderClient(gw.http, gw.base + "/api/v1/telco/generic/" + b.id(), a.secret());
    // once the 5 s settings cache has let go of B's own secret, nothing opens: neither B's nor A's
    // is accepted
    GatewayFixture.eventually(
        Duration.ofSeconds(10),
        "the cached settings expire",
        () -> await(b.provider().validate("NO-SUCH", 10_000, "KES", "+254700000000"))
                .statusCode()
            == 401);
    assertEquals(
        401, await(asB.validate("NO-SUCH", 10_000, "KES", "+254700000000")).statusCode());
    assertEquals(
        200,
        await(a.provider().validate("NO-SUCH", 10_000, "KES", "+254700000000")).statusCode());
  }

  @Test
  void movingAPluginToAnotherAddressNeedsItsSecretsAgain() {
    GatewayFixture.Company c = gw.company("Moving SMS");
    var r = gw.put(
        "/api/v1/plugins/africastalking",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("baseUrl", "https://sms.attacker.example")));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("SECRETS_REQUIRED", r.bodyAsJsonObject().getString("code"));
    assertEquals(gw.sms.settings().get("baseUrl"), stored(c, "africastalking", "baseUrl"));
    // another non-address setting keeps the secrets
    assertEquals(
        200,
        gw.put(
                "/api/v1/plugins/africastalking",
                c.adminToken(),
                new JsonObject()
                    .put("enabled", true)
                    .put("settings", new JsonObject().put("senderId", "PAYG")))
            .statusCode());
    // with the secret sent again, the move is the admin's informed choice
    assertEquals(
        200,
        gw.put(
                "/api/v1/plugins/africastalking",
                c.adminToken(),
                new JsonObject()
                    .put("enabled", true)
                    .put(
                        "settings",
                        new JsonObject()
                            .put("baseUrl", gw.sms.settings().get("baseUrl") + "/")
                            .put("apiKey", "new key")))
            .statusCode());
  }

  @Test
  void aRotatedKeyStillOpensOldSecretsUntilTheyAreResealed() throws Exception {
    GatewayFixture.Company c = gw.company("Rotating");
    String before = stored(c, "generic", "secret");
    GatewayFixture.ok(gw.put(
        "/api/v1/webhooks",
        c.adminToken(),
        new JsonObject()
            .put("url", "https://hooks.example.com/payg")
            .put("events", new JsonArray().add("payment.recorded"))));
    String hookBefore = gw.db.text(
        "SELECT secret_sealed FROM webhook_endpoints WHERE company_id = ?::uuid", c.id());
    // the new key serves, the old one only opens
    try (GatewayApp rotated = gateway(KEY_2, KEY_1)) {
      assertEquals(200, validate(rotated, c));
      assertTrue(SecretRotation.run(config(KEY_2, KEY_1)));
    }
    String after = stored(c, "generic", "secret");
    assertNotEquals(before.split(":")[2], after.split(":")[2], "sealed with another key id now");
    String hookAfter = gw.db.text(
        "SELECT secret_sealed FROM webhook_endpoints WHERE company_id = ?::uuid", c.id());
    assertNotEquals(
        hookBefore.split(":")[2],
        hookAfter.split(":")[2],
        "the webhook's signing secret is re-sealed too");
    try (GatewayApp newOnly = gateway(KEY_2, "")) {
      assertEquals(200, validate(newOnly, c));
    }
    try (GatewayApp oldOnly = gateway(KEY_1, "")) {
      assertEquals(
          401, validate(oldOnly, c), "the old key alone no longer opens the re-sealed secret");
    }
  }

  private static int validate(GatewayApp app, GatewayFixture.Company c) {
    return await(new GenericProviderClient(
                gw.http,
                "http://127.0.0.1:" + app.port() + "/api/v1/telco/generic/" + c.id(),
                c.secret())
            .validate("NO-SUCH", 10_000, "KES", "+254700000000"))
        .statusCode();
  }

  private static GatewayConfig config(String key, String previous) {
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_HOST",
        "127.0.0.1",
        "HTTP_PORT",
        "0",
        "BCRYPT_COST",
        "4",
        "EVENT_LOOPS",
        "1",
        "SECRETS_KEY",
        key,
        "SECRETS_KEY_PREVIOUS",
        previous,
        "JWT_PRIVATE_KEY",
        GatewayFixture.JWT_KEYS.privateKeyPem(),
        "JWT_PUBLIC_KEY",
        GatewayFixture.JWT_KEYS.publicKeyPem()));
    env.put("DATABASE_URL", gw.db.url().toUrl());
    env.putAll(GatewayFixture.LOOPBACK_PEERS);
    return GatewayConfig.fromEnv(env, false);
  }

  private static GatewayApp gateway(String key, String previous) throws Exception {
    return GatewayApp.start(config(key, previous), Clock.systemUTC());
  }
}
