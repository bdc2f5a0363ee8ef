package io.payg.telco.safaricom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
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

class SafaricomTelcoAdapterTest {

  static final String SAFARICOM_IP = "196.201.214.200";
  static final Instant RECEIVED = Instant.parse("2026-01-16T05:30:07Z");
  static final Map<String, String> SETTINGS = Map.of(
      "shortCode", "600638",
      "allowedSources", "196.201.214.0/24, 196.201.213.44");

  final SafaricomTelcoAdapter adapter = new SafaricomTelcoAdapter();

  static JsonObject payment() {
    return new JsonObject()
        .put("TransactionType", "Pay Bill")
        .put("TransID", "RKTQDM7W6S")
        .put("TransTime", "20260116083000")
        .put("TransAmount", "500.00")
        .put("BusinessShortCode", "600638")
        .put("BillRefNumber", "SN-0001")
        .put("InvoiceNumber", "")
        .put("OrgAccountBalance", "")
        .put("ThirdPartyTransID", "")
        .put("MSISDN", "254708374149")
        .put("FirstName", "John")
        .put("MiddleName", "")
        .put("LastName", "Doe");
  }

  static TelcoRequest request(String operation, String body, String remote) {
    return new TelcoRequest(
        operation,
        Map.of("content-type", "application/json"),
        body.getBytes(StandardCharsets.UTF_8),
        remote,
        RECEIVED);
  }

  TelcoCall decode(String operation, String body) {
    return adapter.decode(request(operation, body, SAFARICOM_IP), "KES", SETTINGS);
  }

  TelcoCall decode(String operation, JsonObject body) {
    return decode(operation, body.encode());
  }

  static TelcoCall.Rejected rejected(TelcoCall call, Refusal refusal) {
    TelcoCall.Rejected r = assertInstanceOf(TelcoCall.Rejected.class, call);
    assertEquals(refusal, r.refusal(), r.detail());
    return r;
  }

  /** An authentic confirmation whose amount cannot be read: kept without an amount, acknowledged. */
  static TelcoCall.Unbookable amountUnreadable(TelcoCall call) {
    TelcoCall.Unbookable u = assertInstanceOf(TelcoCall.Unbookable.class, call);
    assertTrue(u.amountUnreadable(), u.detail());
    assertTrue(u.authenticated(), u.detail());
    assertEquals(Refusal.INVALID_AMOUNT, u.refusal(), u.detail());
    return u;
  }

  static String body(TelcoResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  // --- valid calls ---

  @Test
  void validationDecodesToAQueryInMinorUnits() {
    TelcoCall call = decode("validation", payment());
    TelcoCall.Validate v = assertInstanceOf(TelcoCall.Validate.class, call);
    assertEquals(new PaymentQuery("SN-0001", Money.of(50_000, "KES"), "254708374149"), v.query());
  }

  @Test
  void confirmationDecodesToTheCanonicalCommandWithNairobiTime() {
    TelcoCall call = decode(
        "confirmation",
        payment().put("BillRefNumber", "  SN-0001 ").put("OrgAccountBalance", "49197.00"));
    TelcoCall.Process p = assertInstanceOf(TelcoCall.Process.class, call);
    // 08:30:00 in Nairobi (UTC+3) is 05:30:00 UTC
    assertEquals(
        new PaymentCommand(
            "RKTQDM7W6S",
            "SN-0001",
            Money.of(50_000, "KES"),
            "254708374149",
            Instant.parse("2026-01-16T05:30:00Z")),
        p.command());
  }

  @Test
  void aConfirmationWithoutTransTimeIsPaidWhenReceived() {
    var p = assertInstanceOf(
        TelcoCall.Process.class, decode("confirmation", payment().put("TransTime", "")));
    assertEquals(RECEIVED, p.command().paidAt());
    p = assertInstanceOf(TelcoCall.Process.class, decode("confirmation", copyWithout("TransTime")));
    assertEquals(RECEIVED, p.command().paidAt());
  }

  @ParameterizedTest
  @CsvSource({
    "500.00,50000",
    "500,50000",
    "500.5,50050",
    "0.01,1",
    "1,100",
    "0070.00,7000",
    "100000000000.00,10000000000000"
  })
  void decimalStringAmountsBecomeExactMinorUnits(String amount, long minor) {
    var v = assertInstanceOf(
        TelcoCall.Validate.class, decode("validation", payment().put("TransAmount", amount)));
    assertEquals(Money.of(minor, "KES"), v.query().amount());
  }

  @Test
  void jsonNumberAmountsAreTolerated() {
    var v = assertInstanceOf(
        TelcoCall.Validate.class,
        decode(
            "validation",
            "{\"TransAmount\":500,"
                + "\"BusinessShortCode\":600638,\"BillRefNumber\":\"SN-0001\",\"MSISDN\":254708374149}"));
    assertEquals(new PaymentQuery("SN-0001", Money.of(50_000, "KES"), "254708374149"), v.query());
    v = assertInstanceOf(
        TelcoCall.Validate.class,
        decode(
            "validation",
            "{\"TransAmount\":10.55,\"BusinessShortCode\":\"600638\",\"BillRefNumber\":\"SN-0001\"}"));
    assertEquals(Money.of(1055, "KES"), v.query().amount());
  }

  @Test
  void severalShortCodesMayBeConfigured() {
    Map<String, String> settings =
        Map.of("shortCode", "174379, 600638", "allowedSources", SAFARICOM_IP);
    TelcoCall call =
        adapter.decode(request("validation", payment().encode(), SAFARICOM_IP), "KES", settings);
    assertInstanceOf(TelcoCall.Validate.class, call);
  }

  @Test
  void maskedOrHashedMsisdnIsKeptAsSentAndAnOversizeOneIsDropped() {
    String masked = "2547 ***** 126";
    String hashed = "a3f9d2c1e8b7a6f5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1";
    assertEquals(
        masked,
        ((TelcoCall.Validate) decode("validation", payment().put("MSISDN", masked)))
            .query()
            .msisdn());
    assertEquals(
        hashed,
        ((TelcoCall.Validate) decode("validation", payment().put("MSISDN", hashed)))
            .query()
            .msisdn());
    assertNull(((TelcoCall.Validate) decode("validation", payment().put("MSISDN", "9".repeat(65))))
        .query()
        .msisdn());
    assertNull(((TelcoCall.Validate) decode("validation", payment().put("MSISDN", "2547\n0")))
        .query()
        .msisdn());
    assertNull(((TelcoCall.Validate) decode("validation", copyWithout("MSISDN")))
        .query()
        .msisdn());
    assertNull(
        ((TelcoCall.Validate) decode("validation", payment().put("MSISDN", new JsonObject())))
            .query()
            .msisdn());
  }

  @Test
  void isProcessOperationIsConfirmationOnly() {
    assertTrue(adapter.isProcessOperation("confirmation"));
    assertFalse(adapter.isProcessOperation("validation"));
    assertFalse(adapter.isProcessOperation("process"));
    assertEquals("safaricom", adapter.provider());
  }

  // --- bad input: every one decodes to Rejected ---

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{",
        "[]",
        "[{\"TransAmount\":\"5\"}]",
        "null",
        "42",
        "\"text\"",
        "{\"TransAmount\":\"5\"} trailing"
      })
  void unreadableBodiesAreMalformed(String body) {
    TelcoCall.Rejected r = rejected(decode("validation", body), Refusal.MALFORMED_REQUEST);
    assertFalse(r.processCall());
    assertTrue(rejected(decode("confirmation", body), Refusal.MALFORMED_REQUEST).processCall());
  }

  @Test
  void unknownOperationsAreMalformed() {
    TelcoCall.Rejected r = rejected(decode("process", payment()), Refusal.MALFORMED_REQUEST);
    assertFalse(r.processCall());
    rejected(
        adapter.decode(request(null, "{}", SAFARICOM_IP), "KES", SETTINGS),
        Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TransAmount", "BusinessShortCode"})
  void missingRequiredFieldsAreMalformed(String field) {
    rejected(decode("validation", copyWithout(field)), Refusal.MALFORMED_REQUEST);
    if (field.equals("TransAmount")) {
      // M-Pesa says the money moved: kept without an amount, never refused and forgotten
      amountUnreadable(decode("confirmation", copyWithout(field)));
    } else {
      rejected(decode("confirmation", copyWithout(field)), Refusal.MALFORMED_REQUEST);
    }
  }

  @Test
  void aConfirmationNeedsATransId() {
    rejected(decode("confirmation", copyWithout("TransID")), Refusal.MALFORMED_REQUEST);
    rejected(decode("confirmation", payment().put("TransID", "")), Refusal.MALFORMED_REQUEST);
    rejected(decode("confirmation", payment().put("TransID", "RK TQ")), Refusal.MALFORMED_REQUEST);
    rejected(
        decode("confirmation", payment().put("TransID", "R".repeat(65))),
        Refusal.MALFORMED_REQUEST);
    // validation does not need one
    assertInstanceOf(TelcoCall.Validate.class, decode("validation", copyWithout("TransID")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026011608300",
        "202601160830000",
        "20260230083000",
        "20261316083000",
        "20260116253000",
        "2026-01-16T08:30",
        "abcdefghijklmn"
      })
  void unreadableTransTimesAreMalformed(String time) {
    rejected(decode("confirmation", payment().put("TransTime", time)), Refusal.MALFORMED_REQUEST);
  }

  @Test
  void illTypedFieldsAreMalformed() {
    rejected(
        decode("validation", payment().put("BusinessShortCode", new JsonArray())),
        Refusal.MALFORMED_REQUEST);
    rejected(decode("validation", payment().put("BillRefNumber", true)), Refusal.MALFORMED_REQUEST);
    rejected(decode("confirmation", payment().put("TransID", 1.5)), Refusal.MALFORMED_REQUEST);
    rejected(
        decode("confirmation", payment().put("TransTime", new JsonObject())),
        Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1",
        "-500.00",
        "0",
        "0.00",
        "0.0",
        "abc",
        "",
        " ",
        " 500",
        "500 ",
        "+500",
        "1.001",
        "500.000",
        "1e3",
        "1E3",
        "5e-1",
        "1,000",
        "1_000",
        "NaN",
        "Infinity",
        "0x10",
        ".5",
        "5.",
        "99999999999999999999",
        "100000000000.01",
        "١٠٠"
      })
  void badAmountsAreInvalidAmount(String amount) {
    rejected(decode("validation", payment().put("TransAmount", amount)), Refusal.INVALID_AMOUNT);
    TelcoCall.Unbookable kept =
        amountUnreadable(decode("confirmation", payment().put("TransAmount", amount)));
    assertEquals(0, kept.command().amount().minor(), "no made-up amount");
  }

  @Test
  void badJsonAmountsAreInvalidAmount() {
    for (String amount : List.of(
        "-5",
        "0",
        "0.0",
        "10.555",
        "1e300",
        "123456789012345678901234567890",
        "true",
        "{}",
        "[]")) {
      String body = "{\"TransAmount\":" + amount
          + ",\"BusinessShortCode\":\"600638\",\"BillRefNumber\":\"SN-0001\"}";
      rejected(decode("validation", body), Refusal.INVALID_AMOUNT);
    }
  }

  @Test
  void aCompanyOutsideKenyaCannotTakeMpesa() {
    TelcoCall call =
        adapter.decode(request("validation", payment().encode(), SAFARICOM_IP), "UGX", SETTINGS);
    rejected(call, Refusal.WRONG_CURRENCY);
    call =
        adapter.decode(request("confirmation", payment().encode(), SAFARICOM_IP), "XOF", SETTINGS);
    assertTrue(rejected(call, Refusal.WRONG_CURRENCY).processCall());
  }

  @Test
  void anotherShortCodeIsRefusedAsC2B00015() {
    TelcoCall.Rejected r = rejected(
        decode("validation", payment().put("BusinessShortCode", "600000")),
        Refusal.UNAUTHENTICATED);
    assertEquals(SafaricomTelcoAdapter.WRONG_SHORT_CODE, r.detail());
    TelcoResponse answer = adapter.refusal(r.refusal(), r.detail(), r.processCall());
    assertEquals(200, answer.status());
    assertEquals("{\"ResultCode\":\"C2B00015\",\"ResultDesc\":\"Rejected\"}", body(answer));
    rejected(
        decode("validation", payment().put("BusinessShortCode", "6006381")),
        Refusal.UNAUTHENTICATED);
  }

  @Test
  void aMissingShortCodeSettingRefusesEverything() {
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.remove("shortCode");
    rejected(
        adapter.decode(request("validation", payment().encode(), SAFARICOM_IP), "KES", settings),
        Refusal.UNAUTHENTICATED);
    settings.put("shortCode", " ");
    rejected(
        adapter.decode(request("confirmation", payment().encode(), SAFARICOM_IP), "KES", settings),
        Refusal.UNAUTHENTICATED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10.0.0.1", "196.201.215.1", "196.201.213.45", "::1", "2001:db8::1", "garbage", ""
      })
  void sourcesOutsideTheAllowListAreRefused(String remote) {
    rejected(
        adapter.decode(request("validation", payment().encode(), remote), "KES", SETTINGS),
        Refusal.UNAUTHENTICATED);
    // a confirmation says money moved: kept flagged for an operator, never booked, never dropped
    var kept = assertInstanceOf(
        TelcoCall.Unbookable.class,
        adapter.decode(request("confirmation", payment().encode(), remote), "KES", SETTINGS));
    assertEquals(Refusal.UNAUTHENTICATED, kept.refusal());
    assertFalse(kept.authenticated());
    assertTrue(kept.processCall());
    // an unreadable body from there is nobody's money
    assertTrue(rejected(
            adapter.decode(request("confirmation", "not json", remote), "KES", SETTINGS),
            Refusal.UNAUTHENTICATED)
        .processCall());
  }

  @Test
  void withoutAnAllowListEverythingIsRefused() {
    for (Map<String, String> settings : List.of(
        Map.of("shortCode", "600638"),
        Map.of("shortCode", "600638", "allowedSources", ""),
        Map.of("shortCode", "600638", "allowedSources", " , "))) {
      rejected(
          adapter.decode(request("validation", payment().encode(), SAFARICOM_IP), "KES", settings),
          Refusal.UNAUTHENTICATED);
    }
    rejected(
        adapter.decode(request("validation", payment().encode(), null), "KES", SETTINGS),
        Refusal.UNAUTHENTICATED);
    rejected(
        adapter.decode(request("validation", payment().encode(), SAFARICOM_IP), "KES", null),
        Refusal.UNAUTHENTICATED);
  }

  @Test
  void theSourceIsCheckedBeforeTheBodyIsRead() {
    rejected(
        adapter.decode(request("validation", "not json", "10.0.0.1"), "KES", SETTINGS),
        Refusal.UNAUTHENTICATED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "   ", "SN 0001", "SN/0001", "SN-0001;DROP", "<script>", "SN\u00e9", "SN\n1"})
  void unusableAccountNumbersAreDeviceNotFound(String billRef) {
    rejected(
        decode("validation", payment().put("BillRefNumber", billRef)), Refusal.DEVICE_NOT_FOUND);
    // after the money moved it is kept, authenticated, with what the payer typed
    var kept = assertInstanceOf(
        TelcoCall.Unbookable.class,
        decode("confirmation", payment().put("BillRefNumber", billRef)));
    assertEquals(Refusal.DEVICE_NOT_FOUND, kept.refusal());
    assertTrue(kept.authenticated());
  }

  @Test
  void oversizeSerialsAreDeviceNotFoundAndSixtyFourCharactersPass() {
    rejected(
        decode("validation", payment().put("BillRefNumber", "S".repeat(65))),
        Refusal.DEVICE_NOT_FOUND);
    var kept = assertInstanceOf(
        TelcoCall.Unbookable.class,
        decode("confirmation", payment().put("BillRefNumber", "S".repeat(100_000))));
    assertEquals(100, kept.command().serial().length());
    rejected(decode("validation", copyWithout("BillRefNumber")), Refusal.DEVICE_NOT_FOUND);
    var v = assertInstanceOf(
        TelcoCall.Validate.class,
        decode("validation", payment().put("BillRefNumber", "S".repeat(64))));
    assertEquals("S".repeat(64), v.query().serial());
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(42);
    String valid = payment().encode();
    for (int i = 0; i < 5_000; i++) {
      byte[] body;
      if (i % 2 == 0) {
        body = new byte[random.nextInt(300)];
        random.nextBytes(body);
      } else {
        // a valid body with a few bytes changed: mostly almost-valid JSON
        body = valid.getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          body[random.nextInt(body.length)] = (byte) (32 + random.nextInt(95));
        }
      }
      String op = i % 3 == 0 ? "validation" : "confirmation";
      TelcoCall call = adapter.decode(
          new TelcoRequest(op, Map.of(), body, SAFARICOM_IP, RECEIVED), "KES", SETTINGS);
      assertTrue(call != null);
    }
  }

  // --- answers ---

  @Test
  void anAcceptedValidationIsResultCodeStringZero() {
    TelcoResponse r =
        adapter.validationAnswer(ValidationOutcome.accepted("Amina", DeviceType.METER, 100));
    assertEquals(200, r.status());
    assertEquals("application/json", r.contentType());
    assertEquals("{\"ResultCode\":\"0\",\"ResultDesc\":\"Accepted\"}", body(r));
  }

  @ParameterizedTest
  @CsvSource({
    "DEVICE_NOT_FOUND,C2B00012",
    "INVALID_AMOUNT,C2B00013",
    "AMOUNT_BELOW_MINIMUM,C2B00013",
    "WRONG_CURRENCY,C2B00013",
    "UNAUTHENTICATED,C2B00016",
    "PROVIDER_NOT_ENABLED,C2B00016",
    "MALFORMED_REQUEST,C2B00016",
    "DUPLICATE_TRANSACTION,C2B00016"
  })
  void refusedValidationsAnswer200WithTheDarajaCode(Refusal refusal, String code) {
    String expected = "{\"ResultCode\":\"" + code + "\",\"ResultDesc\":\"Rejected\"}";
    TelcoResponse r = adapter.validationAnswer(ValidationOutcome.refused(refusal));
    assertEquals(200, r.status());
    assertEquals(expected, body(r));
    r = adapter.refusal(refusal, "some detail", false);
    assertEquals(200, r.status());
    assertEquals(expected, body(r));
  }

  @Test
  void aRecordedOrReplayedConfirmationIsAcknowledged() {
    TelcoResponse r =
        adapter.processAnswer(new PaymentReceipt("tx-1", "PROCESSED", List.of(), null, null));
    assertEquals(200, r.status());
    assertEquals("{\"ResultCode\":0,\"ResultDesc\":\"Success\"}", body(r));
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
  void aConfirmationTheGatewayRefusesIsStillAcknowledged(Refusal refusal) {
    TelcoResponse r = adapter.refusal(refusal, "detail", true);
    assertEquals(200, r.status());
    assertEquals("{\"ResultCode\":0,\"ResultDesc\":\"Success\"}", body(r));
  }

  @Test
  void aConfirmationNotFromThisCompanysMpesaIsForbidden() {
    TelcoResponse r = adapter.refusal(
        Refusal.UNAUTHENTICATED, "the source address is not in allowedSources", true);
    assertEquals(403, r.status());
    assertEquals("{\"ResultCode\":\"C2B00016\",\"ResultDesc\":\"Rejected\"}", body(r));
    r = adapter.refusal(Refusal.UNAUTHENTICATED, SafaricomTelcoAdapter.WRONG_SHORT_CODE, true);
    assertEquals(403, r.status());
    assertEquals("{\"ResultCode\":\"C2B00015\",\"ResultDesc\":\"Rejected\"}", body(r));
    r = adapter.refusal(Refusal.PROVIDER_NOT_ENABLED, null, true);
    assertEquals(403, r.status());
    assertEquals("{\"ResultCode\":\"C2B00016\",\"ResultDesc\":\"Rejected\"}", body(r));
  }

  private static JsonObject copyWithout(String field) {
    JsonObject copy = payment();
    copy.remove(field);
    return copy;
  }
}
