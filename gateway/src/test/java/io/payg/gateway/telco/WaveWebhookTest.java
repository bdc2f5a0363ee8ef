package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.WaveSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wave webhooks (XOF, no decimals) through the gateway, signed as Wave signs them. */
class WaveWebhookTest {

  static final String SECRET = "wave_sn_WHS_test_secret";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static WaveSimulator wave;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(WaveWebhookTest.class);
    company = gw.company("Wave Energie", "XOF", 150, 500); // 150 XOF/kWh, minimum 500 XOF
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/wave",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("webhookSecret", SECRET))));
    wave = new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + company.id(), SECRET);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aCompletedCheckoutIsRecordedOnceAndTokened() {
    String serial = "WAV-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    String txn = "T_" + UUID.randomUUID().toString().substring(0, 12);
    Buffer event = WaveSimulator.checkoutCompleted(
        "AE_" + UUID.randomUUID(), "cos-1", txn, "1500", "XOF", serial, Instant.now());
    HttpResponse<Buffer> r = await(wave.send(event));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    await(wave.send(event)); // delivered at least once
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'wave' AND provider_txn_id = ?",
            txn));
    assertEquals(
        1500L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", txn));
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE provider_txn_id = ?", txn)));
    assertEquals(
        100L,
        gw.db.count(
            "SELECT quantity FROM tokens k JOIN transactions t ON t.id = k.transaction_id "
                + "WHERE t.provider_txn_id = ?",
            txn)); // 1500 XOF at 150/kWh = 10.0 kWh
  }

  @Test
  void aPaymentInAnotherCurrencyIsAcknowledgedAndKeptNotDropped() {
    String serial = "WAV-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    String txn = "T_" + UUID.randomUUID().toString().substring(0, 12);
    Buffer event = WaveSimulator.checkoutCompleted(
        "AE_" + UUID.randomUUID(), "cos-3", txn, "250", "GMD", serial, Instant.now());
    HttpResponse<Buffer> r = await(wave.send(event));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    await(wave.send(event));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", txn));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider = 'wave' AND provider_txn_id = ? "
                + "AND currency = 'GMD' AND amount = 25000 AND reason = 'WRONG_CURRENCY' AND status = 'OPEN'",
            txn));
    BooksInvariant.check(gw.db, company.id());
  }

  @Test
  void badOrStaleSignaturesAre401AndStoreNothing() {
    String serial = "WAV-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    long before = gw.db.moneyRows();
    Buffer event = WaveSimulator.checkoutCompleted(
        "AE_1", "cos-2", "T_BAD", "1500", "XOF", serial, Instant.now());
    assertEquals(401, await(wave.sendSigned(event, "t=1,v1=00")).statusCode());
    WaveSimulator stale = new WaveSimulator(
        gw.http,
        gw.base + "/api/v1/telco/wave/" + company.id(),
        SECRET,
        Clock.fixed(Instant.now().minusSeconds(600), ZoneOffset.UTC));
    assertEquals(401, await(stale.send(event)).statusCode());
    assertEquals(before, gw.db.moneyRows());
  }
}
