package io.payg.gateway.http;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A field or query parameter the contract does not know is a 400 naming it, and nothing is stored. */
class UnknownFieldsTest {

  static GatewayFixture gw;
  static GatewayFixture.Company acme;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(UnknownFieldsTest.class);
    acme = gw.company("Acme Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static void assertUnknown(HttpResponse<Buffer> r, String name) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(Problems.CONTENT_TYPE, r.getHeader("Content-Type"));
    JsonObject problem = r.bodyAsJsonObject();
    assertEquals("UNKNOWN_PARAMETER", problem.getString("code"));
    assertTrue(problem.getString("detail").endsWith(": " + name), problem.getString("detail"));
  }

  @Test
  void pluginSettingsSentAsConfigAreRefusedAndNothingIsStored() {
    HttpResponse<Buffer> r = gw.put(
        "/api/v1/plugins/generic",
        acme.adminToken(),
        new JsonObject()
            .put("enabled", false)
            .put("config", new JsonObject().put("secret", "other")));
    assertUnknown(r, "config");
    JsonObject plugin = GatewayFixture.ok(gw.get("/api/v1/plugins/generic", acme.adminToken()));
    assertEquals(true, plugin.getBoolean("enabled"), "the refused write changed nothing");
    // and the same body with the field the contract names is taken
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/generic",
        acme.adminToken(),
        new JsonObject().put("enabled", true).put("settings", new JsonObject())));
  }

  @Test
  void aTariffWithAMisspelledFieldIsRefusedAndNotCreated() {
    HttpResponse<Buffer> r = gw.post(
        "/api/v1/tariffs",
        acme.adminToken(),
        new JsonObject()
            .put("name", "Misspelled")
            .put("currency", "KES")
            .put("pricePerKwh", 2300)
            .put("minimumPurchse", 5000));
    assertUnknown(r, "minimumPurchse");
    assertEquals(0, tariffs("Misspelled"));
  }

  @Test
  void aPathDisguisedAsAProviderCallbackIsCheckedAsTheRouteItReaches() {
    // the router removes the dot segments and reaches POST /api/v1/tariffs: the checks must see
    // that route too, not skip it as a provider callback by the raw path's prefix
    HttpResponse<Buffer> r = gw.post(
        "/api/v1/telco/../tariffs",
        acme.adminToken(),
        new JsonObject()
            .put("name", "Disguised")
            .put("currency", "KES")
            .put("pricePerKwh", 2300)
            .put("minimumPurchse", 5000));
    assertUnknown(r, "minimumPurchse");
    assertEquals(0, tariffs("Disguised"));
  }

  @Test
  void anUnknownNestedFieldIsNamedWithItsPath() {
    HttpResponse<Buffer> r = gw.post(
        "/api/v1/tariffs",
        acme.adminToken(),
        new JsonObject()
            .put("name", "Nested")
            .put("currency", "KES")
            .put("pricePerKwh", 2300)
            .put("accessRate", new JsonObject().put("amount", 100).put("periodDay", 30)));
    assertUnknown(r, "accessRate.periodDay");
    assertEquals(0, tariffs("Nested"));
  }

  @Test
  void anUnknownQueryParameterOnAListIsRefused() {
    assertUnknown(
        gw.get("/api/v1/transactions?limit=5&sortBy=amount", acme.adminToken()), "sortBy");
    assertUnknown(gw.get("/api/v1/clusters?page=2", acme.adminToken()), "page");
    assertEquals(200, gw.get("/api/v1/transactions?limit=5", acme.adminToken()).statusCode());
  }

  @Test
  void aPublicOperationIsCheckedBeforeAnyToken() {
    assertUnknown(
        gw.post(
            "/api/v1/auth/login",
            null,
            new JsonObject()
                .put("email", "nobody@example.com")
                .put("password", "whatever it is")
                .put("rememberMe", true)),
        "rememberMe");
  }

  @Test
  void aStrangerStillGetsUnauthenticatedNotTheContract() {
    assertEquals(
        401,
        gw.post("/api/v1/tariffs", null, new JsonObject().put("nonsense", 1)).statusCode());
  }

  private static long tariffs(String name) {
    return await(gw.app
            .pool()
            .preparedQuery("SELECT count(*) FROM tariffs WHERE company_id = $1::uuid AND name = $2")
            .execute(Tuple.of(acme.id(), name)))
        .iterator()
        .next()
        .getLong(0);
  }
}
