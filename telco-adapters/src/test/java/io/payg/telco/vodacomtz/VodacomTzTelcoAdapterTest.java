package io.payg.telco.vodacomtz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
import io.payg.telco.simulator.VodacomTzSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class VodacomTzTelcoAdapterTest {

  static final String BROKER_IP = "41.217.203.10";
  static final Instant RECEIVED = Instant.parse("2026-01-16T05:30:07Z");
  static final Instant PAID = Instant.parse("2026-01-16T05:30:00Z");
  static final String SP_ID = "300300";
  static final String PASSWORD = "broker-secret";
  static final String TIMESTAMP = "20260116083005";
  static final Map<String, String> SETTINGS = Map.of(
      "username", SP_ID,
      "password", PASSWORD,
      "allowedSources", "41.217.203.0/24, 196.41.60.4");

  final VodacomTzTelcoAdapter adapter = new VodacomTzTelcoAdapter();

  static VodacomTzSimulator.Payment payment() {
    return VodacomTzSimulator.Payment.payBill(
        "173388288_664400", "123456", "SN-0001", "5000.00", "255754123456", PAID);
  }

  static String xml(VodacomTzSimulator.Payment p) {
    return new String(
        VodacomTzSimulator.body(
            p, SP_ID, VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, TIMESTAMP), TIMESTAMP),
        StandardCharsets.UTF_8);
  }

  static TelcoRequest request(String operation, String body, String contentType, String remote) {
    Map<String, String> headers =
        contentType == null ? Map.of() : Map.of("content-type", contentType);
    return new TelcoRequest(
        operation, headers, body.getBytes(StandardCharsets.UTF_8), remote, RECEIVED);
  }

  TelcoCall decode(String operation, String body) {
    return adapter.decode(request(operation, body, "text/xml", BROKER_IP), "TZS", SETTINGS);
  }

  TelcoCall decode(String operation, String body, Map<String, String> settings) {
    return adapter.decode(request(operation, body, "text/xml", BROKER_IP), "TZS", settings);
  }

  static TelcoCall.Rejected rejected(TelcoCall call, Refusal refusal) {
    TelcoCall.Rejected r = assertInstanceOf(TelcoCall.Rejected.class, call);
    assertEquals(refusal, r.refusal(), r.detail());
    return r;
  }

  /** Rejected on both endpoints, and the answer is the broker's refusal. */
  /** An authentic request whose amount cannot be read: kept without an amount on every URL. */
  void keptWithoutAnAmountEverywhere(String body) {
    for (String op : List.of("c2b", "validation", "confirmation")) {
      TelcoCall.Unbookable u = assertInstanceOf(TelcoCall.Unbookable.class, decode(op, body));
      assertTrue(u.amountUnreadable(), u.detail());
      assertTrue(u.authenticated(), u.detail());
      assertEquals(Refusal.INVALID_AMOUNT, u.refusal(), u.detail());
    }
  }

  void refusedEverywhere(String body, Refusal refusal) {
    // one URL (c2b) and its two aliases: every one a moved-money request
    for (String op : List.of("c2b", "validation", "confirmation")) {
      TelcoCall.Rejected r = rejected(decode(op, body), refusal);
      assertTrue(r.processCall());
      assertRefusalAnswer(adapter.refusal(r.refusal(), r.detail(), r.processCall()), refusal);
    }
  }

  static void assertRefusalAnswer(TelcoResponse answer, Refusal refusal) {
    String body = body(answer);
    assertTrue(body.contains("<responseCode>999</responseCode>"), body);
    assertTrue(body.contains("<serviceStatus>Failed</serviceStatus>"), body);
    assertTrue(
        body.contains(
            "<responseDesc>" + VodacomTzTelcoAdapter.description(refusal) + "</responseDesc>"),
        body);
  }

  static String body(TelcoResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String replace(String xml, String element, String value) {
    return xml.replaceFirst(
        "<" + element + ">[^<]*</" + element + ">",
        "<" + element + ">" + value + "</" + element + ">");
  }

  static String without(String xml, String element) {
    return xml.replaceFirst("\\s*<" + element + ">[^<]*</" + element + ">", "");
  }

  // ---------------------------------------------------------------- the happy path

  @Test
  void everyPathDecodesToACommandIdempotentOnTheTransactionId() {
    // the broker posts one request to one URL; the two old paths are aliases of it
    for (String op : List.of("c2b", "validation", "confirmation")) {
      var p = assertInstanceOf(TelcoCall.Process.class, decode(op, xml(payment())));
      assertEquals(
          new PaymentCommand(
              "173388288_664400", "SN-0001", Money.of(500_000, "TZS"), "255754123456", PAID),
          p.command());
    }
  }

  @Test
  void providerOperationsAndName() {
    assertEquals("vodacom-tz", adapter.provider());
    for (String op : List.of("c2b", "validation", "confirmation")) {
      assertTrue(adapter.isProcessOperation(op));
      assertTrue(adapter.confirmsMovedMoney(op), "the broker posts after the customer paid");
    }
    assertFalse(adapter.isProcessOperation("process"));
    assertFalse(adapter.confirmsMovedMoney("process"));
  }

  @Test
  void wholeShillingsAndCentsAreExact() {
    var v =
        assertInstanceOf(TelcoCall.Process.class, decode("c2b", xml(payment().withAmount("5000"))));
    assertEquals(Money.of(500_000, "TZS"), v.command().amount());
    v = assertInstanceOf(
        TelcoCall.Process.class, decode("c2b", xml(payment().withAmount(" 1234.5 "))));
    assertEquals(Money.of(123_450, "TZS"), v.command().amount());
    v = assertInstanceOf(
        TelcoCall.Process.class, decode("c2b", xml(payment().withAmount("18000.0"))));
    assertEquals(Money.of(1_800_000, "TZS"), v.command().amount());
  }

  @Test
  void theTransactionDateIsReadInDarEsSalaamTimeInBothFormats() {
    String compact = replace(xml(payment()), "transactionDate", "20260116083000");
    assertEquals(
        PAID, ((TelcoCall.Process) decode("confirmation", compact)).command().paidAt());
    String absent = without(xml(payment()), "transactionDate");
    assertEquals(
        RECEIVED, ((TelcoCall.Process) decode("confirmation", absent)).command().paidAt());
    for (String bad :
        List.of("2026-02-30 08:30:00", "2026-01-16T08:30:00", "16/01/2026", "2026011608300")) {
      rejected(
          decode("confirmation", replace(xml(payment()), "transactionDate", bad)),
          Refusal.MALFORMED_REQUEST);
    }
  }

  @Test
  void theTimeZoneOfTimestampsIsASetting() {
    Map<String, String> utc = new HashMap<>(SETTINGS);
    utc.put(VodacomTzTelcoAdapter.SETTING_TIMESTAMP_ZONE, "UTC");
    // 08:30:05 read as UTC is three hours after the receipt: outside the window
    rejected(decode("c2b", xml(payment()), utc), Refusal.UNAUTHENTICATED);
    String utcStamp = "20260116053005";
    String body = replace(
        replace(xml(payment()), "timestamp", utcStamp),
        "spPassword",
        VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, utcStamp));
    assertEquals(
        Instant.parse("2026-01-16T08:30:00Z"),
        assertInstanceOf(TelcoCall.Process.class, decode("c2b", body, utc))
            .command()
            .paidAt());
    utc.put(VodacomTzTelcoAdapter.SETTING_TIMESTAMP_ZONE, "Mars/Olympus");
    rejected(decode("c2b", body, utc), Refusal.UNAUTHENTICATED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://inforwise.co.tz/broker/", "http://infowise.co.tz/broker/", ""})
  void theThreeNamespacesOfProductionTrafficAreReadAndAnsweredInKind(String ns) {
    String body = xml(payment())
        .replace(
            " xmlns=\"" + VodacomTzTelcoAdapter.NAMESPACE + "\"",
            ns.isEmpty() ? "" : " xmlns=\"" + ns + "\"");
    var p = assertInstanceOf(TelcoCall.Process.class, decode("c2b", body));
    assertEquals(ns, p.echo().get(VodacomTzTelcoAdapter.ECHO_NAMESPACE));
    String answer = body(adapter.processAnswer(
        new PaymentReceipt("tx-1", "PROCESSED", List.of(), null, null), p.echo()));
    assertTrue(
        answer.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><mpesaBroker"
            + (ns.isEmpty() ? "" : " xmlns=\"" + ns + "\"") + " version=\"2.0\"><response>"),
        answer);
  }

  @Test
  void aDocumentWithoutTheNamespaceCdataAndCommentsIsRead() {
    String plain = xml(payment())
        .replace(" xmlns=\"" + VodacomTzTelcoAdapter.NAMESPACE + "\"", "")
        .replace(
            "<accountReference>SN-0001</accountReference>",
            "<accountReference><!-- the serial --><![CDATA[SN-0001]]></accountReference>");
    var v = assertInstanceOf(TelcoCall.Process.class, decode("c2b", plain));
    assertEquals("SN-0001", v.command().serial());
    // unknown elements are ignored
    String extra = xml(payment()).replace("<transaction>", "<transaction><channel>USSD</channel>");
    assertInstanceOf(TelcoCall.Process.class, decode("c2b", extra));
  }

  @Test
  void theResultUrlAndTheIdsTheResultLegNeedsAreCarriedInEcho() {
    String body = xml(payment())
        .replace(
            "</transaction>", "</transaction><resultURL>https://broker.example/result</resultURL>");
    var p = assertInstanceOf(TelcoCall.Process.class, decode("c2b", body));
    assertEquals(
        "https://broker.example/result", p.echo().get(VodacomTzTelcoAdapter.ECHO_RESULT_URL));
    assertEquals("R173388288664400", p.echo().get(VodacomTzTelcoAdapter.ECHO_RECEIPT));
    assertEquals("255754123456", p.echo().get(VodacomTzTelcoAdapter.ECHO_INITIATOR));
  }

  @Test
  void aMissingOrUnprintableInitiatorIsDroppedNotRefused() {
    assertNull(((TelcoCall.Process) decode("c2b", without(xml(payment()), "initiator")))
        .command()
        .msisdn());
    assertNull(((TelcoCall.Process)
            decode("c2b", replace(xml(payment()), "initiator", "2".repeat(65))))
        .command()
        .msisdn());
    assertNull(
        ((TelcoCall.Process) decode("c2b", replace(xml(payment()), "initiator", "2557&#x9;54")))
            .command()
            .msisdn());
  }

  // ---------------------------------------------------------------- authentication

  @Test
  void theSpPasswordFormIsASettingAndTheDefaultIsTheRawDigest() {
    String digest = VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, TIMESTAMP);
    byte[] raw = Base64.getDecoder().decode(digest);
    String lower = Base64.getEncoder()
        .encodeToString(HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII));
    String upper = Base64.getEncoder()
        .encodeToString(
            HexFormat.of().withUpperCase().formatHex(raw).getBytes(StandardCharsets.US_ASCII));
    Map<String, String> forms =
        Map.of("base64-sha256", digest, "base64-hex-lower", lower, "base64-hex-upper", upper);
    for (var setting : forms.entrySet()) {
      Map<String, String> settings = new HashMap<>(SETTINGS);
      settings.put(VodacomTzTelcoAdapter.SETTING_PASSWORD_DIGEST, setting.getKey());
      for (var sent : forms.entrySet()) {
        TelcoCall call =
            decode("c2b", replace(xml(payment()), "spPassword", sent.getValue()), settings);
        if (sent.getKey().equals(setting.getKey())) {
          assertInstanceOf(TelcoCall.Process.class, call);
        } else {
          // a genuine payment refused by a wrong guess of the form: kept, flagged, never booked as
          // is
          var u = assertInstanceOf(TelcoCall.Unbookable.class, call, setting + " / " + sent);
          assertFalse(u.authenticated());
          assertEquals(Refusal.UNAUTHENTICATED, u.refusal());
          assertEquals("SN-0001", u.command().serial());
        }
      }
    }
    assertInstanceOf(
        TelcoCall.Process.class, decode("c2b", xml(payment())), "default: the raw digest");
    // the password itself is no longer taken as spPassword
    assertInstanceOf(
        TelcoCall.Unbookable.class, decode("c2b", replace(xml(payment()), "spPassword", PASSWORD)));
    Map<String, String> unchecked = new HashMap<>(SETTINGS);
    unchecked.put(VodacomTzTelcoAdapter.SETTING_PASSWORD_DIGEST, "none");
    unchecked.remove("password");
    assertInstanceOf(
        TelcoCall.Process.class,
        decode("c2b", replace(xml(payment()), "spPassword", "anything"), unchecked));
    Map<String, String> unknown = new HashMap<>(SETTINGS);
    unknown.put(VodacomTzTelcoAdapter.SETTING_PASSWORD_DIGEST, "md5");
    rejected(decode("c2b", xml(payment()), unknown), Refusal.UNAUTHENTICATED);
  }

  @Test
  void aWrongSpIdOrTimestampOrAMissingServiceProviderIsRefused401() {
    String good = xml(payment());
    List<String> bad = List.of(
        replace(good, "spId", "300301"),
        replace(good, "timestamp", "20260116073006"),
        without(good, "spId"),
        without(good, "timestamp"),
        good.replaceFirst("(?s)<serviceProvider>.*</serviceProvider>", ""));
    for (String body : bad) {
      TelcoCall.Rejected r = rejected(decode("confirmation", body), Refusal.UNAUTHENTICATED);
      TelcoResponse answer = adapter.refusal(r.refusal(), r.detail(), true);
      assertEquals(401, answer.status());
      assertRefusalAnswer(answer, Refusal.UNAUTHENTICATED);
    }
  }

  @Test
  void aWrongSpPasswordFromAnAllowedSourceIsKeptFlaggedAndAnsweredWithTheRefusal() {
    String good = xml(payment());
    List<String> bad = List.of(
        replace(good, "spPassword", "wrong"),
        replace(
            good,
            "spPassword",
            VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, "20260116083006")),
        replace(
            good,
            "spPassword",
            VodacomTzTelcoAdapter.spPassword(SP_ID, "broker-secreT", TIMESTAMP)),
        replace(good, "spPassword", ""),
        without(good, "spPassword"));
    for (String body : bad) {
      var u = assertInstanceOf(TelcoCall.Unbookable.class, decode("c2b", body));
      assertFalse(u.authenticated());
      assertEquals(Refusal.UNAUTHENTICATED, u.refusal());
      TelcoResponse answer = adapter.refusal(u.refusal(), u.detail(), true, u.echo());
      assertEquals(401, answer.status());
      assertRefusalAnswer(answer, Refusal.UNAUTHENTICATED);
    }
  }

  @Test
  void withoutCredentialsOrAllowListConfiguredEverythingIsRefused() {
    for (String key : List.of("username", "password", "allowedSources")) {
      Map<String, String> settings = new HashMap<>(SETTINGS);
      settings.remove(key);
      rejected(decode("c2b", xml(payment()), settings), Refusal.UNAUTHENTICATED);
      settings.put(key, "");
      rejected(decode("confirmation", xml(payment()), settings), Refusal.UNAUTHENTICATED);
    }
    rejected(
        adapter.decode(request("c2b", xml(payment()), "text/xml", BROKER_IP), "TZS", null),
        Refusal.UNAUTHENTICATED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "41.217.204.1", "196.41.60.5", "::1", "garbage", ""})
  void anotherSourceWithTheRightPasswordIsKeptFlaggedAndWithoutItRefused(String remote) {
    var u = assertInstanceOf(
        TelcoCall.Unbookable.class,
        adapter.decode(request("c2b", xml(payment()), "text/xml", remote), "TZS", SETTINGS));
    assertFalse(u.authenticated());
    rejected(
        adapter.decode(
            request("c2b", replace(xml(payment()), "spPassword", "wrong"), "text/xml", remote),
            "TZS",
            SETTINGS),
        Refusal.UNAUTHENTICATED);
    rejected(
        adapter.decode(
            request("confirmation", "<not xml", "application/json", remote), "TZS", SETTINGS),
        Refusal.MALFORMED_REQUEST);
  }

  @Test
  void anEmptyAccountReferenceIsKeptAuthenticatedWithWhatThePayerTyped() {
    for (String reference : List.of("", "SN 0001", "SN/0001")) {
      var u = assertInstanceOf(
          TelcoCall.Unbookable.class,
          decode("c2b", replace(xml(payment()), "accountReference", reference)));
      assertTrue(u.authenticated());
      assertEquals(Refusal.DEVICE_NOT_FOUND, u.refusal());
      assertEquals(reference, u.command().serial());
      assertEquals(Money.of(500_000, "TZS"), u.command().amount());
    }
  }

  @Test
  void theKeptBodyNeverContainsTheSpPassword() {
    String digest = VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, TIMESTAMP);
    String kept = adapter.redactedBody(xml(payment()).getBytes(StandardCharsets.UTF_8));
    assertFalse(kept.contains(digest), kept);
    assertTrue(kept.contains("<spPassword>[redacted]</spPassword>"), kept);
    assertTrue(kept.contains("<accountReference>SN-0001</accountReference>"), kept);
    String prefixed = "<b:mpesaBroker xmlns:b=\"" + VodacomTzTelcoAdapter.NAMESPACE
        + "\"><b:spPassword a=\"1\">" + digest + "</b:spPassword></b:mpesaBroker>";
    assertFalse(adapter.redactedBody(prefixed.getBytes(StandardCharsets.UTF_8)).contains(digest));
  }

  @Test
  void aKeptPaymentIsAcknowledgedAsReceived() {
    var u = assertInstanceOf(
        TelcoCall.Unbookable.class, decode("c2b", replace(xml(payment()), "accountReference", "")));
    String answer = body(adapter.keptAnswer(u.refusal(), u.detail(), u.echo()));
    assertTrue(
        answer.contains(
            "<responseCode>0</responseCode><responseDesc>Received</responseDesc>"
                + "<serviceStatus>Success</serviceStatus><transactionID>173388288_664400</transactionID>"),
        answer);
  }

  @Test
  void aRecipientOutsideTheConfiguredBusinessNumbersIsRefused() {
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.put("businessNumber", "654321, 123456");
    assertInstanceOf(TelcoCall.Process.class, decode("c2b", xml(payment()), settings));
    settings.put("businessNumber", "654321");
    TelcoCall.Rejected r =
        rejected(decode("c2b", xml(payment()), settings), Refusal.UNAUTHENTICATED);
    assertEquals(VodacomTzTelcoAdapter.WRONG_BUSINESS_NUMBER, r.detail());
    rejected(
        decode("c2b", without(xml(payment()), "recipient"), settings), Refusal.UNAUTHENTICATED);
  }

  // ---------------------------------------------------------------- hostile XML

  static final String BILLION_LAUGHS = """
      <?xml version="1.0"?>
      <!DOCTYPE lolz [
        <!ENTITY lol "lol">
        <!ELEMENT lolz (#PCDATA)>
        <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
        <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
        <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
      ]>
      <lolz>&lol9;</lolz>
      """;

  @Test
  void aBillionLaughsDocumentIsRefusedAtOnce() {
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      refusedEverywhere(BILLION_LAUGHS, Refusal.MALFORMED_REQUEST);
      // the same bomb inside a well-formed broker request
      String inRequest = BILLION_LAUGHS
              .substring(0, BILLION_LAUGHS.indexOf("<lolz>"))
              .replace("<!DOCTYPE lolz", "<!DOCTYPE mpesaBroker")
          + xml(payment())
              .substring(xml(payment()).indexOf("<mpesaBroker"))
              .replace("SN-0001", "&lol9;");
      refusedEverywhere(inRequest, Refusal.MALFORMED_REQUEST);
    });
  }

  @Test
  void quadraticBlowupWithoutDoctypeCannotBeWritten() {
    // without a DOCTYPE an entity reference is undefined: the parse fails instead of expanding
    refusedEverywhere(
        replace(xml(payment()), "accountReference", "&a;".repeat(1000)), Refusal.MALFORMED_REQUEST);
  }

  @Test
  void anXxeDocumentReadsNothing() throws Exception {
    String passwd = Files.exists(Path.of("/etc/passwd"))
        ? Files.readString(Path.of("/etc/passwd"))
        : "root:x:0:0";
    String firstLine = passwd.lines().findFirst().orElse("root:x:0:0");
    String generalEntity = "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE mpesaBroker [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        + xml(payment())
            .substring(xml(payment()).indexOf("<mpesaBroker"))
            .replace(">SN-0001<", ">&xxe;<");
    String parameterEntity = "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE mpesaBroker [<!ENTITY % ext SYSTEM \"file:///etc/passwd\"> %ext;]>\n"
        + xml(payment()).substring(xml(payment()).indexOf("<mpesaBroker"));
    String externalDtd = "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE mpesaBroker SYSTEM \"file:///etc/passwd\">\n"
        + xml(payment()).substring(xml(payment()).indexOf("<mpesaBroker"));
    String xinclude = xml(payment())
        .replace("<mpesaBroker ", "<mpesaBroker xmlns:xi=\"http://www.w3.org/2001/XInclude\" ")
        .replace(">SN-0001<", "><xi:include href=\"file:///etc/passwd\" parse=\"text\"/><");
    for (String attack : List.of(generalEntity, parameterEntity, externalDtd, xinclude)) {
      for (String op : List.of("c2b", "confirmation")) {
        TelcoCall.Rejected r = rejected(decode(op, attack), Refusal.MALFORMED_REQUEST);
        assertFalse(r.detail().contains(firstLine), r.detail());
        assertFalse(r.detail().contains("root:"), r.detail());
        TelcoResponse answer = adapter.refusal(r.refusal(), r.detail(), r.processCall());
        assertRefusalAnswer(answer, Refusal.MALFORMED_REQUEST);
        assertFalse(body(answer).contains(firstLine), body(answer));
        assertFalse(body(answer).contains("root:"), body(answer));
      }
    }
  }

  @Test
  void anyDoctypeIsRefusedEvenAHarmlessOne() {
    String harmless = "<?xml version=\"1.0\"?>\n<!DOCTYPE mpesaBroker>\n"
        + xml(payment()).substring(xml(payment()).indexOf("<mpesaBroker"));
    refusedEverywhere(harmless, Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "not xml",
        "<",
        "<mpesaBroker>",
        "<mpesaBroker></mpesaBrokr>",
        "{\"amount\":\"5000\"}",
        "<?xml version=\"1.0\"?>",
        "<a/><b/>",
        "<mpesaBroker/>",
        "<mpesaBroker><other/></mpesaBroker>",
        "<other xmlns=\"http://infowise.co.tz/broker/\"><request/></other>",
        "<mpesaBroker xmlns=\"http://inforwise.co.tz/brokers/\"><request/></mpesaBroker>",
        "<mpesaBroker xmlns=\"urn:evil\"><request/></mpesaBroker>",
        "<mpesaBroker>&amp</mpesaBroker>",
        "\u0000\u0001\u0002"
      })
  void unreadableDocumentsAreMalformed(String body) {
    refusedEverywhere(body, Refusal.MALFORMED_REQUEST);
  }

  @Test
  void elementsWhereTextBelongsAndRepeatedFieldsAreMalformed() {
    String good = xml(payment());
    refusedEverywhere(
        good.replace("<amount>5000.00</amount>", "<amount><value>5000.00</value></amount>"),
        Refusal.MALFORMED_REQUEST);
    refusedEverywhere(
        good.replace("<amount>5000.00</amount>", "<amount>1.00</amount><amount>5000.00</amount>"),
        Refusal.MALFORMED_REQUEST);
    refusedEverywhere(
        good.replace("<request>", "<request><transaction/>"), Refusal.MALFORMED_REQUEST);
    refusedEverywhere(good.replace("<spId>", "<spId>1</spId><spId>"), Refusal.MALFORMED_REQUEST);
    refusedEverywhere(
        good.replaceFirst("(?s)<transaction>.*</transaction>", ""), Refusal.MALFORMED_REQUEST);
  }

  @Test
  void anOversizeBodyIsMalformedUnread() {
    String padded = xml(payment())
        .replace("<transaction>", "<transaction><pad>" + "x".repeat(40_000) + "</pad>");
    refusedEverywhere(padded, Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "text/plain",
        "text/html",
        "application/x-www-form-urlencoded",
        "xml",
        "text/xml-ish",
        ""
      })
  void otherContentTypesAreMalformed(String contentType) {
    rejected(
        adapter.decode(
            request("validation", xml(payment()), contentType, BROKER_IP), "TZS", SETTINGS),
        Refusal.MALFORMED_REQUEST);
    rejected(
        adapter.decode(
            request("confirmation", xml(payment()), contentType, BROKER_IP), "TZS", SETTINGS),
        Refusal.MALFORMED_REQUEST);
  }

  @Test
  void aMissingContentTypeIsMalformedAndXmlTypesWithParametersPass() {
    rejected(
        adapter.decode(request("validation", xml(payment()), null, BROKER_IP), "TZS", SETTINGS),
        Refusal.MALFORMED_REQUEST);
    for (String type : List.of(
        "text/xml",
        "text/xml; charset=UTF-8",
        "application/xml",
        "Application/XML;charset=utf-8")) {
      assertInstanceOf(
          TelcoCall.Process.class,
          adapter.decode(request("validation", xml(payment()), type, BROKER_IP), "TZS", SETTINGS));
    }
  }

  @Test
  void unknownOperationsAreMalformed() {
    rejected(decode("process", xml(payment())), Refusal.MALFORMED_REQUEST);
    rejected(
        adapter.decode(request(null, xml(payment()), "text/xml", BROKER_IP), "TZS", SETTINGS),
        Refusal.MALFORMED_REQUEST);
    rejected(adapter.decode(null, "TZS", SETTINGS), Refusal.MALFORMED_REQUEST);
  }

  // ---------------------------------------------------------------- fields

  @Test
  void missingFieldsAreRefused() {
    // the broker says the money moved: kept without an amount, cancelled in the result leg
    keptWithoutAnAmountEverywhere(without(xml(payment()), "amount"));
    // the money moved: a payment without an account reference is kept (see
    // anEmptyAccountReference...)
    assertInstanceOf(
        TelcoCall.Unbookable.class, decode("c2b", without(xml(payment()), "accountReference")));
    // every path needs the transaction id, the idempotency key (there is no separate validation
    // call)
    refusedEverywhere(without(xml(payment()), "transactionID"), Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "RK TQ",
        "a/b",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      })
  void unusableTransactionIdsAreMalformed(String id) {
    rejected(
        decode("confirmation", replace(xml(payment()), "transactionID", id)),
        Refusal.MALFORMED_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1",
        "-5000.00",
        "0",
        "0.00",
        "abc",
        "",
        "+5000",
        "1.001",
        "5000.000",
        "1e3",
        "1,000",
        "NaN",
        "Infinity",
        "0x10",
        ".5",
        "5.",
        "99999999999999999999",
        "100000000000.01",
        "5 000",
        "١٠٠"
      })
  void badAmountsAreInvalidAmount(String amount) {
    keptWithoutAnAmountEverywhere(replace(xml(payment()), "amount", amount));
  }

  @Test
  void aCompanyOutsideTanzaniaOrAnotherCurrencyIsWrongCurrency() {
    for (String currency : List.of("KES", "UGX", "XOF")) {
      rejected(
          adapter.decode(
              request("validation", xml(payment()), "text/xml", BROKER_IP), currency, SETTINGS),
          Refusal.WRONG_CURRENCY);
      assertTrue(rejected(
              adapter.decode(
                  request("confirmation", xml(payment()), "text/xml", BROKER_IP),
                  currency,
                  SETTINGS),
              Refusal.WRONG_CURRENCY)
          .processCall());
    }
    String kes = xml(payment()).replace("<transaction>", "<transaction><currency>KES</currency>");
    refusedEverywhere(kes, Refusal.WRONG_CURRENCY);
    String tzs = xml(payment()).replace("<transaction>", "<transaction><currency>tzs</currency>");
    assertInstanceOf(TelcoCall.Process.class, decode("validation", tzs));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "   ", "SN 0001", "SN/0001", "SN-0001;DROP", "&lt;script&gt;", "SN\u00e9"})
  void unusableAccountReferencesAreKeptAsDeviceNotFound(String reference) {
    for (String op : List.of("c2b", "validation", "confirmation")) {
      var u = assertInstanceOf(
          TelcoCall.Unbookable.class,
          decode(op, replace(xml(payment()), "accountReference", reference)));
      assertEquals(Refusal.DEVICE_NOT_FOUND, u.refusal());
      assertTrue(u.authenticated());
    }
  }

  @Test
  void anUnknownSerialIsAnsweredWithTheBrokersRefusal() {
    // the adapter cannot know the serial: the gateway's validation refuses it, on either endpoint
    TelcoResponse answer =
        adapter.validationAnswer(ValidationOutcome.refused(Refusal.DEVICE_NOT_FOUND));
    assertEquals(200, answer.status());
    assertEquals(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mpesaBroker xmlns=\"http://inforwise.co.tz/broker/\" "
            + "version=\"2.0\"><response><responseCode>999</responseCode><responseDesc>Invalid account reference"
            + "</responseDesc><serviceStatus>Failed</serviceStatus></response></mpesaBroker>",
        body(answer));
    assertRefusalAnswer(
        adapter.refusal(Refusal.DEVICE_NOT_FOUND, "no device SN-9", true),
        Refusal.DEVICE_NOT_FOUND);
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(7);
    byte[] valid = xml(payment()).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 3_000; i++) {
      byte[] body;
      if (i % 2 == 0) {
        body = new byte[random.nextInt(400)];
        random.nextBytes(body);
      } else {
        body = valid.clone();
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          body[random.nextInt(body.length)] = (byte) (32 + random.nextInt(95));
        }
      }
      String op = i % 3 == 0 ? "validation" : "confirmation";
      TelcoCall call = adapter.decode(
          new TelcoRequest(op, Map.of("content-type", "text/xml"), body, BROKER_IP, RECEIVED),
          "TZS",
          SETTINGS);
      assertNotNull(call);
      if (call instanceof TelcoCall.Rejected r) {
        assertNotNull(adapter.refusal(r.refusal(), r.detail(), r.processCall()));
      }
    }
  }

  @Test
  void decodingIsSafeFromManyThreadsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          if (n % 4 == 0) {
            return decode("validation", BILLION_LAUGHS) instanceof TelcoCall.Rejected;
          }
          String serial = "SN-" + n;
          var call = decode("confirmation", xml(payment().withAccountReference(serial)));
          return call instanceof TelcoCall.Process p && p.command().serial().equals(serial);
        }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- answers

  @Test
  void anAcceptedValidationIsResponseCodeZero() {
    TelcoResponse r =
        adapter.validationAnswer(ValidationOutcome.accepted("Amina", DeviceType.METER, 100));
    assertEquals(200, r.status());
    assertEquals("application/xml", r.contentType());
    assertEquals(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mpesaBroker xmlns=\"http://inforwise.co.tz/broker/\" "
            + "version=\"2.0\"><response><responseCode>0</responseCode><responseDesc>Accepted</responseDesc>"
            + "<serviceStatus>Success</serviceStatus></response></mpesaBroker>",
        body(r));
  }

  @Test
  void aRecordedOrReplayedConfirmationIsReceivedWithOurTransactionId() {
    TelcoResponse r =
        adapter.processAnswer(new PaymentReceipt("tx-1<&>", "PROCESSED", List.of(), null, null));
    assertEquals(200, r.status());
    assertEquals(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mpesaBroker xmlns=\"http://inforwise.co.tz/broker/\" "
            + "version=\"2.0\"><response><serviceID>tx-1&lt;&amp;&gt;</serviceID><responseCode>0</responseCode>"
            + "<responseDesc>Received</responseDesc><serviceStatus>Success</serviceStatus></response></mpesaBroker>",
        body(r));
  }

  @ParameterizedTest
  @EnumSource(Refusal.class)
  void everyRefusalIsTheBrokersFailureAnswerAndParsesAsXml(Refusal refusal) {
    for (boolean processCall : new boolean[] {false, true}) {
      TelcoResponse r =
          adapter.refusal(refusal, "<detail> with file content root:x:0:0", processCall);
      int expected = refusal == Refusal.UNAUTHENTICATED
          ? 401
          : refusal == Refusal.PROVIDER_NOT_ENABLED ? 403 : 200;
      assertEquals(expected, r.status());
      assertRefusalAnswer(r, refusal);
      assertFalse(body(r).contains("root:"));
      // our own answers pass our own parser
      var document = SafeXml.parse(r.body());
      assertEquals("mpesaBroker", document.getDocumentElement().getLocalName());
    }
  }

  // ---------------------------------------------------------------- freshness and echo

  @Test
  void aTimestampOutsideTheWindowIsRefusedAsAReplay() {
    // received 05:30:07Z; the window is 300 s by default, either way
    for (String stale : List.of("20260116082500", "20260116083508", "")) {
      String body = replace(
          replace(xml(payment()), "timestamp", stale),
          "spPassword",
          VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, stale));
      rejected(decode("confirmation", body), Refusal.UNAUTHENTICATED);
    }
    String edge = "20260116082508"; // 299 s before receipt
    String body = replace(
        replace(xml(payment()), "timestamp", edge),
        "spPassword",
        VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, edge));
    assertInstanceOf(TelcoCall.Process.class, decode("confirmation", body));
    Map<String, String> wide = new HashMap<>(SETTINGS);
    wide.put(VodacomTzTelcoAdapter.SETTING_TIMESTAMP_WINDOW, "3600");
    String hourOld = "20260116073500";
    assertInstanceOf(
        TelcoCall.Process.class,
        decode(
            "confirmation",
            replace(
                replace(xml(payment()), "timestamp", hourOld),
                "spPassword",
                VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, hourOld)),
            wide));
  }

  @Test
  void everyAnswerEchoesTheBrokersIdsExactly() {
    String body = replace(xml(payment()), "conversationID", "AG_2026&lt;x&gt;");
    TelcoCall.Process p = assertInstanceOf(TelcoCall.Process.class, decode("confirmation", body));
    assertEquals("AG_2026<x>", p.echo().get("conversationID"));
    String ok = body(adapter.processAnswer(null, p.echo()));
    assertTrue(
        ok.contains(
            "<conversationID>AG_2026&lt;x&gt;</conversationID><originatorConversationID>oc-173388288_664400"
                + "</originatorConversationID><responseCode>0</responseCode>"),
        ok);
    assertTrue(
        ok.endsWith("<transactionID>173388288_664400</transactionID></response></mpesaBroker>"),
        ok);
    String kes = body.replace("<transaction>", "<transaction><currency>KES</currency>");
    TelcoCall.Rejected r = rejected(decode("confirmation", kes), Refusal.WRONG_CURRENCY);
    String refused = body(adapter.refusal(r.refusal(), r.detail(), true, r.echo()));
    assertTrue(refused.contains("<conversationID>AG_2026&lt;x&gt;</conversationID>"), refused);
    assertTrue(refused.contains("<transactionID>173388288_664400</transactionID>"), refused);
  }
}
