package io.payg.gateway.reversal;

import io.payg.domain.allocation.PaymentReversal;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/**
 * Reverses a booked transaction, or an unmatched payment a provider reversed. Like a payment, a
 * reversal reads a snapshot, computes the compensation in the domain ({@link PaymentReversal})
 * and writes it with ONE statement guarded by the customers' debt_version; a lost race (another
 * payment, a concurrent reversal) starts again from a new snapshot, where a concurrent reversal
 * of the same transaction is then seen and answered as the first one.
 */
public final class ReversalService {

  public static final String OPERATOR = "OPERATOR";
  public static final String PROVIDER = "PROVIDER";
  static final int MAX_ATTEMPTS = 25;

  /** How a reversal request ended. */
  public sealed interface Outcome {
    JsonObject reversal();
  }

  /** Reversed now. */
  public record Reversed(JsonObject reversal) implements Outcome {}

  /** Reversed before (a replay of the same key, or a provider's redelivery): the first reversal. */
  public record Replayed(JsonObject reversal) implements Outcome {}

  /** A provider reversed a payment the gateway has neither booked nor kept: nothing to reverse yet. */
  public record NothingToReverse(String detail) implements Outcome {
    @Override
    public JsonObject reversal() {
      return null;
    }
  }

  private final ReversalStore store;

  public ReversalService(Pool pool) {
    this.store = new ReversalStore(pool);
  }

  /**
   * An operator's reversal. The same key again answers the first reversal; another key on a
   * reversed transaction is 409 ALREADY_REVERSED; a key already used for another transaction is
   * 409 IDEMPOTENCY_KEY_REUSED.
   */
  public Future<Outcome> reverse(
      UUID companyId, UUID transactionId, String reason, String key, UUID userId) {
    return attempt(companyId, transactionId, OPERATOR, reason, key, userId, 1);
  }

  /**
   * A provider's reversal of its payment {@code providerTxnId}: the booked transaction is
   * reversed (source PROVIDER), an OPEN or DISMISSED unmatched payment is marked REVERSED; a redelivery
   * answers the first reversal, whatever reversed it.
   */
  public Future<Outcome> reverseProvider(
      UUID companyId, String provider, String providerTxnId, String reason) {
    return store.findTransaction(companyId, provider, providerTxnId).compose(txn -> {
      if (txn != null) {
        return attempt(companyId, txn, PROVIDER, reason, null, null, 1);
      }
      return store
          .reverseUnmatched(companyId, provider, providerTxnId, reason)
          .compose(id -> id != null
              ? store.get(id).map(r -> (Outcome) new Reversed(r))
              : store
                  .unmatched(companyId, provider, providerTxnId)
                  .map(ReversalService::unmatchedOutcome));
    });
  }

  private static Outcome unmatchedOutcome(Row u) {
    if (u == null) {
      return new NothingToReverse("no payment with this provider id is booked or kept");
    }
    if (u.getValue("reversal") instanceof JsonObject r) {
      return new Replayed(r);
    }
    return new NothingToReverse(
        "the kept payment is " + u.getString("status") + ", not in suspense");
  }

  private Future<Outcome> attempt(
      UUID companyId,
      UUID transactionId,
      String source,
      String reason,
      String key,
      UUID userId,
      int attempt) {
    return store
        .snapshot(companyId, transactionId, key)
        .compose(s -> decide(s, source, reason, key, userId))
        // a concurrent reversal inserted first: the next snapshot sees it
        .recover(
            err -> isDuplicateKey(err) ? Future.succeededFuture(null) : Future.failedFuture(err))
        .compose(outcome -> {
          if (outcome != null) {
            return Future.succeededFuture(outcome);
          }
          if (attempt >= MAX_ATTEMPTS) {
            return Future.failedFuture(new ApiException(
                503,
                "BUSY",
                "Too many concurrent payments for this customer; retry the same reversal"));
          }
          return attempt(companyId, transactionId, source, reason, key, userId, attempt + 1);
        });
  }

  private Future<Outcome> decide(
      ReversalStore.Snapshot s, String source, String reason, String key, UUID userId) {
    if (s == null) {
      return Future.failedFuture(ApiException.notFound("transaction"));
    }
    if (s.reversal() != null) {
      // a replay: the same key, or any provider redelivery; another operator key is told so
      if (PROVIDER.equals(source) || (key != null && key.equals(s.reversalKey()))) {
        return Future.succeededFuture(new Replayed(s.reversal()));
      }
      return Future.failedFuture(ApiException.conflict(
          "ALREADY_REVERSED",
          "transaction " + s.transactionId() + " was already reversed by reversal "
              + s.reversal().getString("id")));
    }
    if (s.keyUsedFor() != null) {
      return Future.failedFuture(ApiException.conflict(
          "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key already reversed another transaction"));
    }
    PaymentReversal.Compensation c = PaymentReversal.of(
        s.allocations(), s.ownInstallments(), s.boughtToken(), s.delivered(), s.credit());
    if (c.compensated() != s.amount()) {
      // allocations always sum to the amount; a transaction that does not is a data error, never
      // reversed blind
      return Future.failedFuture(new IllegalStateException(
          "transaction " + s.transactionId() + ": allocations do not sum to its amount"));
    }
    return store
        .record(s, c, source, reason, key, userId)
        .compose(
            id -> id == null ? Future.succeededFuture(null) : store.get(id).map(Reversed::new));
  }

  private static boolean isDuplicateKey(Throwable err) {
    return err instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && pg.getMessage() != null
        && pg.getMessage().contains("reversals_");
  }
}
