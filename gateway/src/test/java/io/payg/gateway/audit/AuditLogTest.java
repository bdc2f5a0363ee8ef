package io.payg.gateway.audit;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every change through the API this slice touches writes one audit row, in its transaction, without secrets. */
class AuditLogTest {

  static GatewayFixture gw;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AuditLogTest.class);
    co = gw.company("Audited Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonArray audit(String query) {
    return ok(gw.get("/api/v1/audit" + query, co.adminToken())).getJsonArray("items");
  }

  static List<String> actions(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("action")).toList();
  }

  @Test
  void usersPluginsTariffsCustomersAndDevicesAreAuditedWithoutSecrets() {
    Instant from = Instant.now().minusSeconds(1);
    String adminId = gw.db.text(
        "SELECT id::text FROM users WHERE company_id = ?::uuid AND role = 'ADMIN'", co.id());

    // a user, then a change of role and password
    String email = "op-" + UUID.randomUUID() + "@example.com";
    String user = ok(gw.post(
            "/api/v1/users",
            co.adminToken(),
            new JsonObject()
                .put("email", email)
                .put("password", "operator password 1")
                .put("role", "OPERATOR")))
        .getString("id");
    ok(gw.patch(
        "/api/v1/users/" + user,
        co.adminToken(),
        new JsonObject().put("role", "AGENT").put("password", "a new password 22")));
    JsonArray userRows = audit("?entity=user&entityId=" + user);
    assertEquals(List.of("user.updated", "user.created"), actions(userRows), "newest first");
    JsonObject updated = userRows.getJsonObject(0);
    assertEquals("OPERATOR", updated.getJsonObject("before").getString("role"));
    assertEquals("AGENT", updated.getJsonObject("after").getString("role"));
    assertEquals(true, updated.getJsonObject("after").getBoolean("passwordChanged"));
    assertEquals(adminId, updated.getString("actorId"));
    assertEquals("ADMIN", updated.getString("actorRole"));

    // a plugin's secret: the row says it is set, never what it is
    String secret = "audit-secret-" + UUID.randomUUID();
    ok(gw.put(
        "/api/v1/plugins/generic",
        co.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("secret", secret))));
    JsonObject plugin = audit("?entity=plugin&entityId=generic").getJsonObject(0);
    assertEquals("plugin.saved", plugin.getString("action"));
    assertEquals(
        "****", plugin.getJsonObject("after").getJsonObject("settings").getString("secret"));
    assertEquals(true, plugin.getJsonObject("before").getBoolean("enabled"));

    // a tariff, a customer with a meter, a reassignment of that meter
    String tariff = ok(gw.post(
            "/api/v1/tariffs",
            co.adminToken(),
            new JsonObject()
                .put("name", "Audit " + UUID.randomUUID())
                .put("currency", "KES")
                .put("pricePerKwh", 2000)
                .put("minimumPurchase", 1000)))
        .getString("id");
    assertEquals(List.of("tariff.created"), actions(audit("?entity=tariff&entityId=" + tariff)));
    String meter = "AUD-" + UUID.randomUUID().toString().substring(0, 8);
    String customer = gw.meterCustomer(co, meter).getString("id");
    JsonObject created = audit("?entity=customer&entityId=" + customer).getJsonObject(0);
    assertEquals("customer.created", created.getString("action"));
    assertEquals(meter, created.getJsonObject("after").getJsonObject("device").getString("serial"));
    String other = ok(gw.post(
            "/api/v1/customers",
            co.adminToken(),
            new JsonObject()
                .put("name", "Next Owner")
                .put("phone", "+254700000555")
                .put("villageId", co.villageId())))
        .getString("id");
    ok(await(gw.http
        .postAbs(gw.base + "/api/v1/devices/" + meter + "/reassign")
        .bearerTokenAuthentication(co.adminToken())
        .sendJsonObject(new JsonObject().put("customerId", other).put("reason", "moved house"))));
    JsonObject moved = audit("?entity=device").getJsonObject(0);
    assertEquals("device.reassigned", moved.getString("action"));
    assertEquals(customer, moved.getJsonObject("before").getString("customerId"));
    assertEquals(other, moved.getJsonObject("after").getString("customerId"));

    // an appliance sale to an existing customer (a TV: no device)
    String tv = ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "TV " + UUID.randomUUID())
                .put("type", "OTHER")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    String sale = ok(gw.post(
            "/api/v1/customers/" + other + "/appliance-sales",
            co.adminToken(),
            new JsonObject()
                .put("applianceId", tv)
                .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
                .put("period", "WEEKLY")))
        .getString("id");
    JsonObject sold = audit("?entity=appliance_sale&entityId=" + sale).getJsonObject(0);
    assertEquals("sale.created", sold.getString("action"));
    assertEquals(other, sold.getJsonObject("after").getString("customerId"));

    // the filters: by actor and by time; nothing of another company's
    assertTrue(audit("?actor=" + adminId + "&limit=500").size() >= 7);
    assertEquals(0, audit("?actor=" + UUID.randomUUID()).size());
    assertEquals(0, audit("?to=" + from.toString()).size(), "nothing before the test began");
    assertTrue(audit("?from=" + from.toString() + "&limit=500").size() >= 7);
    GatewayFixture.Company stranger = gw.company("Stranger Energy");
    JsonArray theirs =
        ok(gw.get("/api/v1/audit?limit=500", stranger.adminToken())).getJsonArray("items");
    assertFalse(theirs.encode().contains(customer));
    assertFalse(theirs.encode().contains(user));

    // no secret anywhere in the log
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE before::text LIKE ? OR after::text LIKE ?",
            "%" + secret + "%",
            "%" + secret + "%"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE after::text LIKE '%operator password%' "
                + "OR after::text LIKE '%$2a$%' OR after::text LIKE '%$2b$%' OR after::text LIKE '%$2y$%'"));

    // refused changes write no row
    long rows = gw.db.count("SELECT count(*) FROM audit_log WHERE company_id = ?::uuid", co.id());
    assertEquals(
        409,
        gw.post(
                "/api/v1/users",
                co.adminToken(),
                new JsonObject()
                    .put("email", email)
                    .put("password", "operator password 1")
                    .put("role", "OPERATOR"))
            .statusCode());
    assertEquals(
        rows, gw.db.count("SELECT count(*) FROM audit_log WHERE company_id = ?::uuid", co.id()));

    assertEquals(
        400, gw.get("/api/v1/audit?entity=DROP%20TABLE", co.adminToken()).statusCode());
    assertEquals(400, gw.get("/api/v1/audit?from=yesterday", co.adminToken()).statusCode());
  }
}
