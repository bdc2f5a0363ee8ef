package io.payg.gateway.unmatched;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Daraja confirmation the gateway cannot book is acknowledged and kept, once, never booked by a redelivery. */
class UnmatchedConfirmationTest {

  static final String SHORT_CODE = "600977";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SafaricomSimulator daraja;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(UnmatchedConfirmationTest.class);
    company = gw.company("Suspense Energy");
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SHORT_CODE)
                    .put("allowedSources", "127.0.0.1/32"))));
    daraja = new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + company.id());
  }

  @AfterEach
  void booksBalance() {
    BooksInvariant.check(gw.db, company.id());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static C2bPayment payment(String serial, String amount) {
    return C2bPayment.payBill(
        "QU" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(),
        SHORT_CODE,
        serial,
        amount,
        "254708374149",
        Instant.now());
  }

  @Test
  void anUnknownSerialIsAcknowledgedKeptOnceAndNotBookedByALaterRedelivery() {
    String typed = "MTR-" + UUID.randomUUID().toString().substring(0, 6);
    C2bPayment p = payment(typed, "150.00");
    HttpResponse<Buffer> first = await(daraja.confirmation(p));
    assertEquals(200, first.statusCode());
    assertEquals(0, first.bodyAsJsonObject().getInteger("ResultCode"));
    await(daraja.confirmation(p)); // Daraja redelivers
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        15_000L,
        gw.db.count(
            "SELECT amount FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        "DEVICE_NOT_FOUND",
        gw.db.text("SELECT reason FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        typed,
        gw.db.text(
            "SELECT account_reference FROM unmatched_payments WHERE provider_txn_id = ?",
            p.transId()));
    assertEquals(
        "OPEN",
        gw.db.text("SELECT status FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
    assertTrue(gw.db
        .text("SELECT raw_body FROM unmatched_payments WHERE provider_txn_id = ?", p.transId())
        .contains(p.transId()));

    // the serial is registered afterwards: a redelivery still books nothing (an operator assigns
    // it)
    gw.meterCustomer(company, typed);
    HttpResponse<Buffer> late = await(daraja.confirmation(p));
    assertEquals(0, late.bodyAsJsonObject().getInteger("ResultCode"));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
  }

  @Test
  void anAmountBelowTheMinimumIsKeptWithItsReason() {
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    C2bPayment p = payment(serial, "10.00"); // the fixture's tariff minimum is 50.00
    assertEquals(0, await(daraja.confirmation(p)).bodyAsJsonObject().getInteger("ResultCode"));
    assertEquals(
        "AMOUNT_BELOW_MINIMUM",
        gw.db.text("SELECT reason FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
  }

  @Test
  void concurrentDeliveriesOfAnUnknownSerialKeepOneRow() {
    C2bPayment p = payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 6), "200.00");
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(daraja.confirmation(p));
    }
    sent.forEach(f -> assertEquals(0, await(f).bodyAsJsonObject().getInteger("ResultCode")));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
  }

  @Test
  void aKeepInFlightAndABookingOfTheSameIdNeverBothCommit() throws Exception {
    // delivery 1 of a message is being kept (its serial was unknown at its snapshot) when the
    // serial is registered and delivery 2 of the same message books: they meet on the claimed id
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    C2bPayment p = payment(serial, "150.00");
    try (Connection keep =
        DriverManager.getConnection(gw.db.url().jdbcUrl(), gw.db.url().jdbcProperties())) {
      keep.setAutoCommit(false);
      try (var claim = keep.prepareStatement(
              "INSERT INTO provider_txn_ids VALUES (?::uuid, 'safaricom', ?)");
          var row = keep.prepareStatement(
              "INSERT INTO unmatched_payments (id, company_id, provider, provider_txn_id, "
                  + "amount, currency, account_reference, reason, authenticated) VALUES (gen_random_uuid(), ?::uuid, "
                  + "'safaricom', ?, 15000, 'KES', ?, 'DEVICE_NOT_FOUND', true)")) {
        claim.setString(1, company.id());
        claim.setString(2, p.transId());
        claim.executeUpdate();
        row.setString(1, company.id());
        row.setString(2, p.transId());
        row.setString(3, serial);
        row.executeUpdate();
      }
      var booking = daraja.confirmation(p);
      GatewayFixture.eventually(
          Duration.ofSeconds(10),
          "the booking waits on the claimed id",
          () -> gw.db.count(
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      + "AND wait_event_type = 'Lock'")
              > 0);
      keep.commit();
      assertEquals(0, await(booking).bodyAsJsonObject().getInteger("ResultCode"));
    }
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ? AND status = 'OPEN'",
            p.transId()));
  }

  @Test
  void aConfirmationWhileThePluginIsDisabledIsRefusedButKept() {
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom", company.adminToken(), new JsonObject().put("enabled", false)));
    try {
      C2bPayment p = payment(serial, "120.00");
      GatewayFixture.eventually(
          Duration.ofSeconds(10),
          "the disabled plugin is seen (settings cache)",
          () -> await(daraja.confirmation(p)).statusCode() == 403);
      assertEquals(
          0,
          gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
      assertEquals(
          "PROVIDER_NOT_ENABLED",
          gw.db.text(
              "SELECT reason FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
      assertEquals(
          12_000L,
          gw.db.count(
              "SELECT amount FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
      await(daraja.confirmation(p)); // redelivered: still one row
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
      // a validation while disabled is no money: nothing kept
      C2bPayment asked = payment(serial, "130.00");
      await(daraja.validation(asked));
      assertEquals(
          0,
          gw.db.count(
              "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?",
              asked.transId()));
    } finally {
      GatewayFixture.ok(gw.put(
          "/api/v1/plugins/safaricom",
          company.adminToken(),
          new JsonObject().put("enabled", true)));
    }
    GatewayFixture.eventually(
        Duration.ofSeconds(10),
        "enabled again",
        () -> await(daraja.validation(payment(serial, "100.00")))
            .bodyAsJsonObject()
            .getValue("ResultCode")
            .toString()
            .equals("0"));
  }

  @Test
  void anUnknownSerialAtValidationKeepsNothing() {
    C2bPayment p = payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 6), "200.00");
    assertEquals(
        "C2B00012", await(daraja.validation(p)).bodyAsJsonObject().getString("ResultCode"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", p.transId()));
  }
}
