package io.payg.gateway.payment;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Customers type serials by hand: every path finds a device whatever the case and surrounding
 * spaces, registration refuses a serial that differs only in case, and the hot-path lookups
 * stay one probe of the (company_id, lower(serial)) unique index (V12).
 */
class SerialMatchingTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static MtnMomoSimulator momo;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SerialMatchingTest.class, Map.of("COLLECTION_POLL_MS", "200"));
    company = gw.company("Typed Serials Energy");
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(momo.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String serial() {
    return "ABC-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
  }

  @Test
  void aSerialTypedInLowerCaseWithSpacesIsPaidAndVendedAsRegistered() {
    String registered = serial();
    gw.meterCustomer(company, registered);
    String typed = "  " + registered.toLowerCase() + " ";

    JsonObject validation = await(
            company.provider().validate(typed, 10_000, "KES", "+254712345678"))
        .bodyAsJsonObject();
    assertEquals(true, validation.getBoolean("valid"), validation.encode());
    assertEquals("Customer " + registered, validation.getString("customerName"));

    String txn = "TYPED-" + UUID.randomUUID();
    JsonObject paid =
        ok(await(company.provider().process(txn, typed, 10_000, "KES", "+254712345678", null)));
    String id = paid.getString("transactionId");
    assertEquals(registered, gw.db.text("SELECT serial FROM transactions WHERE id = ?::uuid", id));
    eventually(
        Duration.ofSeconds(15),
        "token stored",
        () -> gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id) == 1);
    assertTrue(
        gw.calin.vends().stream().anyMatch(v -> v.serial().equals(registered)),
        "the manufacturer gets the serial as registered");

    // the provider redelivers with the serial typed otherwise: the same payment, not a conflict
    HttpResponse<Buffer> again =
        await(company.provider().process(txn, registered, 10_000, "KES", "+254712345678", null));
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(id, again.bodyAsJsonObject().getString("transactionId"));
    assertEquals(0, gw.db.count("SELECT count(*) FROM conflicts WHERE provider_txn_id = ?", txn));
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", txn));
  }

  @Test
  void registeringTheSameSerialInAnotherCaseIsAConflictInTheSameCompanyOnly() {
    String registered = serial();
    gw.meterCustomer(company, registered);

    for (String again : new String[] {registered.toLowerCase(), " " + registered + " "}) {
      HttpResponse<Buffer> r = registerMeter(company, again);
      assertEquals(409, r.statusCode(), r.bodyAsString());
      assertEquals("DUPLICATE_SERIAL", r.bodyAsJsonObject().getString("code"));
    }
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM devices WHERE lower(serial) = lower(?)", registered));

    GatewayFixture.Company other = gw.company("Other Serials Energy");
    assertEquals(201, registerMeter(other, registered.toLowerCase()).statusCode());
  }

  @Test
  void agentCashAndReassignFindTheDeviceWhateverTheCase() {
    GatewayFixture.Agent agent = gw.agent(company, 1_000_000);
    String registered = serial();
    ok(gw.post(
        "/api/v1/customers",
        company.adminToken(),
        new JsonObject()
            .put("name", "Agent's Customer")
            .put("phone", "+254711111111")
            .put("villageId", company.villageId())
            .put("agentId", agent.id())
            .put(
                "device",
                new JsonObject()
                    .put("serial", registered)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", company.tariffId()))));

    HttpResponse<Buffer> cash = await(gw.http
        .postAbs(gw.base + "/api/v1/agent/payments")
        .bearerTokenAuthentication(agent.token())
        .putHeader("Idempotency-Key", "cash-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("serial", " " + registered.toLowerCase())
            .put("amount", 10_000)
            .put("currency", "KES")));
    assertEquals(200, cash.statusCode(), cash.bodyAsString());
    assertEquals(
        registered,
        gw.db.text(
            "SELECT serial FROM transactions WHERE id = ?::uuid",
            cash.bodyAsJsonObject().getString("id")));

    String newOwner = ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", "New Owner")
                .put("phone", "+254722222222")
                .put("villageId", company.villageId())))
        .getString("id");
    JsonObject moved = ok(await(gw.http
        .postAbs(gw.base + "/api/v1/devices/" + registered.toLowerCase() + "/reassign")
        .bearerTokenAuthentication(company.adminToken())
        .sendJsonObject(new JsonObject().put("customerId", newOwner).put("reason", "house sold"))));
    assertEquals(registered, moved.getString("serial"));
    assertEquals(
        newOwner, gw.db.text("SELECT customer_id::text FROM devices WHERE serial = ?", registered));
  }

  @Test
  void aCollectionForATypedSerialIsRequestedOnceAndBookedOnTheRegisteredDevice() {
    String registered = serial();
    gw.meterCustomer(company, registered);
    String key = "col-" + UUID.randomUUID();

    HttpResponse<Buffer> first = collect(key, " " + registered.toLowerCase() + " ");
    assertEquals(202, first.statusCode(), first.bodyAsString());
    String id = first.bodyAsJsonObject().getString("id");
    // the same request typed otherwise is the same collection, not a conflicting one
    assertEquals(id, collect(key, registered).bodyAsJsonObject().getString("id"));

    await(momo.approve(id));
    eventually(
        Duration.ofSeconds(10),
        "collection settled",
        () -> "SUCCEEDED"
            .equals(gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id)));
    assertEquals(
        registered, gw.db.text("SELECT serial FROM transactions WHERE provider_txn_id = ?", id));
  }

  private static HttpResponse<Buffer> collect(String key, String serial) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject()
            .put("provider", "mtn-momo")
            .put("msisdn", "256772123456")
            .put("serial", serial)
            .put("amount", 10_000)
            .put("currency", "KES")));
  }

  @Test
  void theHotPathLookupsStayOneProbeOfTheCaseInsensitiveIndex() throws Exception {
    String uuid = "'" + UUID.randomUUID() + "'";
    assertOneIndexProbe(
        "PREPARE lookup(uuid, text) AS " + PaymentStore.LOOKUP,
        "EXECUTE lookup(" + uuid + ", 'abc-123')");
    assertOneIndexProbe(
        "PREPARE snapshot(uuid, text, text, text) AS " + PaymentStore.SNAPSHOT,
        "EXECUTE snapshot(" + uuid + ", 'abc-123', 'generic', 'T-1')");
  }

  /** The generic plan (what a prepared statement reuses) probes the V12 index on both columns. */
  private static void assertOneIndexProbe(String prepare, String execute) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection c =
            DriverManager.getConnection(gw.db.url().jdbcUrl(), gw.db.url().jdbcProperties());
        Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      // a near-empty test table would be read sequentially; the question is whether the index
      // serves
      st.execute("SET enable_seqscan = off");
      st.execute(prepare);
      try (ResultSet rs = st.executeQuery("EXPLAIN " + execute)) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    String text = plan.toString();
    assertTrue(text.contains("Index Scan using devices_company_lower_serial on devices d"), text);
    assertTrue(
        text.matches(
            "(?s).*Index Cond: \\(\\(company_id = \\$1\\) AND \\(lower\\(serial\\) = lower\\(\\$2\\)\\)\\).*"),
        text);
    assertFalse(text.contains("Seq Scan on devices"), text);
  }

  private static HttpResponse<Buffer> registerMeter(GatewayFixture.Company c, String serial) {
    return gw.post(
        "/api/v1/customers",
        c.adminToken(),
        new JsonObject()
            .put("name", "Again " + serial)
            .put("phone", "+254712345678")
            .put("villageId", c.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", c.tariffId())));
  }
}
