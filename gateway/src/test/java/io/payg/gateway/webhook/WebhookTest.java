package io.payg.gateway.webhook;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.WaveSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks as an operator's own system sees them: a receiver on loopback gets each subscribed
 * event, signed Stripe-style with the secret the PUT showed once, again after it was down, and
 * the delivery log tells what happened.
 */
class WebhookTest {

  static GatewayFixture gw;
  static HttpServer receiver;
  /** What the receiver got: headers and body of each request. */
  static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  static final AtomicBoolean down = new AtomicBoolean();

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(WebhookTest.class);
    receiver = await(gw.app
        .vertx()
        .createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new JsonObject()
              .put("path", req.path())
              .put("signature", req.getHeader("Payg-Signature"))
              .put("eventId", req.getHeader("Payg-Event-Id"))
              .put("body", body.toString(StandardCharsets.UTF_8))
              .put("down", down.get()));
          req.response().setStatusCode(down.get() ? 503 : 200).end();
        }))
        .listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String hook(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  static JsonObject subscribe(GatewayFixture.Company c, String path, String... events) {
    return ok(gw.put(
        "/api/v1/webhooks",
        c.adminToken(),
        new JsonObject().put("url", hook(path)).put("events", new JsonArray(List.of(events)))));
  }

  static List<JsonObject> at(String path, String type) {
    return received.stream()
        .filter(r -> r.getString("path").equals(path))
        .filter(r -> new JsonObject(r.getString("body")).getString("type").equals(type))
        .toList();
  }

  static String hmac(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Verifies as a receiver would: t and v1 from the header, HMAC-SHA256(secret, t + "." + body). */
  static void assertSigned(JsonObject got, String secret) throws Exception {
    String header = got.getString("signature");
    assertNotNull(header);
    String t = header.replaceAll("^t=(\\d+),v1=[0-9a-f]{64}$", "$1");
    String v1 = header.substring(header.indexOf("v1=") + 3);
    assertEquals(
        hmac(secret, t + "." + got.getString("body")),
        v1,
        "signature verifies with the shown secret");
    assertTrue(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) < 300, "t is now");
  }

  @Test
  void aPaymentIsPostedSignedWithTheSecretShownOnce() throws Exception {
    var a = gw.company("Hooked");
    String serial = "WH-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(a, serial);
    JsonObject created = subscribe(a, "/a", "payment.recorded", "token.issued");
    String secret = created.getString("secret");
    assertTrue(secret.startsWith("whsec_") && secret.length() > 40, secret);
    // shown once: never in GET, never again in a PUT, never in the database in clear
    JsonObject shown = ok(gw.get("/api/v1/webhooks", a.adminToken()));
    assertNull(shown.getString("secret"));
    assertEquals(true, shown.getBoolean("secretSet"));
    assertEquals(hook("/a"), shown.getString("url"));
    JsonObject again = subscribe(a, "/a", "payment.recorded", "token.issued");
    assertNull(again.getString("secret"));
    String stored = gw.db.text(
        "SELECT secret_sealed FROM webhook_endpoints WHERE company_id = ?::uuid", a.id());
    assertFalse(stored.contains(secret.substring(6)));

    String txn = ok(await(
            a.provider().process("WH-P1", serial, 10_000, "KES", "+254700000001", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(10),
        "payment.recorded and token.issued delivered",
        () ->
            at("/a", "payment.recorded").size() == 1 && at("/a", "token.issued").size() == 1);
    JsonObject got = at("/a", "payment.recorded").get(0);
    assertSigned(got, secret);
    JsonObject event = new JsonObject(got.getString("body"));
    assertEquals(got.getString("eventId"), event.getString("id"));
    assertEquals(a.id(), event.getString("companyId"));
    JsonObject data = event.getJsonObject("data");
    assertEquals(txn, data.getString("transactionId"));
    assertEquals(serial, data.getString("serial"));
    assertEquals(10_000L, data.getLong("amount"));
    assertEquals("KES", data.getString("currency"));
    assertEquals("WH-P1", data.getString("providerTxnId"));
    JsonObject token =
        new JsonObject(at("/a", "token.issued").get(0).getString("body")).getJsonObject("data");
    assertEquals(txn, token.getString("transactionId"));
    assertEquals(
        gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", txn),
        token.getString("token"));

    // the delivery log, and the database behind it
    eventually(Duration.ofSeconds(5), "log shows both delivered", () -> {
      JsonArray items =
          ok(gw.get("/api/v1/webhooks/deliveries", a.adminToken())).getJsonArray("items");
      return items.size() == 2
          && items.stream()
              .allMatch(i -> "DELIVERED".equals(((JsonObject) i).getString("status"))
                  && ((JsonObject) i).getInteger("lastHttpStatus") == 200);
    });
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM webhook_deliveries WHERE company_id = ?::uuid "
                + "AND event_type = 'payment.recorded' AND delivered_at IS NOT NULL",
            a.id()));
    // a redelivery of the same payment is no new event
    await(a.provider().process("WH-P1", serial, 10_000, "KES", "+254700000001", null));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM webhook_deliveries WHERE company_id = ?::uuid "
                + "AND event_type = 'payment.recorded'",
            a.id()));
  }

  @Test
  void aReceiverDownGetsTheSameEventOnceItIsBack() throws Exception {
    var c = gw.company("Flaky receiver");
    String serial = "WH-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    String secret = subscribe(c, "/down", "payment.recorded").getString("secret");
    down.set(true);
    try {
      await(c.provider().process("WH-D1", serial, 10_000, "KES", "+254700000002", null));
      eventually(
          Duration.ofSeconds(10),
          "two failed attempts",
          () -> at("/down", "payment.recorded").size() >= 2);
      JsonObject pending = ok(gw.get("/api/v1/webhooks/deliveries", c.adminToken()))
          .getJsonArray("items")
          .getJsonObject(0);
      assertEquals("PENDING", pending.getString("status"));
      assertEquals(503, pending.getInteger("lastHttpStatus"));
      assertTrue(pending.getString("lastError").contains("503"), pending.encode());
    } finally {
      down.set(false);
    }
    eventually(
        Duration.ofSeconds(15),
        "delivered after the receiver came back",
        () -> at("/down", "payment.recorded").stream().anyMatch(r -> !r.getBoolean("down")));
    List<JsonObject> all = at("/down", "payment.recorded");
    // every attempt carried the same event id; the one that got through is signed
    assertEquals(1, all.stream().map(r -> r.getString("eventId")).distinct().count());
    assertSigned(all.stream().filter(r -> !r.getBoolean("down")).findFirst().orElseThrow(), secret);
    eventually(
        Duration.ofSeconds(5),
        "log shows it delivered",
        () -> "DELIVERED"
            .equals(ok(gw.get("/api/v1/webhooks/deliveries", c.adminToken()))
                .getJsonArray("items")
                .getJsonObject(0)
                .getString("status")));
    assertTrue(ok(gw.get("/api/v1/webhooks/deliveries", c.adminToken()))
            .getJsonArray("items")
            .getJsonObject(0)
            .getInteger("attempts")
        >= 3);
  }

  @Test
  void aPrivateAddressIsRefusedByTheOutboundPolicyAndLogged() {
    var c = gw.company("Private hook");
    String serial = "WH-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    ok(gw.put(
        "/api/v1/webhooks",
        c.adminToken(),
        new JsonObject()
            .put("url", "http://10.20.30.40:8080/hook")
            .put("events", new JsonArray().add("payment.recorded"))));
    await(c.provider().process("WH-X1", serial, 10_000, "KES", "+254700000003", null));
    eventually(Duration.ofSeconds(10), "attempt refused", () -> {
      JsonArray items =
          ok(gw.get("/api/v1/webhooks/deliveries", c.adminToken())).getJsonArray("items");
      return items.size() == 1 && items.getJsonObject(0).getString("lastError") != null;
    });
    JsonObject d = ok(gw.get("/api/v1/webhooks/deliveries", c.adminToken()))
        .getJsonArray("items")
        .getJsonObject(0);
    assertEquals("PENDING", d.getString("status"));
    assertNull(d.getInteger("lastHttpStatus"));
  }

  @Test
  void onlySubscribedEventsAreQueuedAndBadInputIsRefused() {
    var c = gw.company("Picky");
    String serial = "WH-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    assertEquals(404, gw.get("/api/v1/webhooks", c.adminToken()).statusCode());
    subscribe(c, "/picky", "reversal.recorded");
    await(c.provider().process("WH-S1", serial, 10_000, "KES", "+254700000004", null));
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM webhook_deliveries WHERE company_id = ?::uuid", c.id()));
    for (JsonObject bad : List.of(
        new JsonObject()
            .put("url", "ftp://example.com/x")
            .put("events", new JsonArray().add("payment.recorded")),
        new JsonObject()
            .put("url", "https://user:pw@example.com/x")
            .put("events", new JsonArray().add("payment.recorded")),
        new JsonObject()
            .put("url", "https://example.com/x")
            .put("events", new JsonArray().add("payment.made")),
        new JsonObject().put("url", "https://example.com/x").put("events", new JsonArray()))) {
      var r = gw.put("/api/v1/webhooks", c.adminToken(), bad);
      assertEquals(400, r.statusCode(), bad.encode() + " " + r.bodyAsString());
    }
    // rotating shows a new secret once
    String first = gw.db.text(
        "SELECT secret_sealed FROM webhook_endpoints WHERE company_id = ?::uuid", c.id());
    JsonObject rotated = ok(gw.put(
        "/api/v1/webhooks",
        c.adminToken(),
        new JsonObject()
            .put("url", hook("/picky"))
            .put("events", new JsonArray().add("reversal.recorded"))
            .put("rotateSecret", true)));
    assertNotNull(rotated.getString("secret"));
    assertFalse(first.equals(gw.db.text(
        "SELECT secret_sealed FROM webhook_endpoints WHERE company_id = ?::uuid", c.id())));
  }

  @Test
  void tokenFailedUnmatchedAndReversalAreQueuedWithTheirEvent() throws Exception {
    var c = gw.company("Every event");
    String serial = "WH-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    String secret = subscribe(
            c,
            "/all",
            "payment.recorded",
            "token.issued",
            "token.failed",
            "unmatched.created",
            "reversal.recorded")
        .getString("secret");
    // a token the manufacturer refuses: token.failed once the job ends
    String rejected = "WH-R-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(c, rejected);
    gw.calin.rejectSerial(rejected);
    String failedTxn = ok(await(
            c.provider().process("WH-F1", rejected, 10_000, "KES", "+254700000005", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "token.failed delivered",
        () -> at("/all", "token.failed").size() == 1);
    JsonObject failed = at("/all", "token.failed").get(0);
    assertSigned(failed, secret);
    assertEquals(
        failedTxn,
        new JsonObject(failed.getString("body")).getJsonObject("data").getString("transactionId"));
    assertEquals(
        "TOKEN_FAILED",
        gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", failedTxn));

    // money for no device: kept unmatched, and told
    ok(gw.put(
        "/api/v1/plugins/safaricom",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", "600979")
                    .put("allowedSources", "127.0.0.1/32"))));
    var daraja = new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + c.id());
    String mpesaId = "QW" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    await(daraja.confirmation(SafaricomSimulator.C2bPayment.payBill(
        mpesaId, "600979", "NO-SUCH-METER", "120.00", "254708374149", Instant.now())));
    eventually(
        Duration.ofSeconds(10),
        "unmatched.created delivered",
        () -> at("/all", "unmatched.created").size() == 1);
    JsonObject kept = new JsonObject(at("/all", "unmatched.created").get(0).getString("body"))
        .getJsonObject("data");
    assertEquals(mpesaId, kept.getString("providerTxnId"));
    assertEquals(
        gw.db.text("SELECT id::text FROM unmatched_payments WHERE provider_txn_id = ?", mpesaId),
        kept.getString("unmatchedId"));

    // an operator's reversal
    String txn = ok(await(
            c.provider().process("WH-V1", serial, 10_000, "KES", "+254700000006", null)))
        .getString("transactionId");
    var reversal = await(gw.http
        .postAbs(gw.base + "/api/v1/transactions/" + txn + "/reversal")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "wh-reversal-" + txn)
        .sendJsonObject(new JsonObject().put("reason", "paid twice")));
    assertEquals(201, reversal.statusCode(), reversal.bodyAsString());
    eventually(
        Duration.ofSeconds(10),
        "reversal.recorded delivered",
        () -> at("/all", "reversal.recorded").size() == 1);
    JsonObject reversed = new JsonObject(at("/all", "reversal.recorded").get(0).getString("body"))
        .getJsonObject("data");
    assertEquals(txn, reversed.getString("transactionId"));
    assertEquals(reversal.bodyAsJsonObject().getString("id"), reversed.getString("reversalId"));
    assertEquals(
        5,
        gw.db.count(
            "SELECT count(DISTINCT event_type) FROM webhook_deliveries WHERE company_id = ?::uuid",
            c.id()));
  }

  @Test
  void statementOnlyKeepsAndAProviderReversalOfKeptMoneyAreToldSigned() throws Exception {
    var c = gw.company("Wave suspense", "XOF", 150, 500);
    String waveSecret = "wave_sn_WHS_" + UUID.randomUUID().toString().replace("-", "");
    ok(gw.put(
        "/api/v1/plugins/wave",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("webhookSecret", waveSecret))));
    String secret =
        subscribe(c, "/suspense", "unmatched.created", "reversal.recorded").getString("secret");
    var wave = new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + c.id(), waveSecret);

    // Wave's own example of a payment for an unknown reference, then its reversal
    // (src/test/resources/conformance/wave)
    var kept = await(wave.send(kit("checkout.unknown_reference.json")));
    assertEquals(true, kept.bodyAsJsonObject().getBoolean("kept"), kept.bodyAsString());
    var reversed = await(wave.send(kit("merchant.payment_reversed.unmatched.json")));
    assertEquals(200, reversed.statusCode(), reversed.bodyAsString());
    String reversalId = reversed.bodyAsJsonObject().getString("reversalId");
    eventually(
        Duration.ofSeconds(10),
        "reversal.recorded of the kept payment delivered",
        () -> at("/suspense", "reversal.recorded").size() == 1);
    JsonObject got = at("/suspense", "reversal.recorded").get(0);
    assertSigned(got, secret);
    JsonObject data = new JsonObject(got.getString("body")).getJsonObject("data");
    String unmatchedId = gw.db.text(
        "SELECT id::text FROM unmatched_payments WHERE company_id = ?::uuid "
            + "AND provider_txn_id = 'TUNKNOWNREF1'",
        c.id());
    assertEquals(reversalId, data.getString("reversalId"));
    assertEquals(unmatchedId, data.getString("unmatchedPaymentId"));
    assertNull(data.getString("transactionId"));
    assertEquals(1000L, data.getLong("amount"));
    assertEquals("PROVIDER", data.getString("source"));
    // a redelivery of the reversal is no new event
    await(wave.send(kit("merchant.payment_reversed.unmatched.json")));

    // a statement line the gateway never heard of: kept STATEMENT_ONLY by the upload, and told
    String line = "SO-" + UUID.randomUUID();
    Buffer statement = Buffer.buffer("providerTxnId,paidAt,amount,currency,accountReference\n"
        + line + "," + Instant.now() + ",2500,XOF,NOBODY\n");
    for (int i = 0; i < 2; i++) { // the same bytes again change nothing
      var up = await(gw.http
          .postAbs(gw.base + "/api/v1/reconciliations?format=generic&provider=generic")
          .bearerTokenAuthentication(c.adminToken())
          .putHeader("Content-Type", "text/csv")
          .sendBuffer(statement));
      assertTrue(up.statusCode() == 201 || up.statusCode() == 200, up.bodyAsString());
    }
    eventually(
        Duration.ofSeconds(10),
        "unmatched.created of the statement-only line delivered",
        () -> at("/suspense", "unmatched.created").stream()
            .anyMatch(r -> r.getString("body").contains(line)));
    JsonObject so = at("/suspense", "unmatched.created").stream()
        .filter(r -> r.getString("body").contains(line))
        .findFirst()
        .orElseThrow();
    assertSigned(so, secret);
    JsonObject soData = new JsonObject(so.getString("body")).getJsonObject("data");
    assertEquals("STATEMENT_ONLY", soData.getString("reason"));
    assertEquals(2500L, soData.getLong("amount"));
    assertEquals(
        gw.db.text("SELECT id::text FROM unmatched_payments WHERE provider_txn_id = ?", line),
        soData.getString("unmatchedId"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM webhook_deliveries WHERE company_id = ?::uuid "
                + "AND event_type = 'unmatched.created' AND data->>'providerTxnId' = ?",
            c.id(),
            line));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM webhook_deliveries WHERE company_id = ?::uuid "
                + "AND event_type = 'reversal.recorded'",
            c.id()));
  }

  static Buffer kit(String file) throws IOException {
    try (var in = WebhookTest.class.getResourceAsStream("/conformance/wave/" + file)) {
      return Buffer.buffer(in.readAllBytes());
    }
  }
}
