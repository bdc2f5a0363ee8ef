package io.payg.gateway.apikey;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Integrators' API keys over HTTP: created and shown once, used as a bearer, scoped, revoked, per company. */
class ApiKeyTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ApiKeyTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonObject create(GatewayFixture.Company c, String role, String scope) {
    JsonObject body = new JsonObject().put("name", "ERP " + role).put("role", role);
    if (scope != null) {
      body.put("scope", scope);
    }
    var r = gw.post("/api/v1/api-keys", c.adminToken(), body);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  static HttpResponse<Buffer> delete(String path, String token) {
    return await(
        gw.http.deleteAbs(gw.base + path).bearerTokenAuthentication(token).send());
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aKeyListsTransactionsUntilItIsRevoked() throws Exception {
    var a = gw.company("Keyed");
    String serial = "AK-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(a, serial);
    String txn = ok(await(
            a.provider().process("AK-1", serial, 10_000, "KES", "+254700000001", null)))
        .getString("transactionId");
    JsonObject created = create(a, "OPERATOR", null);
    String key = created.getString("key");
    assertTrue(key.startsWith("pgk_") && key.length() == 47, key);
    assertTrue(key.startsWith(created.getString("prefix")));
    // only the hash is stored
    assertEquals(
        sha256(key),
        gw.db.text(
            "SELECT encode(key_hash, 'hex') FROM api_keys WHERE id = ?::uuid",
            created.getString("id")));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM api_keys WHERE row_to_json(api_keys)::text LIKE ?",
            "%" + key.substring(4) + "%"));

    JsonObject list = ok(gw.get("/api/v1/transactions", key));
    assertEquals(txn, list.getJsonArray("items").getJsonObject(0).getString("id"));
    assertEquals(txn, ok(gw.get("/api/v1/transactions/" + txn, key)).getString("id"));
    assertFalse(
        gw.db.text(
                "SELECT last_used_at::text FROM api_keys WHERE id = ?::uuid",
                created.getString("id"))
            == null,
        "use is recorded");

    // the listing never shows a key
    JsonObject listed =
        ok(gw.get("/api/v1/api-keys", a.adminToken())).getJsonArray("items").getJsonObject(0);
    assertEquals(created.getString("id"), listed.getString("id"));
    assertNull(listed.getString("key"));
    // an OPERATOR key is an operator: ADMIN operations are refused; keys never manage keys
    assertEquals(403, gw.get("/api/v1/webhooks", key).statusCode());
    String adminKey = create(a, "ADMIN", null).getString("key");
    assertEquals(
        403,
        gw.post(
                "/api/v1/api-keys",
                adminKey,
                new JsonObject().put("name", "x").put("role", "ADMIN"))
            .statusCode());
    assertEquals(
        2, gw.db.count("SELECT count(*) FROM api_keys WHERE company_id = ?::uuid", a.id()));

    // revoked: 401 at the next request
    JsonObject revoked = ok(delete("/api/v1/api-keys/" + created.getString("id"), a.adminToken()));
    assertTrue(revoked.getString("revokedAt") != null);
    HttpResponse<Buffer> refused = gw.get("/api/v1/transactions", key);
    assertEquals(401, refused.statusCode());
    assertEquals("UNAUTHENTICATED", refused.bodyAsJsonObject().getString("code"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM api_keys WHERE id = ?::uuid AND revoked_at IS NOT NULL",
            created.getString("id")));
    // unknown, malformed and look-alike keys never pass
    assertEquals(401, gw.get("/api/v1/transactions", "pgk_" + "A".repeat(43)).statusCode());
    assertEquals(401, gw.get("/api/v1/transactions", "pgk_short").statusCode());
    assertEquals(200, gw.get("/api/v1/transactions", adminKey).statusCode());
  }

  @Test
  void aReadKeyOnlyReadsAndAnotherCompanysKeySeesNothingOfThisOne() {
    var a = gw.company("Reader A");
    var b = gw.company("Reader B");
    String serial = "AK-" + UUID.randomUUID().toString().substring(0, 8);
    String customer = gw.meterCustomer(a, serial).getString("id");
    String txn = ok(await(
            a.provider().process("AK-2", serial, 10_000, "KES", "+254700000002", null)))
        .getString("transactionId");
    String read = create(a, "ADMIN", "read").getString("key");
    assertEquals(200, gw.get("/api/v1/customers/" + customer, read).statusCode());
    var write = gw.post("/api/v1/clusters", read, new JsonObject().put("name", "x"));
    assertEquals(403, write.statusCode());
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM clusters WHERE company_id = ?::uuid", a.id()));

    String bKey = create(b, "ADMIN", null).getString("key");
    assertEquals(
        0, ok(gw.get("/api/v1/transactions", bKey)).getJsonArray("items").size());
    assertEquals(404, gw.get("/api/v1/transactions/" + txn, bKey).statusCode());
    assertEquals(404, gw.get("/api/v1/customers/" + customer, bKey).statusCode());
    String aKeyId = ok(gw.get("/api/v1/api-keys", a.adminToken()))
        .getJsonArray("items")
        .getJsonObject(0)
        .getString("id");
    assertEquals(404, delete("/api/v1/api-keys/" + aKeyId, b.adminToken()).statusCode());
    assertEquals(
        200,
        gw.get("/api/v1/customers/" + customer, read).statusCode(),
        "B could not revoke A's key");
  }
}
