package io.payg.gateway.payment;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A payment's transaction, its token and its SMS get ids in the order they are made (UUID version
 * 7, RFC 9562 §5.7): their primary keys and every index on transaction_id fill their rightmost pages
 * instead of any page (docs/performance.md, "Time-ordered ids for the hot tables").
 */
class TimeOrderedIdsTest {

  /** The payment with provider id ? joined to its token (k) and its SMS (m). */
  private static final String CHAIN =
      "SELECT count(*) FROM transactions t JOIN tokens k ON k.transaction_id = t.id"
          + " JOIN sms_messages m ON m.transaction_id = t.id WHERE t.provider_txn_id = ?";

  // the version nibble and the 48-bit Unix time in milliseconds of a uuid, in SQL
  private static final String VERSION = "substr(%1$s::text, 15, 1)";
  private static final String MILLIS =
      "('x' || substr(replace(%1$s::text, '-', ''), 1, 12))::bit(48)::bigint";

  private static String millis(String column) {
    return MILLIS.formatted(column);
  }

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TimeOrderedIdsTest.class);
    company = gw.company("Ordered Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aPaymentItsTokenAndItsSmsHaveVersion7IdsOfTheirTime() {
    String serial = "ORDER-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    long before = System.currentTimeMillis();
    String txn = "ORDER-TX-" + UUID.randomUUID();
    assertEquals(
        200,
        await(company
                .provider()
                .process(txn, serial, 10_000, "KES", "+254712345678", "2026-01-16T08:30:00Z"))
            .statusCode());
    eventually(
        Duration.ofSeconds(20), "its token and SMS stored", () -> gw.db.count(CHAIN, txn) == 1);
    long after = System.currentTimeMillis();
    for (String id : new String[] {"t.id", "k.id", "m.id"}) {
      assertEquals(
          1,
          gw.db.count(
              (CHAIN
                  + " AND " + VERSION.formatted(id) + " = '7' AND " + millis(id)
                  + " BETWEEN ? AND ?"),
              txn,
              before,
              after),
          id + " is a version 7 id made between the call and its SMS");
    }
    // in time order (to the millisecond): the transaction, then its token, then its SMS
    assertEquals(
        1,
        gw.db.count(
            (CHAIN
                + " AND " + millis("t.id") + " <= " + millis("k.id")
                + " AND " + millis("k.id") + " <= " + millis("m.id")),
            txn));
  }
}
