package io.payg.gateway.payment;

import io.payg.domain.allocation.AllocationResult;
import io.payg.domain.allocation.DebtAllocation;
import io.payg.domain.allocation.OpenInstallment;
import io.payg.domain.allocation.PaidDevice;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.gateway.outbox.OutboxWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * The two canonical payment commands every channel (telco adapters, agents' cash) ends in.
 *
 * <p>Process is one database transaction: lock the device and its customer, look for an
 * earlier transaction with the same provider id, allocate with the domain's
 * {@link DebtAllocation}, and write everything in one statement. Concurrent duplicates queue
 * on the lock (same serial) or on the unique key (company, provider, provider_txn_id) and the
 * loser re-runs as a replay, so one provider transaction is recorded once, whatever arrives.
 */
public final class PaymentService {

  private final PaymentStore store;
  private final Vertx vertx;
  private final Clock clock;

  public PaymentService(Vertx vertx, Pool pool, Clock clock) {
    this.store = new PaymentStore(pool);
    this.vertx = vertx;
    this.clock = clock;
  }

  /** Validation: one indexed read, nothing stored. */
  public Future<ValidationOutcome> validate(UUID companyId, String companyCurrency, PaymentQuery query) {
    if (!query.amount().currency().equals(companyCurrency)) {
      return Future.succeededFuture(ValidationOutcome.refused(Refusal.WRONG_CURRENCY));
    }
    return store.lookup(companyId, query.serial()).map(found -> {
      if (found == null) {
        return ValidationOutcome.refused(Refusal.DEVICE_NOT_FOUND);
      }
      LocalDate today = LocalDate.now(clock);
      PaidDevice device = found.account().paidDevice(today);
      Refusal refusal = refusal(query.amount().minor(), today, found.installments(), device);
      return refusal != null ? ValidationOutcome.refused(refusal)
          : ValidationOutcome.accepted(found.account().customerName(), found.account().type(),
              DebtAllocation.minimumAmount(today, found.installments(), device));
    });
  }

  /** Process: records the payment once, clears debts, queues the token job. */
  public Future<ProcessOutcome> process(UUID companyId, String companyCurrency, String provider, PaymentCommand cmd) {
    if (!cmd.amount().currency().equals(companyCurrency)) {
      return Future.succeededFuture(new ProcessOutcome.Refused(Refusal.WRONG_CURRENCY, "the company's currency is "
          + companyCurrency));
    }
    return attempt(companyId, provider, cmd)
        // lost a race on the provider id to a concurrent duplicate: run again, now as a replay
        .recover(err -> isDuplicateKey(err) ? attempt(companyId, provider, cmd) : Future.failedFuture(err))
        .onSuccess(outcome -> {
          if (outcome instanceof ProcessOutcome.Recorded r) {
            String kind = r.receipt().tokenAmount() == null ? "SMS" : "TOKEN";
            vertx.eventBus().send(OutboxWorker.wakeAddress(kind), null);
          }
        });
  }

  private Future<ProcessOutcome> attempt(UUID companyId, String provider, PaymentCommand cmd) {
    return store.pool().withTransaction(conn -> {
      // pipelined: the reads after the lock run as soon as it is granted, and see what the
      // transaction that held it committed
      Future<DeviceAccount> locked = store.lock(conn, companyId, cmd.serial());
      Future<List<OpenInstallment>> open = store.openInstallments(conn, companyId, cmd.serial());
      Future<Row> earlier = store.findTransaction(conn, companyId, provider, cmd.providerTxnId());
      return Future.all(locked, open, earlier).compose(done -> earlier.result() != null
          ? replayOrConflict(conn, companyId, provider, cmd, earlier.result())
          : allocateAndRecord(conn, companyId, provider, cmd, locked.result(), open.result()));
    });
  }

  private Future<ProcessOutcome> replayOrConflict(SqlConnection conn, UUID companyId, String provider,
                                                  PaymentCommand cmd, Row earlier) {
    UUID id = earlier.getUUID("id");
    boolean same = earlier.getString("serial").equals(cmd.serial())
        && earlier.getLong("amount") == cmd.amount().minor()
        && earlier.getString("currency").equals(cmd.amount().currency());
    if (same) {
      return store.receipt(conn, id).map(ProcessOutcome.Replayed::new);
    }
    return store.recordConflict(conn, companyId, provider, cmd, id)
        .map(v -> new ProcessOutcome.Refused(Refusal.DUPLICATE_TRANSACTION,
            "transaction id " + cmd.providerTxnId() + " was already used for another payment"));
  }

  private Future<ProcessOutcome> allocateAndRecord(SqlConnection conn, UUID companyId, String provider,
                                                   PaymentCommand cmd, DeviceAccount account,
                                                   List<OpenInstallment> open) {
    if (account == null) {
      return Future.succeededFuture(new ProcessOutcome.Refused(Refusal.DEVICE_NOT_FOUND,
          "no device with serial " + cmd.serial()));
    }
    LocalDate today = LocalDate.now(clock);
    PaidDevice device = account.paidDevice(today);
    long amount = cmd.amount().minor();
    Refusal refusal = refusal(amount, today, open, device);
    if (refusal != null) {
      return Future.succeededFuture(new ProcessOutcome.Refused(refusal, refusal.message()));
    }
    AllocationResult result = DebtAllocation.allocate(amount, today, open, device);
    return store.record(conn, companyId, provider, cmd, account, result)
        .compose(id -> store.receipt(conn, id))
        .map(ProcessOutcome.Recorded::new);
  }

  /**
   * The domain's minimum rules, plus one of ours: the gateway never takes money it cannot
   * allocate (a paid-off SHS has nothing left to buy), so such a payment is refused.
   */
  private static Refusal refusal(long amount, LocalDate today, List<OpenInstallment> open, PaidDevice device) {
    Refusal refusal = DebtAllocation.validate(amount, today, open, device);
    if (refusal == null && DebtAllocation.allocate(amount, today, open, device).unallocated() > 0) {
      return Refusal.INVALID_AMOUNT;
    }
    return refusal;
  }

  private static boolean isDuplicateKey(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState())
        && pg.getMessage() != null && pg.getMessage().contains("transactions_provider_txn");
  }
}
