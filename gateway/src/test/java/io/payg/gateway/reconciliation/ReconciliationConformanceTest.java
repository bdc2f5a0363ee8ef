package io.payg.gateway.reconciliation;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample statements of conformance/statements (see its README) uploaded over HTTP, line by line. */
class ReconciliationConformanceTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ReconciliationConformanceTest.class);
    company = gw.company("Conformance Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonObject upload(String file, String query) throws IOException {
    try (InputStream in = ReconciliationConformanceTest.class.getResourceAsStream(
        "/conformance/statements/" + file)) {
      return GatewayFixture.ok(await(gw.http
          .postAbs(gw.base + "/api/v1/reconciliations" + query)
          .bearerTokenAuthentication(company.adminToken())
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .sendBuffer(Buffer.buffer(in.readAllBytes()))));
    }
  }

  private static String kept(String providerTxnId, String column) {
    return gw.db.text(
        "SELECT " + column
            + "::text FROM unmatched_payments WHERE company_id = ?::uuid AND provider_txn_id = ?",
        company.id(),
        providerTxnId);
  }

  @Test
  void mpesaOrganisationStatement() throws IOException {
    JsonObject r = upload("mpesa-org-statement.csv", "?format=mpesa-org");
    assertEquals("safaricom", r.getString("provider"));
    JsonObject counts = r.getJsonObject("counts");
    assertEquals(7, counts.getLong("lines"));
    assertEquals(2, counts.getLong("statementOnly"));
    assertEquals(2, counts.getLong("skipped"));
    assertEquals(0, counts.getLong("malformed"));
    // "1,500.00" at 16-01-2026 08:30:00 Nairobi time, A/C No. MTR-1001, Other Party Info's number
    assertEquals("150000", kept("RKTQDM7W6S", "amount"));
    assertEquals("KES", kept("RKTQDM7W6S", "currency"));
    assertEquals("MTR-1001", kept("RKTQDM7W6S", "account_reference"));
    assertEquals("254708374149", kept("RKTQDM7W6S", "msisdn"));
    assertEquals("2026-01-16T05:30:00Z", r.getJsonObject("period").getString("from"));
    assertNull(kept("RKTQDM7W7T", "msisdn"), "a masked number is not kept");
    assertEquals(
        "RKTQDM7W8U", r.getJsonArray("skipped").getJsonObject(0).getString("providerTxnId"));
    assertEquals(6, r.getJsonArray("skipped").getJsonObject(0).getLong("line"));
    assertEquals(
        "Transaction Status Failed", r.getJsonArray("skipped").getJsonObject(1).getString("note"));
    assertNull(kept("RKTQDM7W9V", "amount"), "a failed attempt moved no money");
  }

  @Test
  void waveTransactions() throws IOException {
    JsonObject r = upload("wave-transactions.csv", "?format=wave");
    assertEquals("wave", r.getString("provider"));
    assertEquals(1, r.getJsonObject("counts").getLong("statementOnly"));
    assertEquals(2, r.getJsonObject("counts").getLong("skipped"));
    assertEquals("1000", kept("T_4TQ6ZKB3XQ2Y", "amount")); // XOF has no minor unit
    assertEquals("XOF", kept("T_4TQ6ZKB3XQ2Y", "currency"));
    assertEquals("SHS-0042", kept("T_4TQ6ZKB3XQ2Y", "account_reference"));
    assertEquals("+221770000001", kept("T_4TQ6ZKB3XQ2Y", "msisdn"));
    assertNull(kept("T_RF7Q2ZKB3XQ3", "amount"));
  }

  @Test
  void genericStatement() throws IOException {
    JsonObject r = upload("generic-statement.csv", "?format=generic&provider=airtel");
    assertEquals("airtel", r.getString("provider"));
    assertEquals(2, r.getJsonObject("counts").getLong("statementOnly"));
    assertEquals(1, r.getJsonObject("counts").getLong("malformed"));
    assertEquals(4, r.getJsonArray("malformed").getJsonObject(0).getLong("line"));
    assertEquals(
        "AGG-20260116-0003",
        r.getJsonArray("malformed").getJsonObject(0).getString("providerTxnId"));
    assertEquals("50000", kept("AGG-20260116-0002", "amount"));
    assertEquals(
        "2026-01-16T06:00:00Z",
        r.getJsonArray("statementOnly").getJsonObject(1).getString("occurredAt"));
  }
}
