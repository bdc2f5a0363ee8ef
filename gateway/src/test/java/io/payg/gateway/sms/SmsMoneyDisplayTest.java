package io.payg.gateway.sms;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The customer's SMS shows the amount in the currency's own minor unit: "5000 XOF", not "50.00 XOF". */
class SmsMoneyDisplayTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SmsMoneyDisplayTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void anXofPaymentIsTextedInWholeFrancs() {
    // XOF has no minor unit: amounts are whole francs, the tariff 100 XOF/kWh
    GatewayFixture.Company company = gw.company("Dakar Solaire", "XOF", 100, 500);
    String serial = "XOF-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    String txn = "W-" + UUID.randomUUID();
    assertEquals(
        200,
        await(company
                .provider()
                .process(
                    txn, serial, 5000, "XOF", "+221770000000", Instant.now().toString()))
            .statusCode());
    eventually(
        Duration.ofSeconds(15),
        "confirmation SMS",
        () -> gw.db.count(
                "SELECT count(*) FROM sms_messages m JOIN transactions t ON t.id = m.transaction_id WHERE "
                    + "t.provider_txn_id = ?",
                txn)
            == 1);
    String body = gw.db.text(
        "SELECT m.body FROM sms_messages m JOIN transactions t ON t.id = m.transaction_id "
            + "WHERE t.provider_txn_id = ?",
        txn);
    assertTrue(body.contains("5000 XOF"), body);
    assertTrue(!body.contains("50.00"), body);
  }
}
