package io.payg.telco.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.airtel.AirtelTelcoAdapter;
import io.payg.telco.generic.GenericTelcoAdapter;
import io.payg.telco.mtn.MtnMomoTelcoAdapter;
import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.payg.telco.wave.WaveTelcoAdapter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * Every telco adapter's decode against hostile bodies (see {@link HostileBodies}): it never
 * throws, a rejected call always maps to the provider's own error answer (never a 5xx, always a
 * readable document, never an echo of a local file), and whatever it accepts satisfies the
 * canonical command's rules (a serial, a positive bounded amount in the company's currency, a
 * transaction id, a UUID reference). 1,700 bodies per adapter, 10,200 in all.
 */
class TelcoAdapterFuzzTest {

  static final Instant RECEIVED = Instant.parse("2026-01-16T05:30:07Z");
  static final int TRIES = 1700;
  static final FuzzTarget GENERIC = FuzzTarget.generic();
  static final FuzzTarget SAFARICOM = FuzzTarget.safaricom();
  static final FuzzTarget WAVE = FuzzTarget.wave();
  static final FuzzTarget MTN = FuzzTarget.mtn();
  static final FuzzTarget AIRTEL = FuzzTarget.airtel();
  static final FuzzTarget VODACOM_TZ = FuzzTarget.vodacomTz();
  static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Pattern TXN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  static final Pattern UUID_LOWER =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void generic(@ForAll("genericBodies") byte[] body, @ForAll("anyOperation") int op) {
    check(new GenericTelcoAdapter(), GENERIC, body, op, Set.of(200, 400, 401, 403, 404, 409, 422));
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void safaricom(@ForAll("safaricomBodies") byte[] body, @ForAll("anyOperation") int op) {
    check(new SafaricomTelcoAdapter(), SAFARICOM, body, op, Set.of(200, 403));
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void wave(@ForAll("waveBodies") byte[] body) {
    check(new WaveTelcoAdapter(), WAVE, body, 0, Set.of(200, 400, 401, 403));
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void mtnCallback(@ForAll("mtnBodies") byte[] body) {
    check(new MtnMomoTelcoAdapter(), MTN, body, 0, Set.of(200, 400, 401, 403));
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void airtelCallback(@ForAll("airtelBodies") byte[] body, @ForAll boolean withCallbackSecret) {
    FuzzTarget target = AIRTEL;
    Map<String, String> settings =
        withCallbackSecret ? Map.of("callbackSecret", "airtel-private-key") : Map.of();
    check(new AirtelTelcoAdapter(), target, settings, body, 0, Set.of(200, 400, 401, 403));
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void vodacomTzXml(@ForAll("vodacomTzBodies") byte[] body, @ForAll("anyOperation") int op) {
    check(new VodacomTzTelcoAdapter(), VODACOM_TZ, body, op, Set.of(200, 401, 403));
  }

  /** Regression (found by this fuzzer): MoMo's financialTransactionId 1e400 parsed as Infinity threw. */
  @Example
  void mtnHugeFinancialTransactionIdIsNotAnId() {
    String body = "{\"externalId\":\"" + FuzzTarget.REFERENCE + "\",\"status\":\"SUCCESSFUL\","
        + "\"financialTransactionId\":1e400}";
    TelcoCall call = new MtnMomoTelcoAdapter()
        .decode(request(MTN, "callback", body.getBytes(StandardCharsets.UTF_8)), "UGX", Map.of());
    TelcoCall.CollectionUpdate update = (TelcoCall.CollectionUpdate) call;
    assertEquals(CollectionStatus.State.SUCCEEDED, update.status().state());
    assertEquals(null, update.status().providerTxnId());
  }

  /** Every XXE form is refused without the target file's content coming back. */
  @Example
  void externalEntitiesAreNeverResolved() {
    FuzzTarget target = VODACOM_TZ;
    VodacomTzTelcoAdapter adapter = new VodacomTzTelcoAdapter();
    String valid = FuzzTarget.brokerXml(
        Map.of(
            "spId",
            "300300",
            "spPassword",
            VodacomTzTelcoAdapter.spPassword("300300", "broker-secret", "20260116083005"),
            "timestamp",
            "20260116083005",
            "amount",
            "5000.00",
            "recipient",
            "123456",
            "accountReference",
            FuzzTarget.SERIAL,
            "transactionID",
            "173388288_664400"),
        Map.of());
    // one request per payment (validation is an alias of the single URL): a process command
    assertTrue(
        adapter.decode(
                request(target, "validation", valid.getBytes(StandardCharsets.UTF_8)),
                "TZS",
                target.settings())
            instanceof TelcoCall.Process,
        "the unattacked document is accepted");
    for (String attack : HostileBodies.xmlAttacks(valid)) {
      TelcoCall call = adapter.decode(
          request(target, "validation", attack.getBytes(StandardCharsets.UTF_8)),
          "TZS",
          target.settings());
      assertFalse(call.toString().contains(HostileBodies.SECRET_FILE_MARKER), attack);
      if (attack.contains("<!DOCTYPE") || attack.contains("XInclude")) {
        assertTrue(
            call instanceof TelcoCall.Rejected,
            "refused: " + attack.substring(0, Math.min(200, attack.length())));
      }
    }
  }

  // ------------------------------------------------------------------ checks

  private static void check(
      TelcoAdapter adapter, FuzzTarget target, byte[] body, int op, Set<Integer> statuses) {
    check(adapter, target, target.settings(), body, op, statuses);
  }

  private static void check(
      TelcoAdapter adapter,
      FuzzTarget target,
      Map<String, String> settings,
      byte[] body,
      int op,
      Set<Integer> statuses) {
    String operation = target.operations().get(op % target.operations().size());
    TelcoRequest request = new TelcoRequest(
        operation,
        target.signer().headers(body, settings, RECEIVED),
        body,
        target.remoteAddress(),
        RECEIVED);
    // decode never throws: anything unreadable is a Rejected
    TelcoCall call = adapter.decode(request, target.currency(), settings);
    assertNotNull(call);
    // shows in the report how deep the bodies got: refused early, refused on a field, or accepted
    Statistics.label("outcome")
        .collect(
            call instanceof TelcoCall.Rejected r
                ? r.refusal().name()
                : call.getClass().getSimpleName());
    assertFalse(
        call.toString().contains(HostileBodies.SECRET_FILE_MARKER), "a local file was read");
    boolean xml = adapter instanceof VodacomTzTelcoAdapter;
    if (call instanceof TelcoCall.Rejected r) {
      assertNotNull(r.refusal());
      answered(adapter.refusal(r.refusal(), r.detail(), r.processCall()), statuses, xml);
    } else if (call instanceof TelcoCall.Validate v) {
      validQuery(v.query(), target.currency());
    } else if (call instanceof TelcoCall.Process p) {
      validCommand(p.command(), target.currency());
    } else if (call instanceof TelcoCall.Unbookable u) {
      // money that moved but cannot be booked as it is: the account reference is the payer's text
      assertNotNull(u.refusal());
      assertEquals(target.currency(), u.command().amount().currency());
      // an amount nobody could read is a zero, flagged: kept without an amount, never booked
      assertTrue(
          u.amountUnreadable()
              ? u.command().amount().isZero()
              : u.command().amount().isPositive(),
          u.command().amount().toString());
      assertTrue(
          TXN_ID.matcher(u.command().providerTxnId()).matches(), u.command().providerTxnId());
      assertTrue(
          u.command().serial().length() <= 200
              && u.command().serial().chars().noneMatch(Character::isISOControl),
          u.command().serial());
      answered(
          u.authenticated()
              ? adapter.keptAnswer(u.refusal(), u.detail(), u.echo())
              : adapter.refusal(u.refusal(), u.detail(), u.processCall(), u.echo()),
          statuses,
          xml);
    } else if (call instanceof TelcoCall.Reversal rev) {
      assertTrue(TXN_ID.matcher(rev.providerTxnId()).matches(), rev.providerTxnId());
      answered(adapter.reversalAnswer("r-1", null, rev.echo()), statuses, xml);
    } else {
      TelcoCall.CollectionUpdate u = (TelcoCall.CollectionUpdate) call;
      assertTrue(UUID_LOWER.matcher(u.reference()).matches(), u.reference());
      assertNotNull(u.status());
      if (u.status().providerTxnId() != null) {
        assertTrue(
            TXN_ID.matcher(u.status().providerTxnId()).matches(), u.status().providerTxnId());
      }
      answered(adapter.callbackAnswer(), statuses, xml);
    }
  }

  static void validQuery(PaymentQuery q, String currency) {
    assertTrue(SERIAL.matcher(q.serial()).matches(), q.serial());
    assertEquals(currency, q.amount().currency());
    assertTrue(
        q.amount().minor() > 0 && q.amount().minor() <= DecimalAmount.MAX_AMOUNT,
        q.amount().toString());
    if (q.msisdn() != null) {
      assertTrue(
          q.msisdn().length() <= 64 && !q.msisdn().chars().anyMatch(Character::isISOControl),
          q.msisdn());
    }
  }

  static void validCommand(PaymentCommand c, String currency) {
    validQuery(new PaymentQuery(c.serial(), c.amount(), c.msisdn()), currency);
    assertTrue(TXN_ID.matcher(c.providerTxnId()).matches(), c.providerTxnId());
    assertNotNull(c.paidAt());
  }

  /** The provider's answer: a documented status and a document the provider can read. */
  static void answered(TelcoResponse response, Set<Integer> statuses, boolean xml) {
    assertTrue(statuses.contains(response.status()), "status " + response.status());
    assertNotNull(response.contentType());
    String text = new String(response.body(), StandardCharsets.UTF_8);
    assertFalse(text.contains(HostileBodies.SECRET_FILE_MARKER));
    if (xml) {
      try {
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(response.body()));
      } catch (Exception e) {
        throw new AssertionError("the answer is not XML: " + text, e);
      }
    } else {
      assertTrue(Buffer.buffer(response.body()).toJsonValue() instanceof JsonObject, text);
    }
  }

  private static TelcoRequest request(FuzzTarget target, String operation, byte[] body) {
    return new TelcoRequest(
        operation,
        target.signer().headers(body, target.settings(), RECEIVED),
        body,
        target.remoteAddress(),
        RECEIVED);
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<Integer> anyOperation() {
    return Arbitraries.integers().between(0, 9);
  }

  @Provide
  Arbitrary<byte[]> genericBodies() {
    return GENERIC.bodies();
  }

  @Provide
  Arbitrary<byte[]> safaricomBodies() {
    return SAFARICOM.bodies();
  }

  @Provide
  Arbitrary<byte[]> waveBodies() {
    return WAVE.bodies();
  }

  @Provide
  Arbitrary<byte[]> mtnBodies() {
    return MTN.bodies();
  }

  @Provide
  Arbitrary<byte[]> airtelBodies() {
    return AIRTEL.bodies();
  }

  @Provide
  Arbitrary<byte[]> vodacomTzBodies() {
    return VODACOM_TZ.bodies();
  }
}
