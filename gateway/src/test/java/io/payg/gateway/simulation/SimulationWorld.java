package io.payg.gateway.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulation knows: the gateway and its peers, the company's serials, every message
 * sent, and what the gateway's answers promised. {@link #verify} checks the database against it.
 */
final class SimulationWorld {

  static final String SHORT_CODE = "600990";

  final GatewayFixture gw;
  final GatewayFixture.Company company;
  final SafaricomSimulator daraja;
  final String operatorToken;
  final String agentToken;
  final String agentId;
  /** Serials of the company's meters (some with appliance installments); the agent's customers' among them. */
  final List<String> serials;

  final List<String> agentSerials;
  /** Serials no device has (typos). */
  final List<String> unknownSerials = List.of("TYPO-1", "TYPO-2", "MTR-O0O1", "NOBODY");
  /** What M-Pesa payers type that names no device: typos, and nothing at all (Buy Goods: kept too). */
  final List<String> unknownReferences = List.of("TYPO-1", "TYPO-2", "MTR-O0O1", "NOBODY", "");

  /** Every Daraja confirmation sent (money that moved): each must end in exactly one place. */
  final Map<String, C2bPayment> moved = new ConcurrentHashMap<>();

  final List<C2bPayment> movedOrder = new CopyOnWriteArrayList<>();
  /** Generic process calls sent, by provider id, and those answered 200. */
  final Map<String, GenericCall> generic = new ConcurrentHashMap<>();

  final List<String> genericOrder = new CopyOnWriteArrayList<>();
  final Set<String> genericBooked = ConcurrentHashMap.newKeySet();
  /** Agents' cash payments answered 200/202, by provider id (agent id : key). */
  final Set<String> cashBooked = ConcurrentHashMap.newKeySet();
  /** Transactions a reversal was answered 201 for. */
  final Set<String> reversed = ConcurrentHashMap.newKeySet();
  /** Per unmatched payment: the transaction every successful assign answered. */
  final Map<String, String> assignedTransaction = new ConcurrentHashMap<>();
  /** The run's figures: messages per kind and answers per kind and outcome. */
  final Map<String, AtomicLong> figures = new ConcurrentHashMap<>();

  record GenericCall(String id, String serial, long amount) {}

  SimulationWorld(
      GatewayFixture gw,
      GatewayFixture.Company company,
      SafaricomSimulator daraja,
      String operatorToken,
      String agentToken,
      String agentId,
      List<String> serials,
      List<String> agentSerials) {
    this.gw = gw;
    this.company = company;
    this.daraja = daraja;
    this.operatorToken = operatorToken;
    this.agentToken = agentToken;
    this.agentId = agentId;
    this.serials = serials;
    this.agentSerials = agentSerials;
  }

  void count(String what) {
    figures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  /** Every invariant, after a run. */
  void verify() {
    List<BooksInvariant.Line> books = BooksInvariant.check(gw.db, company.id());
    // every shilling that moved is on the books: each Daraja id once, as a transaction or kept
    for (C2bPayment p : moved.values()) {
      long amount = Math.round(Double.parseDouble(p.transAmount()) * 100);
      long booked = gw.db.count(
          "SELECT count(*) FROM transactions WHERE company_id = ?::uuid AND provider = 'safaricom' "
              + "AND provider_txn_id = ? AND amount = ?",
          company.id(),
          p.transId(),
          amount);
      long kept = gw.db.count(
          "SELECT count(*) FROM unmatched_payments WHERE company_id = ?::uuid "
              + "AND provider = 'safaricom' AND provider_txn_id = ? AND amount = ? AND status <> 'ASSIGNED'",
          company.id(),
          p.transId(),
          amount);
      if (booked + kept != 1) {
        throw new AssertionError(
            "Daraja " + p.transId() + " (" + p.transAmount() + " for '" + p.billRefNumber()
                + "') is in " + booked + " transactions and " + kept
                + " open or dismissed unmatched payments; stored: "
                + gw.db.text(
                    "SELECT string_agg(provider || ' ' || amount || ' ' || serial || ' ' || status, '; ') "
                        + "FROM transactions WHERE provider_txn_id = ?",
                    p.transId())
                + " / "
                + gw.db.text(
                    "SELECT string_agg(provider || ' ' || amount || ' ' || account_reference || ' ' || status "
                        + "|| ' ' || reason, '; ') FROM unmatched_payments WHERE provider_txn_id = ?",
                    p.transId()));
      }
    }
    // a generic provider is answered: what it was told was booked is, what was refused is nowhere
    for (GenericCall c : generic.values()) {
      long booked = gw.db.count(
          "SELECT count(*) FROM transactions WHERE company_id = ?::uuid AND provider = 'generic' "
              + "AND provider_txn_id = ?",
          company.id(),
          c.id());
      assertEquals(genericBooked.contains(c.id()) ? 1 : 0, booked, "generic " + c.id());
    }
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM unmatched_payments WHERE provider = 'generic'"));
    for (String id : cashBooked) {
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM transactions WHERE provider = 'cash' AND provider_txn_id = ?",
              id));
    }
    // nothing is booked that no message asked for
    long expected = gw.db.count(
        "SELECT count(*) FROM transactions WHERE company_id = ?::uuid AND provider = 'safaricom'",
        company.id());
    assertTrue(expected <= moved.size());
    assertEquals(
        genericBooked.size(),
        gw.db.count("SELECT count(*) FROM transactions WHERE provider = 'generic'"));
    assertEquals(
        cashBooked.size(),
        gw.db.count("SELECT count(*) FROM transactions WHERE provider = 'cash'"));
    // a reversal answered 201 reversed its transaction, once
    for (String txn : reversed) {
      assertEquals(
          "REVERSED",
          gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn),
          "reversal of " + txn);
      assertEquals(
          1, gw.db.count("SELECT count(*) FROM reversals WHERE transaction_id = ?::uuid", txn));
    }
    // every successful assign of a row answered the one transaction the row now points at
    assignedTransaction.forEach((row, txn) -> assertEquals(
        txn,
        gw.db.text("SELECT transaction_id::text FROM unmatched_payments WHERE id = ?::uuid", row),
        "assign of " + row));
    // the books the API serves are the invariant's
    var totals = GatewayFixture.ok(gw.get("/api/v1/books", operatorToken)).getJsonArray("totals");
    assertEquals(books.size(), totals.size());
    for (BooksInvariant.Line l : books) {
      var t = totals.stream()
          .map(JsonObject.class::cast)
          .filter(o -> o.getString("provider").equals(l.provider())
              && o.getString("currency").equals(l.currency()))
          .findFirst()
          .orElseThrow();
      assertEquals(l.received(), t.getLong("received"), l.toString());
      assertEquals(l.allocated(), t.getJsonObject("allocated").getLong("total"), l.toString());
      assertEquals(l.suspense(), t.getLong("suspense"), l.toString());
      assertEquals(l.dismissed(), t.getLong("dismissed"), l.toString());
      assertEquals(l.reversed(), t.getLong("reversed"), l.toString());
      assertTrue(t.getBoolean("balanced"), t.encode());
    }
  }

  Map<String, Long> sortedFigures() {
    Map<String, Long> out = new TreeMap<>();
    figures.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
