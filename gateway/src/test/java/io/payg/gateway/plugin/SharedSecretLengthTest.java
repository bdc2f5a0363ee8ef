package io.payg.gateway.plugin;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HMAC and shared secrets set through PUT /api/v1/plugins/{name} are at least PLUGIN_SECRET_MIN_LENGTH (16). */
class SharedSecretLengthTest {

  static GatewayFixture gw;
  static GatewayFixture.Company acme;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SharedSecretLengthTest.class);
    acme = gw.company("Acme Secrets");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static HttpResponse<Buffer> put(String plugin, String key, String value) {
    return gw.put(
        "/api/v1/plugins/" + plugin,
        acme.adminToken(),
        new JsonObject().put("enabled", true).put("settings", new JsonObject().put(key, value)));
  }

  static void assertTooShort(HttpResponse<Buffer> r, String setting) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("SECRET_TOO_SHORT", r.bodyAsJsonObject().getString("code"));
    assertTrue(
        r.bodyAsJsonObject().getString("detail").contains("'" + setting + "'"), r.bodyAsString());
  }

  @Test
  void aShortGenericSecretIsRefusedAndTheOldOneStillSigns() {
    String before = gw.db.text(
        "SELECT settings::text FROM plugins WHERE company_id = ?::uuid AND name = 'generic'",
        acme.id());
    assertTooShort(put("generic", "secret", "guessable"), "secret");
    assertEquals(
        before,
        gw.db.text(
            "SELECT settings::text FROM plugins WHERE company_id = ?::uuid AND name = 'generic'",
            acme.id()));
    assertEquals(
        200,
        await(acme.provider().validate("NO-SUCH", 10_000, "KES", "+254700000000"))
            .statusCode());
  }

  @Test
  void waveAndAirtelCallbackSecretsHaveTheSameFloor() {
    assertTooShort(put("wave", "webhookSecret", "wave_sn_WHS_1"), "webhookSecret");
    assertTooShort(put("wave", "previousWebhookSecret", ""), "previousWebhookSecret");
    assertTooShort(put("airtel", "callbackSecret", "0123456789abcde"), "callbackSecret");
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM plugins WHERE company_id = ?::uuid AND name IN ('wave', 'airtel')"
                + " AND enabled",
            acme.id()));
    // exactly the floor is enough
    JsonObject wave = ok(put("wave", "webhookSecret", "wave_sn_WHS_1234"));
    assertEquals("webhookSecret", wave.getJsonArray("secretsSet").getString(0));
  }
}
