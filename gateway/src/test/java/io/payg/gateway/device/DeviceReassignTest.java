package io.payg.gateway.device;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A meter changes hands: audited, refused while an appliance sale is paid, and safe against a payment in flight. */
class DeviceReassignTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(DeviceReassignTest.class);
    company = gw.company("Reassign Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String serial() {
    return "RA-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String plainCustomer(String name) {
    return ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", name)
                .put("phone", "+254722222222")
                .put("villageId", company.villageId())))
        .getString("id");
  }

  static Future<HttpResponse<Buffer>> reassign(String serial, String customerId, String token) {
    return gw.http
        .postAbs(gw.base + "/api/v1/devices/" + serial + "/reassign")
        .bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("customerId", customerId).put("reason", "house sold"));
  }

  static String payer(String providerTxnId) {
    return gw.db.text(
        "SELECT customer_id::text FROM transactions WHERE provider_txn_id = ?", providerTxnId);
  }

  @Test
  void aMeterMovesWithAnAuditRowAndLaterPaymentsGoToTheNewCustomer() {
    String meter = serial();
    String oldOwner = gw.meterCustomer(company, meter).getString("id");
    String newOwner = plainCustomer("New Owner");
    ok(await(company
        .provider()
        .process("before-" + meter, meter, 10_000, "KES", "+254700000001", null)));
    assertEquals(oldOwner, payer("before-" + meter));

    HttpResponse<Buffer> moved = await(reassign(meter, newOwner, company.adminToken()));
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
    assertEquals(oldOwner, moved.bodyAsJsonObject().getString("fromCustomerId"));
    assertEquals(newOwner, moved.bodyAsJsonObject().getString("toCustomerId"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM device_reassignments r JOIN devices d ON d.id = r.device_id "
                + "WHERE d.serial = ? AND r.from_customer_id = ?::uuid AND r.to_customer_id = ?::uuid AND r.reason = "
                + "'house sold' "
                + "AND r.reassigned_by IS NOT NULL",
            meter,
            oldOwner,
            newOwner));
    // both customers' debts changed owner: a payment computed before the move must not apply
    assertEquals(
        2,
        gw.db.count(
            "SELECT count(*) FROM customers WHERE id IN (?::uuid, ?::uuid) AND debt_version >= 1",
            oldOwner,
            newOwner));

    ok(await(
        company.provider().process("after-" + meter, meter, 10_000, "KES", "+254700000001", null)));
    assertEquals(newOwner, payer("after-" + meter));
    assertEquals(oldOwner, payer("before-" + meter), "the meter's history stays as it was");
    assertTrue(
        ok(gw.get("/api/v1/customers/" + newOwner, company.adminToken()))
            .encode()
            .contains(meter),
        "the new owner's record shows the meter");

    // refusals
    assertEquals(
        404, await(reassign("NOPE-" + meter, newOwner, company.adminToken())).statusCode());
    HttpResponse<Buffer> unknown =
        await(reassign(meter, UUID.randomUUID().toString(), company.adminToken()));
    assertEquals(422, unknown.statusCode());
    assertEquals("CUSTOMER_NOT_FOUND", unknown.bodyAsJsonObject().getString("code"));
    assertEquals(
        "SAME_CUSTOMER",
        await(reassign(meter, newOwner, company.adminToken()))
            .bodyAsJsonObject()
            .getString("code"));
    assertEquals(
        400,
        gw.post("/api/v1/devices/" + meter + "/reassign", company.adminToken(), new JsonObject())
            .statusCode());
    String agentEmail = "agent-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        company.adminToken(),
        new JsonObject()
            .put("email", agentEmail)
            .put("password", "agent password 1")
            .put("role", "AGENT")));
    assertEquals(
        403,
        await(reassign(meter, oldOwner, gw.login(agentEmail, "agent password 1")))
            .statusCode());
    assertEquals(1, gw.db.count("SELECT count(*) FROM device_reassignments"));
  }

  @Test
  void aDeviceStillBeingPaidForStaysWithItsBuyer() {
    String shs = serial();
    String appliance = ok(gw.post(
            "/api/v1/appliances",
            company.adminToken(),
            new JsonObject()
                .put("name", "SHS " + shs)
                .put("type", "SHS")
                .put("price", 100_000)
                .put("currency", "KES")))
        .getString("id");
    String buyer = ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", "Buyer")
                .put("phone", "+254700000007")
                .put("villageId", company.villageId())
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", shs)
                        .put("type", "SHS")
                        .put("manufacturer", "openpaygo")
                        .put(
                            "openPaygo",
                            new JsonObject()
                                .put("secretKey", "bc41ec9530f6dac86b1a29ab82edc5fb")
                                .put("startingCode", 516959010))
                        .put(
                            "sale",
                            new JsonObject()
                                .put("applianceId", appliance)
                                .put("downPayment", 10_000)
                                .put(
                                    "plan",
                                    new JsonObject()
                                        .put("kind", "INSTALLMENT_COUNT")
                                        .put("count", 3))
                                .put("period", "WEEKLY")))))
        .getString("id");
    String other = plainCustomer("Would-be owner");
    long audit = gw.db.count("SELECT count(*) FROM device_reassignments");

    HttpResponse<Buffer> refused = await(reassign(shs, other, company.adminToken()));
    assertEquals(409, refused.statusCode());
    assertEquals("application/problem+json", refused.getHeader("Content-Type"));
    assertEquals("DEVICE_HAS_OPEN_SALE", refused.bodyAsJsonObject().getString("code"));
    assertEquals(buyer, gw.db.text("SELECT customer_id::text FROM devices WHERE serial = ?", shs));
    assertEquals(audit, gw.db.count("SELECT count(*) FROM device_reassignments"));
  }

  /**
   * The race the debt_version bump closes, made deterministic with a row lock held from the test:
   * the move queues first, then a payment computed while the old owner still owned the meter.
   * The payment must not be recorded for the old owner after the meter moved.
   */
  @Test
  void aPaymentComputedBeforeTheMoveIsRecomputedForTheNewOwner() throws Exception {
    String meter = serial();
    String oldOwner = gw.meterCustomer(company, meter).getString("id");
    String newOwner = plainCustomer("Next Owner");
    Future<HttpResponse<Buffer>> move;
    Future<HttpResponse<Buffer>> payment;
    try (Connection blocker =
        DriverManager.getConnection(gw.db.url().jdbcUrl(), gw.db.url().jdbcProperties())) {
      blocker.setAutoCommit(false);
      try (var st =
          blocker.prepareStatement("SELECT 1 FROM customers WHERE id = ?::uuid FOR UPDATE")) {
        st.setString(1, oldOwner);
        st.executeQuery();
      }
      move = reassign(meter, newOwner, company.adminToken());
      waitForLockWaiters(1);
      payment =
          company.provider().process("race-" + meter, meter, 10_000, "KES", "+254700000001", null);
      waitForLockWaiters(2);
      blocker.commit();
    }
    assertEquals(200, await(move).statusCode());
    HttpResponse<Buffer> paid = await(payment);
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    assertEquals(
        newOwner, payer("race-" + meter), "recorded for whoever owns the meter when it is written");
  }

  static void waitForLockWaiters(int n) {
    GatewayFixture.eventually(
        Duration.ofSeconds(20),
        n + " statements waiting on a row lock",
        () ->
            gw.db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND wait_event_type = 'Lock'")
                >= n);
  }
}
