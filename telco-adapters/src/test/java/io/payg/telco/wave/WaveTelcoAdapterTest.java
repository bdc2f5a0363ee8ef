package io.payg.telco.wave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.support.HmacSha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WaveTelcoAdapterTest {

  static final String SECRET = "wave_sn_WHS_xz4m6g8rjs9bshxy05xj4khcvjv7j3hcp4fbpvv6met0zdrjvezg";
  static final Instant RECEIVED = Instant.parse("2026-01-16T10:15:40Z");
  static final Map<String, String> SETTINGS = Map.of("webhookSecret", SECRET);

  final WaveTelcoAdapter adapter = new WaveTelcoAdapter();

  static JsonObject checkout() {
    return new JsonObject()
        .put("id", "EV_QvEZuDSQbLdI")
        .put("type", "checkout.session.completed")
        .put(
            "data",
            new JsonObject()
                .put("id", "cos-18qq25rgr100a")
                .put("amount", "1000")
                .put("checkout_status", "complete")
                .put("client_reference", "SN-0001")
                .put("currency", "XOF")
                .put("error_url", "https://example.com/error")
                .put("last_payment_error", null)
                .put("business_name", "PAYG Energy")
                .put("payment_status", "succeeded")
                .put("transaction_id", "TCN4Y4ZC3FM")
                .put("success_url", "https://example.com/success")
                .put("when_completed", "2026-01-16T10:15:32Z")
                .put("when_created", "2026-01-16T10:14:04Z"));
  }

  static JsonObject merchantPayment() {
    return new JsonObject()
        .put("id", "AE_ijzo7oGgrlM8")
        .put("type", "merchant.payment_received")
        .put(
            "data",
            new JsonObject()
                .put("id", "T_46HS5COOWE")
                .put("amount", "2500")
                .put("currency", "XOF")
                .put("sender_mobile", "+221761110001")
                .put("merchant_name", "PAYG Energy")
                .put("custom_fields", new JsonObject().put("account_number", "SN-0002"))
                .put("when_created", "2026-01-16T10:13:04Z"));
  }

  static TelcoRequest signed(String body, long t, String secret) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new TelcoRequest(
        "webhook",
        Map.of(
            "wave-signature",
            WaveSignature.header(secret, t, bytes),
            "content-type",
            "application/json"),
        bytes,
        "34.76.157.22",
        RECEIVED);
  }

  static TelcoRequest withHeader(String body, String header) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    if (header != null) {
      headers.put("wave-signature", header);
    }
    return new TelcoRequest(
        "webhook", headers, body.getBytes(StandardCharsets.UTF_8), "34.76.157.22", RECEIVED);
  }

  TelcoCall decode(String body) {
    return adapter.decode(signed(body, RECEIVED.getEpochSecond() - 2, SECRET), "XOF", SETTINGS);
  }

  TelcoCall decode(JsonObject event) {
    return decode(event.encode());
  }

  /** A signed payment whose amount cannot be read: the money moved, kept without an amount. */
  static TelcoCall.Unbookable amountUnreadable(TelcoCall call) {
    TelcoCall.Unbookable u = assertInstanceOf(TelcoCall.Unbookable.class, call);
    assertTrue(u.amountUnreadable(), u.detail());
    assertTrue(u.authenticated(), u.detail());
    assertEquals(Refusal.INVALID_AMOUNT, u.refusal(), u.detail());
    return u;
  }

  static TelcoCall.Rejected rejected(TelcoCall call, Refusal refusal) {
    TelcoCall.Rejected r = assertInstanceOf(TelcoCall.Rejected.class, call);
    assertEquals(refusal, r.refusal(), r.detail());
    return r;
  }

  static String body(TelcoResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  // --- valid events ---

  @Test
  void aCompletedCheckoutIsAPaymentKeyedOnItsTransactionId() {
    TelcoCall.Process p = assertInstanceOf(TelcoCall.Process.class, decode(checkout()));
    assertEquals(
        new PaymentCommand(
            "TCN4Y4ZC3FM",
            "SN-0001",
            Money.of(1000, "XOF"),
            null,
            Instant.parse("2026-01-16T10:15:32Z")),
        p.command());
  }

  @Test
  void aMerchantPaymentTakesTheSerialFromTheCustomField() {
    TelcoCall.Process p = assertInstanceOf(TelcoCall.Process.class, decode(merchantPayment()));
    assertEquals(
        new PaymentCommand(
            "T_46HS5COOWE",
            "SN-0002",
            Money.of(2500, "XOF"),
            "+221761110001",
            Instant.parse("2026-01-16T10:13:04Z")),
        p.command());
  }

  @Test
  void aMerchantPaymentPrefersTheClientReference() {
    JsonObject event = merchantPayment();
    event.getJsonObject("data").put("client_reference", " SN-0003 ");
    assertEquals("SN-0003", ((TelcoCall.Process) decode(event)).command().serial());
  }

  @Test
  void theSerialCustomFieldIsConfigurable() {
    JsonObject event = merchantPayment();
    event.getJsonObject("data").put("custom_fields", new JsonObject().put("meter", "SN-0009"));
    Map<String, String> settings = Map.of("webhookSecret", SECRET, "serialCustomField", "meter");
    TelcoCall call =
        adapter.decode(signed(event.encode(), RECEIVED.getEpochSecond(), SECRET), "XOF", settings);
    assertEquals(
        "SN-0009", assertInstanceOf(TelcoCall.Process.class, call).command().serial());
    unbookable(decode(event));
  }

  @Test
  void twoDecimalCurrenciesAreConvertedToMinorUnits() {
    JsonObject event = checkout();
    event.getJsonObject("data").put("currency", "GMD").put("amount", "150.50");
    TelcoCall call =
        adapter.decode(signed(event.encode(), RECEIVED.getEpochSecond(), SECRET), "GMD", SETTINGS);
    assertEquals(
        Money.of(15050, "GMD"),
        assertInstanceOf(TelcoCall.Process.class, call).command().amount());
  }

  @Test
  void aPaymentWithoutATimeIsPaidWhenReceived() {
    JsonObject event = checkout();
    event.getJsonObject("data").remove("when_completed");
    assertEquals(RECEIVED, ((TelcoCall.Process) decode(event)).command().paidAt());
  }

  @Test
  void offsetTimesAreAccepted() {
    JsonObject event = checkout();
    event.getJsonObject("data").put("when_completed", "2026-01-16T11:15:32.250+01:00");
    assertEquals(
        Instant.parse("2026-01-16T10:15:32.250Z"),
        ((TelcoCall.Process) decode(event)).command().paidAt());
  }

  @Test
  void webhookIsTheOnlyOperation() {
    assertTrue(adapter.isProcessOperation("webhook"));
    assertFalse(adapter.isProcessOperation("validate"));
    assertFalse(adapter.isProcessOperation("process"));
    assertEquals("wave", adapter.provider());
    byte[] body = checkout().encode().getBytes(StandardCharsets.UTF_8);
    TelcoRequest validate = new TelcoRequest(
        "validate",
        Map.of("wave-signature", WaveSignature.header(SECRET, RECEIVED.getEpochSecond(), body)),
        body,
        null,
        RECEIVED);
    TelcoCall.Rejected r =
        rejected(adapter.decode(validate, "XOF", SETTINGS), Refusal.MALFORMED_REQUEST);
    assertFalse(r.processCall());
    assertEquals(400, adapter.refusal(r.refusal(), r.detail(), r.processCall()).status());
  }

  // --- authentication ---

  @Test
  void theSignatureCoversTheTimestampAndTheRawBody() {
    String body = checkout().encode();
    long t = RECEIVED.getEpochSecond();
    // tampered body, other secret, signature of the body alone, of "t.body"
    String tampered = body.replace("\"1000\"", "\"9000\"");
    TelcoRequest r = new TelcoRequest(
        "webhook",
        Map.of(
            "wave-signature",
            WaveSignature.header(SECRET, t, body.getBytes(StandardCharsets.UTF_8))),
        tampered.getBytes(StandardCharsets.UTF_8),
        null,
        RECEIVED);
    rejected(adapter.decode(r, "XOF", SETTINGS), Refusal.UNAUTHENTICATED);
    rejected(
        adapter.decode(signed(body, t, "another-secret"), "XOF", SETTINGS),
        Refusal.UNAUTHENTICATED);
    String bodyOnly =
        "t=" + t + ",v1=" + HmacSha256.signHex(SECRET, body.getBytes(StandardCharsets.UTF_8));
    rejected(adapter.decode(withHeader(body, bodyOnly), "XOF", SETTINGS), Refusal.UNAUTHENTICATED);
    String dotted = "t=" + t + ",v1="
        + HmacSha256.signHex(SECRET, (t + "." + body).getBytes(StandardCharsets.UTF_8));
    rejected(adapter.decode(withHeader(body, dotted), "XOF", SETTINGS), Refusal.UNAUTHENTICATED);
    // the timestamp is signed: moving it breaks the signature
    String moved = WaveSignature.header(SECRET, t, body.getBytes(StandardCharsets.UTF_8))
        .replace("t=" + t, "t=" + (t - 1));
    rejected(adapter.decode(withHeader(body, moved), "XOF", SETTINGS), Refusal.UNAUTHENTICATED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "garbage",
        "t=1768558540",
        "v1=00",
        "t=abc,v1=00",
        "t=1768558540,v1=zz",
        "t=1768558540,v1=",
        "t=1768558540,t=1768558540,v1=00",
        "t=-1768558540,v1=0000000000000000000000000000000000000000000000000000000000000000",
        "t=1768558540,v0=0000000000000000000000000000000000000000000000000000000000000000",
        "sha256=0000000000000000000000000000000000000000000000000000000000000000"
      })
  void missingOrUnreadableSignaturesAreUnauthenticated(String header) {
    TelcoCall.Rejected r = rejected(
        adapter.decode(withHeader(checkout().encode(), header), "XOF", SETTINGS),
        Refusal.UNAUTHENTICATED);
    assertTrue(r.processCall());
    rejected(
        adapter.decode(withHeader(checkout().encode(), null), "XOF", SETTINGS),
        Refusal.UNAUTHENTICATED);
  }

  @ParameterizedTest
  @CsvSource({
    "-301,false",
    "-300,true",
    "-10,true",
    "0,true",
    "299,true",
    "300,true",
    "301,false",
    "-86400,false"
  })
  void deliveriesSignedMoreThanFiveMinutesAwayAreRefused(long offsetSeconds, boolean accepted) {
    TelcoCall call = adapter.decode(
        signed(checkout().encode(), RECEIVED.getEpochSecond() + offsetSeconds, SECRET),
        "XOF",
        SETTINGS);
    if (accepted) {
      assertInstanceOf(TelcoCall.Process.class, call);
    } else {
      assertEquals(
          WaveSignature.Check.EXPIRED.detail(),
          rejected(call, Refusal.UNAUTHENTICATED).detail());
    }
  }

  @Test
  void anyOfSeveralSignaturesMayMatch() {
    String body = checkout().encode();
    long t = RECEIVED.getEpochSecond();
    String good = WaveSignature.header(SECRET, t, body.getBytes(StandardCharsets.UTF_8));
    String header =
        "t=" + t + ",v1=" + "0".repeat(64) + "," + good.substring(good.indexOf("v1=")) + ",v0=abc";
    assertInstanceOf(
        TelcoCall.Process.class, adapter.decode(withHeader(body, header), "XOF", SETTINGS));
    assertInstanceOf(
        TelcoCall.Process.class,
        adapter.decode(
            withHeader(
                body,
                header
                    .toUpperCase()
                    .replace("T=", "t=")
                    .replace("V1=", "v1=")
                    .replace("V0=", "v0=")),
            "XOF",
            SETTINGS));
  }

  @Test
  void thePreviousSecretIsAcceptedWhileRotating() {
    Map<String, String> rotating =
        Map.of("webhookSecret", "new-secret", "previousWebhookSecret", SECRET);
    assertInstanceOf(
        TelcoCall.Process.class,
        adapter.decode(
            signed(checkout().encode(), RECEIVED.getEpochSecond(), SECRET), "XOF", rotating));
    assertInstanceOf(
        TelcoCall.Process.class,
        adapter.decode(
            signed(checkout().encode(), RECEIVED.getEpochSecond(), "new-secret"), "XOF", rotating));
    rejected(
        adapter.decode(
            signed(checkout().encode(), RECEIVED.getEpochSecond(), "old-old"), "XOF", rotating),
        Refusal.UNAUTHENTICATED);
  }

  @Test
  void withoutASecretEverythingIsRefused() {
    for (Map<String, String> settings : List.of(
        Map.<String, String>of(),
        Map.of("webhookSecret", ""),
        Map.of("previousWebhookSecret", SECRET))) {
      rejected(
          adapter.decode(
              signed(checkout().encode(), RECEIVED.getEpochSecond(), SECRET), "XOF", settings),
          Refusal.UNAUTHENTICATED);
    }
    rejected(
        adapter.decode(signed(checkout().encode(), RECEIVED.getEpochSecond(), SECRET), "XOF", null),
        Refusal.UNAUTHENTICATED);
  }

  @Test
  void theSignatureIsCheckedBeforeTheBodyIsRead() {
    rejected(
        adapter.decode(withHeader("not json", "t=1,v1=" + "0".repeat(64)), "XOF", SETTINGS),
        Refusal.UNAUTHENTICATED);
  }

  // --- bad bodies (authentic, so signed) ---

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{",
        "[]",
        "[{\"type\":\"checkout.session.completed\"}]",
        "null",
        "7",
        "{\"type\":\"checkout.session.completed\"}",
        "{\"type\":\"checkout.session.completed\",\"data\":[]}",
        "{\"type\":\"checkout.session.completed\",\"data\":\"x\"}",
        "{\"data\":{}}",
        "{\"type\":5,\"data\":{}}",
        "{\"type\":\"Checkout Session\",\"data\":{}}"
      })
  void unreadableEventsAreMalformed(String body) {
    assertTrue(rejected(decode(body), Refusal.MALFORMED_REQUEST).processCall());
  }

  @ParameterizedTest
  @CsvSource({
    "checkout,transaction_id",
    "checkout,currency",
    "checkout,amount",
    "merchant,id",
    "merchant,currency",
    "merchant,amount"
  })
  void missingPaymentFieldsAreMalformed(String event, String field) {
    JsonObject e = "checkout".equals(event) ? checkout() : merchantPayment();
    e.getJsonObject("data").remove(field);
    if (field.equals("amount")) {
      amountUnreadable(decode(e)); // signed, so the money moved: kept without an amount
    } else {
      rejected(decode(e), Refusal.MALFORMED_REQUEST);
    }
  }

  @Test
  void illTypedOrBadIdsAreMalformed() {
    JsonObject e = checkout();
    e.getJsonObject("data").put("transaction_id", 12345);
    rejected(decode(e), Refusal.MALFORMED_REQUEST);
    e.getJsonObject("data").put("transaction_id", "TCN 4Y4");
    rejected(decode(e), Refusal.MALFORMED_REQUEST);
    e.getJsonObject("data").put("transaction_id", "T".repeat(101));
    rejected(decode(e), Refusal.MALFORMED_REQUEST);
    e = checkout();
    e.getJsonObject("data").put("when_completed", "yesterday");
    rejected(decode(e), Refusal.MALFORMED_REQUEST);
    e = checkout();
    e.getJsonObject("data").put("currency", new JsonArray());
    rejected(decode(e), Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1000",
        "0",
        "0.0",
        "1000.5",
        "1000.00",
        "abc",
        "",
        " 1000",
        "1e3",
        "1E3",
        "+1000",
        "1,000",
        "NaN",
        "99999999999999999999",
        "10000000000001"
      })
  void badAmountsAreInvalidAmount(String amount) {
    JsonObject e = checkout();
    e.getJsonObject("data").put("amount", amount);
    amountUnreadable(decode(e));
    e = merchantPayment();
    e.getJsonObject("data").put("amount", amount);
    amountUnreadable(decode(e));
  }

  @Test
  void aJsonNumberAmountIsTolerated() {
    JsonObject e = checkout();
    e.getJsonObject("data").put("amount", 1000);
    assertEquals(
        Money.of(1000, "XOF"), ((TelcoCall.Process) decode(e)).command().amount());
    e.getJsonObject("data").put("amount", 1000.5);
    amountUnreadable(decode(e));
    e.getJsonObject("data").put("amount", true);
    amountUnreadable(decode(e));
  }

  @Test
  void aPaymentInAnotherCurrencyIsKeptInThatCurrencyNotBooked() {
    JsonObject e = checkout();
    e.getJsonObject("data").put("currency", "GMD").put("amount", "1000.50");
    TelcoCall.Unbookable u = assertInstanceOf(TelcoCall.Unbookable.class, decode(e));
    assertEquals(Refusal.WRONG_CURRENCY, u.refusal(), u.detail());
    assertTrue(u.authenticated());
    assertEquals(Money.of(100050, "GMD"), u.command().amount(), "Wave took it in GMD: kept as GMD");
    TelcoCall.Unbookable xaf = assertInstanceOf(
        TelcoCall.Unbookable.class,
        adapter.decode(
            signed(checkout().encode(), RECEIVED.getEpochSecond(), SECRET), "XAF", SETTINGS));
    assertEquals(Money.of(1000, "XOF"), xaf.command().amount());
    // not a currency at all: nothing can be kept of it
    e.getJsonObject("data").put("currency", "xof");
    rejected(decode(e), Refusal.WRONG_CURRENCY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "SN 0001", "SN/1", "<b>", "SN\u00e9"})
  void unusableReferencesAreKeptAsMoneyThatMoved(String reference) {
    JsonObject e = checkout();
    e.getJsonObject("data").put("client_reference", reference);
    TelcoCall.Unbookable u = unbookable(decode(e));
    assertEquals("TCN4Y4ZC3FM", u.command().providerTxnId());
    assertEquals(Money.of(1000, "XOF"), u.command().amount());
    assertEquals(reference.trim(), u.command().serial(), "the reference as the payer typed it");
  }

  static TelcoCall.Unbookable unbookable(TelcoCall call) {
    TelcoCall.Unbookable u = assertInstanceOf(TelcoCall.Unbookable.class, call);
    assertEquals(Refusal.DEVICE_NOT_FOUND, u.refusal(), u.detail());
    assertTrue(u.authenticated(), "it passed Wave's signature: authentic money");
    return u;
  }

  @Test
  void oversizeOrMissingSerialsAreDeviceNotFound() {
    JsonObject e = checkout();
    e.getJsonObject("data").put("client_reference", "S".repeat(65));
    unbookable(decode(e));
    e.getJsonObject("data").put("client_reference", "S".repeat(64));
    assertEquals("S".repeat(64), ((TelcoCall.Process) decode(e)).command().serial());
    e.getJsonObject("data").remove("client_reference");
    assertEquals("", unbookable(decode(e)).command().serial());
    JsonObject m = merchantPayment();
    m.getJsonObject("data").remove("custom_fields");
    unbookable(decode(m));
    m.getJsonObject("data")
        .put("custom_fields", new JsonObject().put("account_number", "S".repeat(1000)));
    assertEquals(200, unbookable(decode(m)).command().serial().length(), "kept as typed, clipped");
  }

  @Test
  void anOddSenderMobileIsDroppedNotRefused() {
    JsonObject m = merchantPayment();
    m.getJsonObject("data").put("sender_mobile", "+".repeat(65));
    assertNull(((TelcoCall.Process) decode(m)).command().msisdn());
    m.getJsonObject("data").put("sender_mobile", 221761110001L);
    assertNull(((TelcoCall.Process) decode(m)).command().msisdn());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "test.test_event",
        "checkout.session.payment_failed",
        "b2b.payment_received",
        "b2b.payment_failed"
      })
  void eventsThatAreNotPaymentsAreAcknowledgedWithoutAPayment(String type) {
    JsonObject e = checkout().put("type", type);
    TelcoCall.Rejected r = rejected(decode(e), Refusal.MALFORMED_REQUEST);
    assertTrue(r.detail().startsWith(WaveTelcoAdapter.IGNORED), r.detail());
    TelcoResponse answer = adapter.refusal(r.refusal(), r.detail(), r.processCall());
    assertEquals(200, answer.status());
    assertEquals(
        new JsonObject()
            .put("received", true)
            .put("recorded", false)
            .put("code", "MALFORMED_REQUEST")
            .put("detail", r.detail())
            .encode(),
        body(answer));
  }

  @Test
  void aCheckoutThatDidNotSucceedIsIgnored() {
    JsonObject e = checkout();
    e.getJsonObject("data").put("payment_status", "processing");
    assertTrue(rejected(decode(e), Refusal.MALFORMED_REQUEST)
        .detail()
        .startsWith(WaveTelcoAdapter.IGNORED));
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(7);
    String valid = checkout().encode();
    for (int i = 0; i < 5_000; i++) {
      byte[] body;
      if (i % 2 == 0) {
        body = new byte[random.nextInt(300)];
        random.nextBytes(body);
      } else {
        body = valid.getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          body[random.nextInt(body.length)] = (byte) (32 + random.nextInt(95));
        }
      }
      TelcoRequest request = new TelcoRequest(
          "webhook",
          Map.of("wave-signature", WaveSignature.header(SECRET, RECEIVED.getEpochSecond(), body)),
          body,
          null,
          RECEIVED);
      assertNotNull(adapter.decode(request, "XOF", SETTINGS));
      byte[] header = new byte[random.nextInt(100)];
      random.nextBytes(header);
      request = new TelcoRequest(
          "webhook",
          Map.of("wave-signature", new String(header, StandardCharsets.ISO_8859_1)),
          body,
          null,
          RECEIVED);
      rejected(adapter.decode(request, "XOF", SETTINGS), Refusal.UNAUTHENTICATED);
    }
  }

  // --- what the customer is credited, the shared-secret strategy, reversals ---

  @Test
  void aMerchantPaymentCreditsWhatTheCustomerPaidAmountPlusFee() {
    JsonObject m = merchantPayment();
    m.getJsonObject("data").put("amount", "990").put("fee", "10"); // Wave's published example
    assertEquals(
        Money.of(1000, "XOF"), ((TelcoCall.Process) decode(m)).command().amount());
    m.getJsonObject("data").remove("fee");
    assertEquals(
        Money.of(990, "XOF"),
        ((TelcoCall.Process) decode(m)).command().amount(),
        "no fee: amount is all");
    m.getJsonObject("data").put("fee", "-1");
    amountUnreadable(decode(m));
    m.getJsonObject("data").put("fee", "ten");
    amountUnreadable(decode(m));
    // a checkout's amount is already gross
    assertEquals(
        Money.of(1000, "XOF"),
        ((TelcoCall.Process) decode(checkout())).command().amount());
  }

  static TelcoRequest bearer(String body, String authorization) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    if (authorization != null) {
      headers.put("authorization", authorization);
    }
    return new TelcoRequest(
        "webhook", headers, body.getBytes(StandardCharsets.UTF_8), "34.76.157.22", RECEIVED);
  }

  @Test
  void theSharedSecretStrategyTakesTheBearerAndNothingElse() {
    Map<String, String> shared = Map.of(
        "webhookSecret",
        SECRET,
        "webhookStrategy",
        "SHARED_SECRET",
        "previousWebhookSecret",
        "wave_sn_WHS_old");
    String body = checkout().encode();
    assertInstanceOf(
        TelcoCall.Process.class, adapter.decode(bearer(body, "Bearer " + SECRET), "XOF", shared));
    assertInstanceOf(
        TelcoCall.Process.class, adapter.decode(bearer(body, "bearer " + SECRET), "XOF", shared));
    assertInstanceOf(
        TelcoCall.Process.class,
        adapter.decode(bearer(body, "Bearer wave_sn_WHS_old"), "XOF", shared));
    for (String wrong :
        new String[] {null, "", SECRET, "Bearer " + SECRET + "x", "Basic " + SECRET, "Bearer "}) {
      rejected(adapter.decode(bearer(body, wrong), "XOF", shared), Refusal.UNAUTHENTICATED);
    }
    // a signed delivery does not pass the shared-secret strategy, nor a bearer the signing one
    rejected(
        adapter.decode(signed(body, RECEIVED.getEpochSecond(), SECRET), "XOF", shared),
        Refusal.UNAUTHENTICATED);
    rejected(
        adapter.decode(bearer(body, "Bearer " + SECRET), "XOF", SETTINGS), Refusal.UNAUTHENTICATED);
    rejected(
        adapter.decode(
            bearer(body, "Bearer " + SECRET),
            "XOF",
            Map.of("webhookSecret", SECRET, "webhookStrategy", "NONE")),
        Refusal.UNAUTHENTICATED);
  }

  @Test
  void aReversalEventNamesTheReversedPayment() {
    JsonObject m = merchantPayment().put("type", "merchant.payment_reversed").put("id", "AE_rev1");
    TelcoCall.Reversal r = assertInstanceOf(TelcoCall.Reversal.class, decode(m));
    assertEquals("T_46HS5COOWE", r.providerTxnId());
    assertTrue(r.reason().contains("AE_rev1"), r.reason());
    JsonObject c = checkout().put("type", "merchant.payment_reversed");
    assertEquals(
        "TCN4Y4ZC3FM", assertInstanceOf(TelcoCall.Reversal.class, decode(c)).providerTxnId());
    assertEquals(200, adapter.reversalAnswer("r-1", null, Map.of()).status());
    assertEquals(
        409,
        adapter.reversalAnswer(null, "not yet", Map.of()).status(),
        "non-2xx: Wave redelivers it");
  }

  @Test
  void keptMoneyIsAcknowledged200() {
    TelcoResponse r = adapter.keptAnswer(Refusal.DEVICE_NOT_FOUND, "no device", Map.of());
    assertEquals(200, r.status());
    assertEquals(true, new JsonObject(body(r)).getBoolean("kept"));
    assertTrue(adapter.confirmsMovedMoney("webhook"));
  }

  // --- answers ---

  @Test
  void aRecordedPaymentIsAcknowledgedWithTheTransaction() {
    TelcoResponse r =
        adapter.processAnswer(new PaymentReceipt("tx-1", "PROCESSED", List.of(), null, null));
    assertEquals(200, r.status());
    assertEquals("application/json", r.contentType());
    assertEquals(
        "{\"received\":true,\"recorded\":true,\"transactionId\":\"tx-1\",\"status\":\"PROCESSED\"}",
        body(r));
  }

  @ParameterizedTest
  @CsvSource({
    "DEVICE_NOT_FOUND",
    "INVALID_AMOUNT",
    "AMOUNT_BELOW_MINIMUM",
    "WRONG_CURRENCY",
    "MALFORMED_REQUEST",
    "DUPLICATE_TRANSACTION"
  })
  void refusalsThatARetryCannotChangeAnswer200(Refusal refusal) {
    TelcoResponse r = adapter.refusal(refusal, "why", true);
    assertEquals(200, r.status());
    assertEquals(
        "{\"received\":true,\"recorded\":false,\"code\":\"" + refusal.name()
            + "\",\"detail\":\"why\"}",
        body(r));
  }

  @Test
  void badSignaturesAnswer401AndADisabledPlugin403SoWaveRetries() {
    TelcoResponse r = adapter.refusal(
        Refusal.UNAUTHENTICATED, "the Wave-Signature does not match the body", true);
    assertEquals(401, r.status());
    assertEquals("application/problem+json", r.contentType());
    JsonObject problem = new JsonObject(body(r));
    assertEquals("UNAUTHENTICATED", problem.getString("code"));
    assertEquals(401, problem.getInteger("status"));
    r = adapter.refusal(Refusal.PROVIDER_NOT_ENABLED, null, true);
    assertEquals(403, r.status());
    assertEquals("PROVIDER_NOT_ENABLED", new JsonObject(body(r)).getString("code"));
  }

  @Test
  void thereIsNoValidation() {
    TelcoResponse r =
        adapter.validationAnswer(ValidationOutcome.accepted("Awa", DeviceType.METER, 1));
    assertEquals(400, r.status());
  }
}
