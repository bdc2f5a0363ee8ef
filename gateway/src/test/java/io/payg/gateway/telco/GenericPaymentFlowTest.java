package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One mobile-money payment through the generic plugin, over real HTTP, against real
 * PostgreSQL and the Calin and Africa's Talking simulators.
 */
class GenericPaymentFlowTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  GenericProviderClient provider;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GenericPaymentFlowTest.class);
    company = gw.company("Flow Energy");
  }

  @AfterEach
  void booksBalance() {
    BooksInvariant.check(gw.db, company.id());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void setUp() {
    provider = company.provider();
  }

  private String newMeter() {
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    return serial;
  }

  @Test
  void validatesAKnownSerial() {
    String serial = newMeter();
    HttpResponse<Buffer> r = await(provider.validate(serial, 10_000, "KES", "+254712345678"));
    assertEquals(200, r.statusCode());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(true, body.getBoolean("valid"));
    assertEquals("Customer " + serial, body.getString("customerName"));
    assertEquals("METER", body.getJsonObject("device").getString("type"));
    assertEquals(5000L, body.getLong("minimumAmount"));
  }

  @Test
  void refusesAnUnknownSerialAtValidationAndStoresNothing() {
    long before = gw.db.moneyRows();
    HttpResponse<Buffer> r =
        await(provider.validate("NO-SUCH-METER", 10_000, "KES", "+254712345678"));
    assertEquals(200, r.statusCode());
    assertEquals(false, r.bodyAsJsonObject().getBoolean("valid"));
    assertEquals("DEVICE_NOT_FOUND", r.bodyAsJsonObject().getString("code"));
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void refusesAmountsBelowTheTariffMinimumAndAnotherCurrency() {
    String serial = newMeter();
    JsonObject low =
        await(provider.validate(serial, 4_999, "KES", "+254712345678")).bodyAsJsonObject();
    assertEquals("AMOUNT_BELOW_MINIMUM", low.getString("code"));
    JsonObject usd =
        await(provider.validate(serial, 10_000, "USD", "+254712345678")).bodyAsJsonObject();
    assertEquals("WRONG_CURRENCY", usd.getString("code"));
    long before = gw.db.moneyRows();
    HttpResponse<Buffer> p =
        await(provider.process("LOW-" + serial, serial, 4_999, "KES", "+254712345678", null));
    assertEquals(422, p.statusCode());
    assertEquals("AMOUNT_BELOW_MINIMUM", p.bodyAsJsonObject().getString("code"));
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void processStoresTheTransactionThenTheTokenThenTheSms() {
    String serial = newMeter();
    String txn = "TXN-" + UUID.randomUUID();
    HttpResponse<Buffer> r = await(
        provider.process(txn, serial, 10_000, "KES", "+254712345678", "2026-01-16T08:30:00Z"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    String id = body.getString("transactionId");
    // worked example 2: 100.00 at 23.00/kWh buys 4.3 kWh for 98.90; 1.10 stays as credit
    assertEquals(43L, body.getJsonObject("token").getLong("quantity"));
    assertEquals("ENERGY", body.getJsonArray("allocations").getJsonObject(0).getString("kind"));
    assertEquals(9890L, body.getJsonArray("allocations").getJsonObject(0).getLong("amount"));
    assertEquals(110L, body.getJsonArray("allocations").getJsonObject(1).getLong("amount"));
    assertEquals(110L, gw.db.count("SELECT credit FROM devices WHERE serial = ?", serial));

    eventually(
        Duration.ofSeconds(15),
        "token stored and SMS sent",
        () -> gw.db.count("SELECT count(*) FROM sms_messages WHERE transaction_id = ?::uuid", id)
            == 1);
    String token = gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", id);
    assertNotNull(token);
    assertEquals("COMPLETED", gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id));
    assertTrue(
        gw.calin.vends().stream()
            .anyMatch(v ->
                v.serial().equals(serial) && v.kwh().equals("4.3") && v.token().equals(token)),
        "the Calin simulator vended 4.3 kWh for this meter");
    assertTrue(
        gw.sms.messages().stream().anyMatch(m -> m.text().contains(token)),
        "the SMS carries the token");

    JsonObject detail =
        GatewayFixture.ok(gw.get("/api/v1/transactions/" + id, company.adminToken()));
    assertEquals("COMPLETED", detail.getString("status"));
    assertEquals(token, detail.getJsonObject("token").getString("value"));
    assertEquals("ISSUED", detail.getJsonObject("token").getString("status"));
    JsonObject listed = GatewayFixture.ok(
            gw.get("/api/v1/transactions?serial=" + serial, company.adminToken()))
        .getJsonArray("items")
        .getJsonObject(0);
    assertEquals(token, listed.getJsonObject("token").getString("value"));

    // the next payment spends the carried credit: 100.00 + 1.10 buys 4.3 kWh again, 2.20 stays
    await(provider.process(txn + "-2", serial, 10_000, "KES", "+254712345678", null));
    assertEquals(220L, gw.db.count("SELECT credit FROM devices WHERE serial = ?", serial));
  }

  @Test
  void twentyConcurrentDeliveriesOfOneProviderTransactionMakeOneTransactionAndOneToken() {
    String serial = newMeter();
    String txn = "DUP-" + UUID.randomUUID();
    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sends.add(
          provider.process(txn, serial, 20_000, "KES", "+254712345678", "2026-01-16T08:30:00Z"));
    }
    await(Future.all(sends));
    String first = sends.get(0).result().bodyAsJsonObject().getString("transactionId");
    for (Future<HttpResponse<Buffer>> s : sends) {
      assertEquals(200, s.result().statusCode(), s.result().bodyAsString());
      assertEquals(
          first,
          s.result().bodyAsJsonObject().getString("transactionId"),
          "every replay answers the first transaction");
    }
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", txn));
    eventually(
        Duration.ofSeconds(15),
        "token stored",
        () ->
            gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", first) == 1);
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'",
            first));
    assertEquals(
        1,
        gw.calin.vends().stream().filter(v -> v.serial().equals(serial)).count(),
        "one vend at the manufacturer");
    // the energy was bought once: 200.00 at 23.00/kWh = 8.6 kWh, credit 2.20
    assertEquals(220L, gw.db.count("SELECT credit FROM devices WHERE serial = ?", serial));
  }

  @Test
  void aReplayWithAnotherAmountIsAConflictAndChangesNothing() {
    String serial = newMeter();
    String txn = "CONFLICT-" + UUID.randomUUID();
    String id = GatewayFixture.ok(
            await(provider.process(txn, serial, 10_000, "KES", "+254712345678", null)))
        .getString("transactionId");
    HttpResponse<Buffer> r =
        await(provider.process(txn, serial, 99_000, "KES", "+254712345678", null));
    assertEquals(409, r.statusCode());
    assertEquals("DUPLICATE_TRANSACTION", r.bodyAsJsonObject().getString("code"));
    assertEquals(10_000L, gw.db.count("SELECT amount FROM transactions WHERE id = ?::uuid", id));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM conflicts WHERE provider_txn_id = ? AND amount = 99000", txn));
  }

  @Test
  void aBadOrMissingSignatureIs401AndStoresNothing() {
    String serial = newMeter();
    long before = gw.db.moneyRows();
    Buffer body = GenericProviderClient.processBody(
        "SIG-" + UUID.randomUUID(), serial, 10_000, "KES", "+254712345678", null);
    HttpResponse<Buffer> wrong = await(provider.sendSigned(
        "process", body, GenericProviderClient.signature("not-the-secret", body)));
    assertEquals(401, wrong.statusCode());
    assertEquals("application/problem+json", wrong.getHeader("Content-Type"));
    assertEquals("UNAUTHENTICATED", wrong.bodyAsJsonObject().getString("code"));
    assertEquals(401, await(provider.sendSigned("process", body, null)).statusCode());
    // signed, then one byte changed: the signature no longer matches
    Buffer tampered = Buffer.buffer(body.toString().replace("10000", "90000"));
    assertEquals(
        401,
        await(provider.sendSigned(
                "process", tampered, GenericProviderClient.signature(company.secret(), body)))
            .statusCode());
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void malformedJsonIsA400ProblemAndStoresNothing() {
    long before = gw.db.moneyRows();
    for (String bad : List.of(
        "{not json",
        "[1,2]",
        "{\"serial\": \"X\"}",
        "{\"providerTxnId\":\"A\",\"serial\":\"X\",\"amount\":\"100\",\"currency\":\"KES\"}")) {
      HttpResponse<Buffer> r = await(provider.send("process", Buffer.buffer(bad)));
      assertTrue(r.statusCode() == 400 || r.statusCode() == 422, bad + " -> " + r.statusCode());
      assertEquals("application/problem+json", r.getHeader("Content-Type"));
      assertNotNull(r.bodyAsJsonObject().getString("code"));
      assertEquals(r.statusCode(), r.bodyAsJsonObject().getInteger("status"));
    }
    HttpResponse<Buffer> garbage = await(provider.send("process", Buffer.buffer("{not json")));
    assertEquals(400, garbage.statusCode());
    assertEquals("MALFORMED_REQUEST", garbage.bodyAsJsonObject().getString("code"));
    for (String amount : List.of("0", "-100", "12.5", "1e3", "99999999999999999999999")) {
      String body = "{\"providerTxnId\":\"AMT\",\"serial\":\"X\",\"amount\":" + amount
          + ",\"currency\":\"KES\"}";
      HttpResponse<Buffer> r = await(provider.send("process", Buffer.buffer(body)));
      assertEquals(422, r.statusCode(), amount);
      assertEquals("INVALID_AMOUNT", r.bodyAsJsonObject().getString("code"), amount);
    }
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void aProviderNotEnabledForTheCompanyIsRefusedAndStoresNothing() {
    long before = gw.db.moneyRows();
    GenericProviderClient stranger = new GenericProviderClient(
        gw.http, gw.base + "/api/v1/telco/generic/" + UUID.randomUUID(), company.secret());
    HttpResponse<Buffer> r =
        await(stranger.process("X-1", "ANY", 10_000, "KES", "+254712345678", null));
    assertEquals(403, r.statusCode());
    assertEquals("PROVIDER_NOT_ENABLED", r.bodyAsJsonObject().getString("code"));
    JsonObject v =
        await(stranger.validate("ANY", 10_000, "KES", "+254712345678")).bodyAsJsonObject();
    assertFalse(v.getBoolean("valid"));
    assertEquals(before, gw.db.moneyRows());
  }
}
