package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each Daraja C2B confirmation is acknowledged at once and booked only when Daraja's Transaction
 * Status API (asynchronous: its result comes to our ResultURL) confirms it, against the simulator.
 */
class SafaricomTransactionStatusTest {

  static final String SHORT_CODE = "600977";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SafaricomSimulator mpesa;
  static SafaricomStkSimulator daraja;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        SafaricomTransactionStatusTest.class, Map.of("COLLECTION_POLL_MS", "100"));
    company = gw.company("Checked Energy");
    daraja = await(SafaricomStkSimulator.start(gw.app.vertx(), 0));
    JsonObject settings =
        new JsonObject().put("shortCode", SHORT_CODE).put("allowedSources", "127.0.0.1/32");
    daraja.transactionStatusSettings().forEach(settings::put);
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom",
        company.adminToken(),
        new JsonObject().put("enabled", true).put("settings", settings)));
    mpesa = new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + company.id());
  }

  @AfterAll
  static void stop() {
    await(daraja.stop());
    gw.close();
  }

  private static C2bPayment payment(String serial, String amount) {
    return C2bPayment.payBill(
        "QS" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(),
        SHORT_CODE,
        serial,
        amount,
        "254708374149",
        Instant.now());
  }

  private static String check(String transId) {
    return gw.db.text("SELECT status FROM daraja_status_checks WHERE trans_id = ?", transId);
  }

  @Test
  void aConfirmationDarajaConfirmsIsAcknowledgedAtOnceAndBookedOnceWhenTheResultArrives() {
    String serial = "TS-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    C2bPayment p = payment(serial, "100.00");
    daraja.completedPayment(p.transId(), 100);
    HttpResponse<Buffer> ack = await(mpesa.confirmation(p));
    assertEquals(200, ack.statusCode());
    assertEquals(0, ack.bodyAsJsonObject().getInteger("ResultCode"));
    await(mpesa.confirmation(p)); // Daraja redelivers: still one check
    assertEquals(
        1,
        gw.db.count("SELECT count(*) FROM daraja_status_checks WHERE trans_id = ?", p.transId()));
    eventually(
        Duration.ofSeconds(15),
        "booked after the status result",
        () -> "BOOKED".equals(check(p.transId())));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'safaricom' AND provider_txn_id = ?",
            p.transId()));
    SafaricomStkSimulator.StatusQuery q = daraja.statusQueries().stream()
        .filter(s -> s.transactionId().equals(p.transId()))
        .findFirst()
        .orElseThrow();
    assertEquals("TransactionStatusQuery", q.body().getString("CommandID"));
    assertEquals(SHORT_CODE, q.body().getString("PartyA"));
    // Daraja refuses URLs naming "safaricom": the result comes back on the alias path
    assertTrue(
        q.resultUrl()
            .endsWith("/api/v1/telco/ke-c2b/" + company.id() + "/transaction-status-result"),
        q.resultUrl());
    assertEquals(
        q.originatorConversationId(),
        gw.db.text(
            "SELECT originator_conversation_id FROM daraja_status_checks WHERE trans_id = ?",
            p.transId()));
  }

  @Test
  void aConfirmationDarajaDoesNotKnowIsKeptFlaggedAndNeverBooked() {
    String serial = "TS-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    C2bPayment p =
        payment(serial, "100.00"); // never paid at M-Pesa: a forgery from an allowed address
    assertEquals(0, await(mpesa.confirmation(p)).bodyAsJsonObject().getInteger("ResultCode"));
    eventually(Duration.ofSeconds(15), "kept", () -> "KEPT".equals(check(p.transId())));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ? AND NOT authenticated",
            p.transId()));
  }

  @Test
  void anotherAmountAtDarajaIsKeptFlagged() {
    String serial = "TS-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    C2bPayment p = payment(serial, "900.00");
    daraja.completedPayment(p.transId(), 90);
    await(mpesa.confirmation(p));
    eventually(Duration.ofSeconds(15), "kept", () -> "KEPT".equals(check(p.transId())));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
    assertTrue(gw.db
        .text("SELECT detail FROM unmatched_payments WHERE provider_txn_id = ?", p.transId())
        .contains("90.00 KES"));
  }
}
