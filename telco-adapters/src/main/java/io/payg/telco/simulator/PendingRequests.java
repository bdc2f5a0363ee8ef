package io.payg.telco.simulator;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request-to-pay state machine both the MTN MoMo and the Airtel simulator play, as both
 * providers document it: a request taken once per reference (a repeat changes nothing), pending
 * until the payer — the test — approves or refuses it, then called back once, never retried,
 * whatever the answer. The status words, the settled state, the callback's address, method and
 * body stay in each simulator.
 *
 * @param <T> the simulator's own request
 */
final class PendingRequests<T extends PendingRequests.Entry> {

  /** One request, in its provider's status words; its fields are guarded by its own lock. */
  abstract static class Entry {
    private final String pending;
    private String status;

    Entry(String pending) {
      this.pending = pending;
      this.status = pending;
    }

    final synchronized String status() {
      return status;
    }

    final synchronized boolean pending() {
      return pending.equals(status);
    }

    /** Under the lock: the new status word. */
    final void status(String status) {
      this.status = status;
    }

    /** Under the lock, while pending: the payer's answer applied; the body of the callback. */
    abstract JsonObject settle(boolean approved, String reason);
  }

  /** How a settled request is called back; null from {@link Provider#callback}: not at all. */
  record CallbackCall(HttpMethod method, String url, Buffer body, String status) {}

  /** What the simulator decides about a settled request's callback. */
  interface Provider<T> {
    /** Where, how and with what the request is called back, or null (no URL). */
    CallbackCall callback(String reference, T entry, JsonObject settled);

    /** One callback attempt; {@code httpStatus} -1 when it could not be delivered. */
    void attempted(String reference, String url, String status, int httpStatus);
  }

  private final CollectionsSimulator<?> simulator;
  private final String noun;
  private final Provider<T> provider;
  private final Map<String, T> entries = new ConcurrentHashMap<>();

  /** @param noun the request as refusals name it ("request-to-pay", "payment") */
  PendingRequests(CollectionsSimulator<?> simulator, String noun, Provider<T> provider) {
    this.simulator = simulator;
    this.noun = noun;
    this.provider = provider;
  }

  /** The request with this reference, or null. */
  T get(String reference) {
    return reference == null ? null : entries.get(reference);
  }

  /** The request's current status word, or null when unknown. */
  String statusOf(String reference) {
    T entry = get(reference);
    return entry == null ? null : entry.status();
  }

  /**
   * Takes a new request: false (nothing changes) when its reference was taken before; else
   * {@code accepted} runs and, while the simulator approves all, the payer approves at once.
   */
  boolean take(String reference, T entry, Runnable accepted) {
    if (entries.putIfAbsent(reference, entry) != null) {
      return false;
    }
    accepted.run();
    if (simulator.approvesAll()) {
      settle(reference, true, null);
    }
    return true;
  }

  /**
   * The payer's answer; completes once the callback attempt is over (at once without one), fails
   * for an unknown reference or a request no longer pending.
   */
  Future<Void> settle(String reference, boolean approved, String reason) {
    T entry = get(reference);
    if (entry == null) {
      return Future.failedFuture(new IllegalArgumentException("no " + noun + " " + reference));
    }
    JsonObject settled;
    synchronized (entry) {
      if (!entry.pending()) {
        return Future.failedFuture(
            new IllegalStateException(noun + " " + reference + " is " + entry.status()));
      }
      settled = entry.settle(approved, reason);
    }
    CallbackCall call =
        simulator.callbacksOn() ? provider.callback(reference, entry, settled) : null;
    if (call == null) {
      return Future.succeededFuture();
    }
    return simulator
        .callbackClient
        .requestAbs(call.method(), call.url())
        .putHeader("Content-Type", "application/json")
        .timeout(10_000)
        .sendBuffer(call.body())
        // once, never retried, whatever happened
        .transform(ar -> {
          provider.attempted(
              reference, call.url(), call.status(), ar.succeeded() ? ar.result().statusCode() : -1);
          return Future.<Void>succeededFuture();
        });
  }
}
