package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.VodacomTzSimulator;
import io.payg.telco.simulator.VodacomTzSimulator.Payment;
import io.payg.telco.simulator.VodacomTzSimulator.ResultEndpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vodacom Tanzania broker through the gateway: one request per payment (the old validation and
 * confirmation paths are aliases of the one URL), booked once, confirmed once in the result leg;
 * XML attacks refused; stale timestamps refused.
 */
class VodacomTzPaymentTest {

  static final String SP_ID = VodacomTzConformanceTest.SP_ID;
  static final String PASSWORD = VodacomTzConformanceTest.PASSWORD;
  static final String BUSINESS = SP_ID;
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static VodacomTzSimulator broker;
  static ResultEndpoint results;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(VodacomTzPaymentTest.class);
    company =
        gw.company("Tanzania Energy", "TZS", 50_000, 100_000); // 500.00 TZS/kWh, minimum 1,000.00
    results = VodacomTzConformanceTest.startBroker(gw);
    VodacomTzConformanceTest.enable(gw, company, SP_ID, PASSWORD, results.url());
    broker = new VodacomTzSimulator(
        gw.http, gw.base + "/api/v1/telco/vodacom-tz/" + company.id(), SP_ID, PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theOldValidationAndConfirmationPathsBookOncePaymentConfirmedOnceAndTokenFollows() {
    String serial = "VTZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    Payment p = Payment.payBill(
        "TX" + UUID.randomUUID().toString().substring(0, 8),
        BUSINESS,
        serial,
        "5000.00",
        "255754000001",
        Instant.now());
    // a broker registered with the two old URLs: both are the one URL; the same id books once
    HttpResponse<Buffer> v = await(broker.validation(p));
    assertEquals(200, v.statusCode(), v.bodyAsString());
    assertTrue(
        v.bodyAsString().contains("<responseDesc>Received</responseDesc>"), v.bodyAsString());
    assertEquals(v.bodyAsString(), await(broker.confirmation(p)).bodyAsString());
    assertEquals(v.bodyAsString(), await(broker.c2b(p)).bodyAsString());
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'vodacom-tz' AND provider_txn_id = ?",
            p.transactionId()));
    assertEquals(
        500_000L,
        gw.db.count(
            "SELECT amount FROM transactions WHERE provider_txn_id = ?", p.transactionId()));
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text(
                "SELECT status FROM transactions WHERE provider_txn_id = ?", p.transactionId())));
    eventually(
        Duration.ofSeconds(15),
        "confirmed to the broker",
        () ->
            results.received().stream().anyMatch(r -> r.transactionId().equals(p.transactionId())));
    assertEquals(
        1,
        results.received().stream()
            .filter(r -> r.transactionId().equals(p.transactionId()))
            .count());
  }

  @Test
  void xmlAttacksAreRefusedAndStoreNothingAndAnUnknownSerialIsCancelledToTheBroker() {
    long before = gw.db.moneyRows();
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    HttpResponse<Buffer> r = await(broker.send("c2b", xxe.getBytes(StandardCharsets.UTF_8)));
    assertFalse(
        r.bodyAsString() != null && r.bodyAsString().contains("root:"),
        "no file content in the answer");
    String bomb =
        "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
            + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
            + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><l>&d;</l>";
    HttpResponse<Buffer> b =
        await(broker.send("validation", bomb.getBytes(StandardCharsets.UTF_8)));
    assertTrue(b.statusCode() < 500, "never a 5xx: " + b.statusCode());
    assertTrue(b.bodyAsString().contains("<responseCode>999</responseCode>"), b.bodyAsString());
    assertEquals(before, gw.db.moneyRows(), "an attack stores nothing");

    // the real protocol: an unknown account is received at once and cancelled (999) in the result
    // leg
    Payment unknown = Payment.payBill(
        "TXU" + UUID.randomUUID().toString().substring(0, 6),
        BUSINESS,
        "NO-SUCH",
        "5000.00",
        "255754000001",
        Instant.now());
    HttpResponse<Buffer> u = await(broker.c2b(unknown));
    assertTrue(
        u.bodyAsString()
            .contains("<responseCode>0</responseCode><responseDesc>Received</responseDesc>"),
        u.bodyAsString());
    eventually(
        Duration.ofSeconds(15),
        "cancelled to the broker",
        () -> "CANCELLED"
            .equals(gw.db.text(
                "SELECT status FROM unmatched_payments WHERE provider_txn_id = ?",
                unknown.transactionId())));
    assertEquals(
        "999",
        results.received().stream()
            .filter(x -> x.transactionId().equals(unknown.transactionId()))
            .findFirst()
            .orElseThrow()
            .resultCode());
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider_txn_id = ?",
            unknown.transactionId()));
  }

  @Test
  void aStaleTimestampIsRefusedAsAReplayAndAnswersEchoTheBrokersIds() {
    String serial = "VTZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    Payment p = Payment.payBill(
        "TX" + UUID.randomUUID().toString().substring(0, 8),
        BUSINESS,
        serial,
        "5000.00",
        "255754000001",
        Instant.now());
    long before = gw.db.moneyRows();
    VodacomTzSimulator replayer = new VodacomTzSimulator(
        gw.http,
        gw.base + "/api/v1/telco/vodacom-tz/" + company.id(),
        SP_ID,
        PASSWORD,
        Clock.fixed(Instant.now().minusSeconds(6 * 60), ZoneOffset.UTC));
    HttpResponse<Buffer> stale = await(replayer.c2b(p));
    assertEquals(401, stale.statusCode(), stale.bodyAsString());
    assertTrue(
        stale.bodyAsString().contains("<responseCode>999</responseCode>"), stale.bodyAsString());
    assertEquals(before, gw.db.moneyRows(), "a replayed request stores nothing");

    HttpResponse<Buffer> ok = await(broker.c2b(p));
    String body = ok.bodyAsString();
    assertTrue(
        body.contains(
            "<conversationID>" + p.conversationId() + "</conversationID><originatorConversationID>"
                + p.originatorConversationId() + "</originatorConversationID><serviceID>"),
        body);
    assertTrue(body.contains("<transactionID>" + p.transactionId() + "</transactionID>"), body);
  }
}
