package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token job when the manufacturer fails: retried with backoff, or FAILED with its reason. */
class TokenRetryTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TokenRetryTest.class);
    company = gw.company("Retry Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aManufacturerThatFailsTwiceStillDeliversOneToken() {
    String serial = "RTY-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    gw.calin.setFailNext(2);
    String id = GatewayFixture.ok(await(company
            .provider()
            .process("R-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    eventually(Duration.ofSeconds(15), "TOKEN_PENDING while retrying or COMPLETED", () -> {
      String s = gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id);
      return "TOKEN_PENDING".equals(s) || "COMPLETED".equals(s);
    });
    eventually(
        Duration.ofSeconds(15),
        "token after retries",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    assertEquals(1, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id));
    assertEquals(
        3,
        gw.db.count(
            "SELECT attempts FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id));
  }

  @Test
  void aSerialTheManufacturerRejectsEndsTokenFailedWithTheReason() {
    String serial = "REJ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    gw.calin.rejectSerial(serial);
    String id = GatewayFixture.ok(await(company
            .provider()
            .process("F-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "TOKEN_FAILED",
        () -> "TOKEN_FAILED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    JsonObject detail =
        GatewayFixture.ok(gw.get("/api/v1/transactions/" + id, company.adminToken()));
    assertEquals("FAILED", detail.getJsonObject("token").getString("status"));
    // a classified code and the gateway's own words, never the manufacturer's answer
    assertTrue(
        detail.getJsonObject("token").getString("lastError").startsWith("PEER_REFUSED: calin"),
        detail.encode());
    // the money stays allocated: the customer did pay
    assertEquals(2, detail.getJsonArray("allocations").size());
    assertEquals(0, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id));
    // a failed token can be retried, a completed one cannot
    assertEquals(
        404,
        gw.post(
                "/api/v1/transactions/" + UUID.randomUUID() + "/token/retry",
                company.adminToken(),
                new JsonObject())
            .statusCode(),
        "an unknown transaction is 404");
  }

  @Test
  void anOperatorRetriesAFailedTokenOnceTheManufacturerIsBack() {
    String serial = "OFF-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    // the manufacturer plugin is switched off: every attempt fails until the budget is spent
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/calin", company.adminToken(), new JsonObject().put("enabled", false)));
    String id = GatewayFixture.ok(await(company
            .provider()
            .process("O-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "TOKEN_FAILED after the retry budget",
        () -> "TOKEN_FAILED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    assertEquals(
        5,
        gw.db.count(
            "SELECT attempts FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id));
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/calin", company.adminToken(), new JsonObject().put("enabled", true)));

    assertEquals(
        202,
        gw.post(
                "/api/v1/transactions/" + id + "/token/retry",
                company.adminToken(),
                new JsonObject())
            .statusCode());
    eventually(
        Duration.ofSeconds(15),
        "token after the operator's retry",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    assertEquals(1, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id));
    assertEquals(
        409,
        gw.post(
                "/api/v1/transactions/" + id + "/token/retry",
                company.adminToken(),
                new JsonObject())
            .statusCode());

    // the confirmation can be sent again: a second SMS with the same token
    eventually(
        Duration.ofSeconds(15),
        "first SMS",
        () -> gw.db.count("SELECT count(*) FROM sms_messages WHERE transaction_id = ?::uuid", id)
            == 1);
    assertEquals(
        202,
        gw.post(
                "/api/v1/transactions/" + id + "/sms/resend",
                company.adminToken(),
                new JsonObject())
            .statusCode());
    eventually(
        Duration.ofSeconds(15),
        "second SMS",
        () -> gw.db.count("SELECT count(*) FROM sms_messages WHERE transaction_id = ?::uuid", id)
            == 2);
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(DISTINCT body) FROM sms_messages WHERE transaction_id = ?::uuid", id));
  }

  @Test
  void theCompanysSmsTemplateIsUsedAndABadOneIsRefused() {
    assertEquals(
        400,
        gw.put(
                "/api/v1/sms-templates",
                company.adminToken(),
                new JsonObject().put("token", "Token {tokn}"))
            .statusCode());
    GatewayFixture.ok(gw.put(
        "/api/v1/sms-templates",
        company.adminToken(),
        new JsonObject()
            .put("token", "Habari {name}: {amount} for {serial}. Token {token} = {units}.")));
    String serial = "TPL-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    String id = GatewayFixture.ok(await(company
            .provider()
            .process("T-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "SMS",
        () -> gw.db.count("SELECT count(*) FROM sms_messages WHERE transaction_id = ?::uuid", id)
            == 1);
    String token = gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", id);
    assertEquals(
        "Habari Customer " + serial + ": 100.00 KES for " + serial + ". Token " + token
            + " = 4.3 kWh.",
        gw.db.text("SELECT body FROM sms_messages WHERE transaction_id = ?::uuid", id));
    GatewayFixture.ok(gw.put("/api/v1/sms-templates", company.adminToken(), new JsonObject()));
  }
}
