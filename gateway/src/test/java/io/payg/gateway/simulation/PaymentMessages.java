package io.payg.gateway.simulation;

import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/** The message kinds of the payment simulation; each checks the answers the gateway gives it. */
final class PaymentMessages {

  private PaymentMessages() {}

  /** A check on one answer: fails the run with what was sent and what came back. */
  static void expect(boolean ok, String what, HttpResponse<Buffer> r) {
    if (!ok) {
      throw new AssertionError(what + " -> " + r.statusCode() + " " + r.bodyAsString());
    }
  }

  static String pick(List<String> from, SplittableRandom random) {
    return from.get(random.nextInt(from.size()));
  }

  /** A whole-shilling amount, now and then below the tariff's minimum (50.00). */
  static long amount(SplittableRandom random) {
    return (random.nextInt(10) == 0 ? 10 + random.nextInt(40) : 50 + random.nextInt(450)) * 100L;
  }

  static Future<Void> all(List<? extends Future<?>> sent) {
    return Future.all(sent).mapEmpty();
  }

  /** A new Daraja C2B confirmation, for a known serial or a typo; now and then a burst of concurrent copies. */
  static final class DarajaConfirmation implements SimulatedMessage {
    private long next;

    @Override
    public String name() {
      return "daraja.confirmation";
    }

    @Override
    public int weight() {
      return 30;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      String serial =
          random.nextInt(4) == 0 ? pick(w.unknownReferences, random) : pick(w.serials, random);
      long amount = amount(random);
      int copies = random.nextInt(6) == 0 ? 2 + random.nextInt(5) : 1;
      C2bPayment p = C2bPayment.payBill(
          String.format("SIM%07d", ++next),
          SimulationWorld.SHORT_CODE,
          serial,
          String.format("%d.%02d", amount / 100, amount % 100),
          "254708374149",
          Instant.now());
      w.moved.put(p.transId(), p);
      w.movedOrder.add(p);
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        w.count(copies > 1 ? "daraja.concurrent-duplicate" : name());
        sent.add(confirm(w, p));
      }
      return all(sent);
    }
  }

  /** Daraja acknowledges every confirmation: booked, replayed or kept. */
  static Future<Void> confirm(SimulationWorld w, C2bPayment p) {
    return w.daraja.confirmation(p).map(r -> {
      expect(
          r.statusCode() == 200 && r.bodyAsJsonObject().getInteger("ResultCode") == 0,
          "confirmation " + p.transId(),
          r);
      return null;
    });
  }

  /** A late or reordered redelivery of any earlier Daraja confirmation, exactly as first sent. */
  static final class DarajaRedelivery implements SimulatedMessage {
    @Override
    public String name() {
      return "daraja.redelivery";
    }

    @Override
    public int weight() {
      return 12;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      if (w.movedOrder.isEmpty()) {
        return Future.succeededFuture();
      }
      w.count(name());
      return confirm(w, w.movedOrder.get(random.nextInt(w.movedOrder.size())));
    }
  }

  /** The generic provider's process call: new ids, exact replays, and replays with another amount. */
  static final class GenericProcess implements SimulatedMessage {
    private long next;

    @Override
    public String name() {
      return "generic.process";
    }

    @Override
    public int weight() {
      return 20;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      int roll = random.nextInt(10);
      SimulationWorld.GenericCall call;
      String kind;
      if (roll < 2 && !w.genericOrder.isEmpty()) {
        call = w.generic.get(w.genericOrder.get(random.nextInt(w.genericOrder.size())));
        kind = "generic.replay";
      } else if (roll < 3 && !w.genericOrder.isEmpty()) {
        SimulationWorld.GenericCall first =
            w.generic.get(w.genericOrder.get(random.nextInt(w.genericOrder.size())));
        call = new SimulationWorld.GenericCall(first.id(), first.serial(), first.amount() + 100);
        kind = "generic.conflicting-replay";
      } else {
        String serial =
            random.nextInt(6) == 0 ? pick(w.unknownSerials, random) : pick(w.serials, random);
        call = new SimulationWorld.GenericCall(
            String.format("GEN%07d", ++next), serial, amount(random));
        w.generic.put(call.id(), call);
        w.genericOrder.add(call.id());
        kind = name();
      }
      w.count(kind);
      return w.company
          .provider()
          .process(call.id(), call.serial(), call.amount(), "KES", "+254712345678", null)
          .map(r -> {
            int s = r.statusCode();
            expect(s == 200 || s == 404 || s == 409 || s == 422, kind + " " + call, r);
            if (s == 200) {
              w.genericBooked.add(call.id());
            }
            w.count(kind + "." + s);
            return null;
          });
    }
  }

  /** An agent's cash payment for one of their customers (Idempotency-Key), now and then retried concurrently. */
  static final class AgentCash implements SimulatedMessage {
    private long next;

    @Override
    public String name() {
      return "agent.cash";
    }

    @Override
    public int weight() {
      return 10;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      String key = String.format("cash-%07d", ++next);
      String serial = pick(w.agentSerials, random);
      long amount = 50 * 100L + random.nextInt(300) * 100L;
      int copies = random.nextInt(5) == 0 ? 2 + random.nextInt(3) : 1;
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        w.count(copies > 1 ? "agent.cash-retry" : name());
        sent.add(w.gw
            .http
            .postAbs(w.gw.base + "/api/v1/agent/payments")
            .bearerTokenAuthentication(w.agentToken)
            .putHeader("Idempotency-Key", key)
            .sendJsonObject(
                new JsonObject().put("serial", serial).put("amount", amount).put("currency", "KES"))
            .map(r -> {
              int s = r.statusCode();
              expect(s == 200 || s == 202 || s == 422, "cash " + key + " " + serial, r);
              if (s / 100 == 2) {
                w.cashBooked.add(w.agentId + ":" + key);
              }
              w.count("agent.cash." + s);
              return null;
            }));
      }
      return all(sent);
    }
  }

  /**
   * Concurrent assigns of one OPEN unmatched payment (mostly to one serial, sometimes to several,
   * sometimes to a typo) racing a redelivery of its provider message: one transaction at most,
   * every 200 answers the same one.
   */
  static final class AssignRace implements SimulatedMessage {
    @Override
    public String name() {
      return "unmatched.assign";
    }

    @Override
    public int weight() {
      return 10;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      double which = random.nextDouble();
      int assigns = 1 + random.nextInt(10);
      List<String> serials = new ArrayList<>();
      boolean mixed = random.nextInt(4) == 0;
      String first = random.nextInt(8) == 0 ? "NO-SUCH-SERIAL" : pick(w.serials, random);
      for (int i = 0; i < assigns; i++) {
        serials.add(mixed ? pick(w.serials, random) : first);
      }
      boolean redeliver = random.nextBoolean();
      return open(w).compose(items -> {
        if (items.isEmpty()) {
          return Future.succeededFuture();
        }
        JsonObject row = items.getJsonObject((int) (which * items.size()));
        String id = row.getString("id");
        Set<String> booked = ConcurrentHashMap.newKeySet();
        Set<String> bookedSerials = ConcurrentHashMap.newKeySet();
        List<Future<Void>> sent = new ArrayList<>();
        for (String serial : serials) {
          w.count(name());
          sent.add(w.gw
              .http
              .postAbs(w.gw.base + "/api/v1/unmatched-payments/" + id + "/assign")
              .bearerTokenAuthentication(w.operatorToken)
              .sendJsonObject(new JsonObject().put("serial", serial))
              .map(r -> {
                int s = r.statusCode();
                expect(s == 200 || s == 409 || s == 422, "assign " + id + " to " + serial, r);
                if (s == 200) {
                  booked.add(r.bodyAsJsonObject().getString("id"));
                  bookedSerials.add(r.bodyAsJsonObject().getString("serial"));
                }
                w.count(name() + "." + s);
                return null;
              }));
        }
        C2bPayment original = w.moved.get(row.getString("providerTxnId"));
        if (redeliver && original != null) {
          w.count("daraja.redelivery-racing-assign");
          sent.add(confirm(w, original));
        }
        return all(sent).map(v -> {
          if (booked.size() > 1 || bookedSerials.size() > 1) {
            throw new AssertionError(
                "assigns of " + id + " answered " + booked + " for " + bookedSerials);
          }
          booked.forEach(txn -> {
            String before = w.assignedTransaction.putIfAbsent(id, txn);
            if (before != null && !before.equals(txn)) {
              throw new AssertionError(id + " assigned as " + before + " and " + txn);
            }
          });
          return null;
        });
      });
    }
  }

  /** An operator dismisses an OPEN unmatched payment (refunded outside the gateway). */
  static final class Dismiss implements SimulatedMessage {
    @Override
    public String name() {
      return "unmatched.dismiss";
    }

    @Override
    public int weight() {
      return 3;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      double which = random.nextDouble();
      return open(w).compose(items -> {
        if (items.isEmpty()) {
          return Future.succeededFuture();
        }
        String id = items.getJsonObject((int) (which * items.size())).getString("id");
        w.count(name());
        return w.gw
            .http
            .postAbs(w.gw.base + "/api/v1/unmatched-payments/" + id + "/dismiss")
            .bearerTokenAuthentication(w.operatorToken)
            .sendJsonObject(new JsonObject().put("reason", "refunded"))
            .map(r -> {
              // 409: an assign racing in the same batch booked it first
              expect(r.statusCode() == 200 || r.statusCode() == 409, "dismiss " + id, r);
              w.count(name() + "." + r.statusCode());
              return null;
            });
      });
    }
  }

  /**
   * An admin reverses a booked payment: now and then the same Idempotency-Key twice at once (a
   * retried request) or a second key (another operator); exactly one reversal, the books balance.
   */
  static final class Reversal implements SimulatedMessage {
    @Override
    public String name() {
      return "reversal";
    }

    @Override
    public int weight() {
      return 3;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      double which = random.nextDouble();
      int copies = random.nextInt(4) == 0 ? 2 : 1;
      boolean otherKey = random.nextInt(3) == 0;
      String key = "rev-" + random.nextLong();
      long booked = w.gw.db.count(
          "SELECT count(*) FROM transactions WHERE company_id = ?::uuid", w.company.id());
      if (booked == 0) {
        return Future.succeededFuture();
      }
      String txn = w.gw.db.text(
          "SELECT id::text FROM transactions WHERE company_id = ?::uuid ORDER BY id OFFSET ? LIMIT 1",
          w.company.id(),
          (long) (which * booked));
      w.count(name());
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        sent.add(reverse(w, txn, otherKey && i == 1 ? key + "-other" : key));
      }
      return Future.all(sent).map(done -> {
        for (Future<HttpResponse<Buffer>> f : sent) {
          HttpResponse<Buffer> r = f.result();
          // 201: reversed (or the same key's replay); 409: reversed already (another key); 503:
          // raced a payment
          expect(
              r.statusCode() == 201 || r.statusCode() == 409 || r.statusCode() == 503,
              "reverse " + txn,
              r);
          w.count(name() + "." + r.statusCode());
          if (r.statusCode() == 201) {
            w.reversed.add(txn);
          }
        }
        return null;
      });
    }

    private static Future<HttpResponse<Buffer>> reverse(SimulationWorld w, String txn, String key) {
      return w.gw
          .http
          .postAbs(w.gw.base + "/api/v1/transactions/" + txn + "/reversal")
          .bearerTokenAuthentication(w.company.adminToken())
          .putHeader("Idempotency-Key", key)
          .sendJsonObject(new JsonObject().put("reason", "simulated reversal"));
    }
  }

  /** The manufacturer fails the next few vends, or is down for a moment (connections closed). */
  static final class ManufacturerFault implements SimulatedMessage {
    @Override
    public String name() {
      return "manufacturer.fault";
    }

    @Override
    public int weight() {
      return 2;
    }

    @Override
    public Future<Void> send(SimulationWorld w, SplittableRandom random) {
      if (random.nextBoolean()) {
        w.count("manufacturer.fail-next");
        w.gw.calin.setFailNext(1 + random.nextInt(4));
        return Future.succeededFuture();
      }
      w.count("manufacturer.down");
      long downFor = 20 + random.nextInt(200);
      w.gw.calin.setDown(true);
      Promise<Void> up = Promise.promise();
      w.gw.app.vertx().setTimer(downFor, id -> {
        w.gw.calin.setDown(false);
        up.complete();
      });
      return up.future();
    }
  }

  /** Up to 100 OPEN unmatched payments, newest first. */
  static Future<JsonArray> open(SimulationWorld w) {
    return w.gw
        .http
        .getAbs(w.gw.base + "/api/v1/unmatched-payments?status=OPEN&limit=100")
        .bearerTokenAuthentication(w.operatorToken)
        .send()
        .map(r -> {
          expect(r.statusCode() == 200, "list unmatched", r);
          return r.bodyAsJsonObject().getJsonArray("items");
        });
  }
}
