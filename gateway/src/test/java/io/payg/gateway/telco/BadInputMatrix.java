package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provider test kit (in the spirit of vertx-sql-client's TCK): every {@link BadInput} and
 * every replay rule, through the running gateway over HTTP, for one provider per subclass. A
 * subclass knows how to build its provider's requests and how to read its provider's answers;
 * this class holds the rules: never a 5xx, the provider's own refusal, nothing stored, replays
 * answered like the first delivery, conflicting replays refused, concurrent duplicates stored once.
 *
 * <p>Companies: {@link #home} (the provider enabled, the one paid), {@link #other} (the provider
 * enabled too, owning {@link #otherSerial}) and {@link #disabled} (the provider not enabled).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BadInputMatrix {

  protected GatewayFixture gw;
  protected GatewayFixture.Company home;
  protected GatewayFixture.Company other;
  protected GatewayFixture.Company disabled;
  protected String homeSerial;
  protected String otherSerial;
  protected String disabledSerial;

  /** One payment as the provider delivers it, identified by its provider transaction id. */
  protected interface Payment {
    /** As stored in {@code transactions.provider_txn_id}. */
    String txnId();

    /** The provider's delivery of this payment (the first, or a repeat). */
    Future<HttpResponse<Buffer>> deliver();

    /** The same provider id with another amount (minor units). */
    Future<HttpResponse<Buffer>> deliverWithAmount(long minor);

    /** The same provider id for another serial. */
    Future<HttpResponse<Buffer>> deliverWithSerial(String serial);
  }

  /** The plugin name the gateway stores transactions under. */
  protected abstract String provider();

  /** The currency of the companies; prices follow {@link GatewayFixture#company(String, String, long, long)}. */
  protected abstract String currency();

  /** Extra environment for the gateway (poll intervals...). */
  protected Map<String, String> env() {
    return Map.of();
  }

  /** Starts simulators and whatever else the provider needs, before any company exists. */
  protected void startProvider() {}

  /** Enables and configures the provider's plugin for {@code c}. */
  protected abstract void enable(GatewayFixture.Company c);

  /** Makes sure the provider is not enabled for {@code c} (companies start without it, but for generic). */
  protected void disable(GatewayFixture.Company c) {}

  /** Sends the bad request {@code c} (a copy of a good one for {@link #homeSerial} but for the fault). */
  protected abstract Future<HttpResponse<Buffer>> send(BadInput c);

  /** Sets up what case {@code c} needs before the stored rows are counted (a collection to forge a callback for...). */
  protected void prepare(BadInput c) {}

  /** Asserts {@code r} is the provider's documented refusal for {@code c}. */
  protected abstract void assertRefused(BadInput c, HttpResponse<Buffer> r);

  /** A good payment for {@code serial} of {@code minor} units, not yet delivered (it may be prepared). */
  protected abstract Payment payment(String serial, long minor);

  /** Asserts {@code r} is the provider's answer to a payment taken. */
  protected abstract void assertRecorded(HttpResponse<Buffer> r);

  /** Asserts {@code r} is the provider's refusal of a provider id reused for another payment. */
  protected abstract void assertDuplicateRefused(HttpResponse<Buffer> r);

  /** A good amount in minor units. */
  protected long amount() {
    return "KES".equals(currency()) ? 50_000 : 500_000;
  }

  /** A repeated delivery is answered as the first was. */
  protected void assertSameAnswer(HttpResponse<Buffer> first, HttpResponse<Buffer> again) {
    assertEquals(first.statusCode(), again.statusCode(), again.bodyAsString());
    assertEquals(first.bodyAsString(), again.bodyAsString());
  }

  @BeforeAll
  void startGateway() throws Exception {
    gw = new GatewayFixture(getClass(), env());
    startProvider();
    boolean kes = "KES".equals(currency());
    home = gw.company("Home " + provider(), currency(), kes ? 2300 : 50_000, kes ? 5000 : 100_000);
    other =
        gw.company("Other " + provider(), currency(), kes ? 2300 : 50_000, kes ? 5000 : 100_000);
    disabled =
        gw.company("Disabled " + provider(), currency(), kes ? 2300 : 50_000, kes ? 5000 : 100_000);
    enable(home);
    enable(other);
    disable(disabled);
    homeSerial = newSerial(home);
    otherSerial = newSerial(other);
    disabledSerial = newSerial(disabled);
  }

  @AfterAll
  void stopGateway() {
    if (gw != null) {
      gw.close();
    }
  }

  protected String newSerial(GatewayFixture.Company c) {
    String serial = "MX-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    return serial;
  }

  /** What a refused call must leave as it was: money rows and collections, with their states. */
  protected String stored() {
    return gw.db.text(
        "SELECT concat_ws('|', (SELECT count(*) FROM transactions), (SELECT count(*) FROM allocations), "
            + "(SELECT count(*) FROM conflicts), (SELECT count(*) FROM tokens), "
            + "(SELECT coalesce(string_agg(id || ':' || status, ',' ORDER BY id), '') FROM collections))");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BadInput.class)
  void badInputIsRefusedInTheProvidersFormatAndStoresNothing(BadInput c) {
    prepare(c);
    String before = stored();
    HttpResponse<Buffer> r = await(send(c));
    assertTrue(r.statusCode() < 500, c + " answered " + r.statusCode() + ": " + r.bodyAsString());
    String body = r.bodyAsString() == null ? "" : r.bodyAsString();
    assertFalse(body.contains("root:"), "no file content in the answer");
    assertRefused(c, r);
    assertEquals(before, stored(), c + " stored something");
  }

  @Test
  void aReplayIsAnsweredAsTheFirstDeliveryAndStoredOnce() {
    Payment p = payment(newSerial(home), amount());
    HttpResponse<Buffer> first = await(p.deliver());
    assertRecorded(first);
    HttpResponse<Buffer> again = await(p.deliver());
    assertSameAnswer(first, again);
    assertEquals(1, transactions(p.txnId()));
  }

  @Test
  void theSameIdWithAnotherAmountOrSerialIsRefusedAndTheFirstPaymentStands() {
    String serial = newSerial(home);
    Payment p = payment(serial, amount());
    assertRecorded(await(p.deliver()));
    HttpResponse<Buffer> otherAmount = await(p.deliverWithAmount(amount() * 2));
    assertTrue(otherAmount.statusCode() < 500, otherAmount.bodyAsString());
    assertDuplicateRefused(otherAmount);
    HttpResponse<Buffer> otherSerialAnswer = await(p.deliverWithSerial(newSerial(home)));
    assertTrue(otherSerialAnswer.statusCode() < 500, otherSerialAnswer.bodyAsString());
    assertDuplicateRefused(otherSerialAnswer);
    assertEquals(1, transactions(p.txnId()));
    assertEquals(
        amount(),
        gw.db.count(
            "SELECT amount FROM transactions WHERE provider = ? AND provider_txn_id = ?",
            provider(),
            p.txnId()));
    assertEquals(
        serial,
        gw.db.text(
            "SELECT d.serial FROM transactions t JOIN devices d ON d.id = t.device_id "
                + "WHERE t.provider = ? AND t.provider_txn_id = ?",
            provider(),
            p.txnId()));
  }

  @Test
  void twentyConcurrentDuplicatesStoreOneTransaction() {
    Payment p = payment(newSerial(home), amount());
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(p.deliver());
    }
    HttpResponse<Buffer> first = null;
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = await(f);
      assertRecorded(r);
      if (first == null) {
        first = r;
      } else {
        assertSameAnswer(first, r);
      }
    }
    assertEquals(1, transactions(p.txnId()));
  }

  protected long transactions(String txnId) {
    return gw.db.count(
        "SELECT count(*) FROM transactions WHERE company_id = ?::uuid AND provider = ? AND provider_txn_id = ?",
        home.id(),
        provider(),
        txnId);
  }

  // ------------------------------------------------------------ helpers for subclasses

  /** The major-unit decimal text of {@code minor} for a two-decimal currency ("500.00"). */
  protected static String major(long minor) {
    return BigDecimal.valueOf(minor, 2).toPlainString();
  }

  /** The amount text of a bad amount case, as a decimal-string provider would send it; null for other cases. */
  protected static String badAmountText(BadInput c) {
    return switch (c) {
      case NEGATIVE_AMOUNT -> "-500.00";
      case ZERO_AMOUNT -> "0.00";
      case FRACTIONAL_AMOUNT -> "500.005";
      case NON_NUMERIC_AMOUNT -> "five hundred";
      case OVERFLOWING_AMOUNT -> "99999999999999999999999999.00";
      default -> null;
    };
  }

  protected static void assertStatus(int expected, HttpResponse<Buffer> r) {
    assertEquals(expected, r.statusCode(), r.bodyAsString());
  }
}
