package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.vodacom.VodacomBrokerSimulator;
import io.payg.telco.vodacom.VodacomBrokerSimulator.Payment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Vodacom Tanzania broker's XML validation and confirmation through the gateway; XML attacks refused. */
class VodacomBrokerTest {

  static final String SP_ID = "payg-sp";
  static final String PASSWORD = "broker-password";
  static final String BUSINESS = "400700";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static VodacomBrokerSimulator broker;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(VodacomBrokerTest.class);
    company = gw.company("Tanzania Energy", "TZS", 50_000, 100_000); // 500.00 TZS/kWh, minimum 1,000.00
    GatewayFixture.ok(gw.put("/api/v1/plugins/vodacom-tz", company.adminToken(), new JsonObject().put("enabled", true)
        .put("settings", new JsonObject().put("username", SP_ID).put("password", PASSWORD)
            .put("allowedSources", "127.0.0.1/32").put("businessNumber", BUSINESS))));
    broker = new VodacomBrokerSimulator(gw.http, gw.base + "/api/v1/telco/vodacom-tz/" + company.id(), SP_ID, PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void validationThenConfirmationRecordsOncePaymentAndTokenFollows() {
    String serial = "VTZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    Payment p = Payment.payBill("TX" + UUID.randomUUID().toString().substring(0, 8), BUSINESS, serial, "5000.00",
        "255754000001", Instant.now());
    HttpResponse<Buffer> v = await(broker.validation(p));
    assertEquals(200, v.statusCode(), v.bodyAsString());
    assertTrue(v.bodyAsString().contains("Accepted"), v.bodyAsString());
    assertEquals(200, await(broker.confirmation(p)).statusCode());
    await(broker.confirmation(p)); // delivered twice
    assertEquals(1, gw.db.count("SELECT count(*) FROM transactions WHERE provider = 'vodacom-tz' AND provider_txn_id = ?",
        p.transactionId()));
    assertEquals(500_000L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", p.transactionId()));
    eventually(Duration.ofSeconds(15), "token",
        () -> "COMPLETED".equals(gw.db.text("SELECT status FROM transactions WHERE provider_txn_id = ?", p.transactionId())));
  }

  @Test
  void xmlAttacksAndUnknownSerialsAreRefusedAndStoreNothing() {
    long before = gw.db.moneyRows();
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    HttpResponse<Buffer> r = await(broker.send("confirmation", xxe.getBytes(StandardCharsets.UTF_8)));
    assertFalse(r.bodyAsString() != null && r.bodyAsString().contains("root:"), "no file content in the answer");
    String bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><l>&d;</l>";
    HttpResponse<Buffer> b = await(broker.send("validation", bomb.getBytes(StandardCharsets.UTF_8)));
    assertTrue(b.statusCode() < 500, "never a 5xx: " + b.statusCode());
    HttpResponse<Buffer> unknown = await(broker.validation(Payment.payBill("TXU1", BUSINESS, "NO-SUCH", "5000.00",
        "255754000001", Instant.now())));
    assertTrue(unknown.bodyAsString().contains("999"), unknown.bodyAsString());
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void aStaleTimestampIsRefusedAsAReplayAndAnswersEchoTheBrokersIds() {
    String serial = "VTZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    Payment p = Payment.payBill("TX" + UUID.randomUUID().toString().substring(0, 8), BUSINESS, serial, "5000.00",
        "255754000001", Instant.now());
    long before = gw.db.moneyRows();
    VodacomBrokerSimulator replayer = new VodacomBrokerSimulator(gw.http, gw.base + "/api/v1/telco/vodacom-tz/" + company.id(),
        SP_ID, PASSWORD, java.time.Clock.fixed(Instant.now().minusSeconds(6 * 60), java.time.ZoneOffset.UTC));
    HttpResponse<Buffer> stale = await(replayer.confirmation(p));
    assertEquals(401, stale.statusCode(), stale.bodyAsString());
    assertTrue(stale.bodyAsString().contains("<responseCode>999</responseCode>"), stale.bodyAsString());
    assertEquals(before, gw.db.moneyRows(), "a replayed request stores nothing");

    HttpResponse<Buffer> ok = await(broker.confirmation(p));
    String body = ok.bodyAsString();
    assertTrue(body.contains("<conversationID>" + p.conversationId() + "</conversationID><originatorConversationID>"
        + p.originatorConversationId() + "</originatorConversationID><serviceID>"), body);
    assertTrue(body.contains("<transactionID>" + p.transactionId() + "</transactionID>"), body);
  }
}
