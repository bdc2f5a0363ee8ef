package io.payg.gateway.payment;

import io.payg.domain.Serial;
import io.payg.domain.allocation.AllocationResult;
import io.payg.domain.allocation.DebtAllocation;
import io.payg.domain.allocation.OpenInstallment;
import io.payg.domain.allocation.PaidDevice;
import io.payg.domain.allocation.ReversalDebt;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.logging.PaymentTrace;
import io.payg.gateway.outbox.JobHandoff;
import io.payg.gateway.outbox.JobOrigin;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.unmatched.UnmatchedPaymentStore;
import io.payg.gateway.webhook.WebhookJobHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two canonical payment commands every channel (telco adapters, agents' cash) ends in.
 *
 * <p>Process reads a consistent snapshot (device, tariff, the customer's open installments,
 * any earlier transaction with this provider id), allocates it with the domain's
 * {@link DebtAllocation}, and records everything with ONE statement guarded by the customer's
 * debt_version. A payment that lost a race to another payment of the same customer (version
 * moved) or to a duplicate of itself (unique key) simply starts again from a new snapshot,
 * where it then sees the winner: so a debt is never paid twice, and one provider transaction
 * is recorded once, across any number of gateway instances.
 */
public final class PaymentService {

  private static final Logger LOG = LoggerFactory.getLogger(PaymentService.class);

  /** Attempts before answering 503: each lost race means another payment of the customer got through. */
  static final int MAX_ATTEMPTS = 25;

  private final PaymentStore store;
  private final UnmatchedPaymentStore unmatched;
  private final JobHandoff handoff;
  private final Vertx vertx;
  private final Clock clock;

  public PaymentService(Vertx vertx, Pool pool, Clock clock) {
    this(vertx, pool, pool, clock, new JobHandoff());
  }

  /**
   * As above; {@code reads} serves the validation lookup and the snapshot, and {@code handoff}
   * takes each payment's job, inserted leased, to this instance's worker.
   */
  public PaymentService(Vertx vertx, Pool pool, SqlClient reads, Clock clock, JobHandoff handoff) {
    this.store = new PaymentStore(pool, reads, handoff);
    this.handoff = handoff;
    this.unmatched = new UnmatchedPaymentStore(pool);
    this.vertx = vertx;
    this.clock = clock;
  }

  /** Validation: one indexed read, nothing stored. */
  public Future<ValidationOutcome> validate(
      UUID companyId, String companyCurrency, PaymentQuery query) {
    if (!query.amount().currency().equals(companyCurrency)) {
      return Future.succeededFuture(ValidationOutcome.refused(Refusal.WRONG_CURRENCY));
    }
    return store.lookup(companyId, query.serial()).map(found -> {
      if (found == null) {
        return ValidationOutcome.refused(Refusal.DEVICE_NOT_FOUND);
      }
      LocalDate today = LocalDate.now(clock);
      PaidDevice device = found.account().paidDevice(today);
      Refusal refusal = refusal(
          query.amount().minor(), today, found.reversalDebts(), found.installments(), device);
      return refusal != null
          ? ValidationOutcome.refused(refusal)
          : ValidationOutcome.accepted(
              found.account().customerName(),
              found.account().type(),
              DebtAllocation.minimumAmount(
                  today, found.reversalDebts(), found.installments(), device));
    });
  }

  /** Process: records the payment once, clears debts, queues the token job. */
  public Future<ProcessOutcome> process(
      UUID companyId, String companyCurrency, String provider, PaymentCommand cmd) {
    return process(companyId, companyCurrency, provider, cmd, JobOrigin.none());
  }

  /** {@link #process}, for the provider call {@code origin}: its request id and trace go with the payment's jobs. */
  public Future<ProcessOutcome> process(
      UUID companyId,
      String companyCurrency,
      String provider,
      PaymentCommand cmd,
      JobOrigin origin) {
    return process(companyId, companyCurrency, provider, cmd, null, null, origin);
  }

  /**
   * Process for a provider that says the money already moved (a confirmation): what cannot be
   * booked is kept as an unmatched payment, once per provider id, instead of being refused.
   * A conflicting replay (same id, other payment) stays a refusal: its first payment is booked.
   *
   * @param rawBody the provider's body with secrets removed, kept for the operator
   */
  public Future<ProcessOutcome> processMoved(
      UUID companyId, String companyCurrency, String provider, PaymentCommand cmd, String rawBody) {
    return processMoved(companyId, companyCurrency, provider, cmd, rawBody, JobOrigin.none());
  }

  /** {@link #processMoved}, for the provider call {@code origin}. */
  public Future<ProcessOutcome> processMoved(
      UUID companyId,
      String companyCurrency,
      String provider,
      PaymentCommand cmd,
      String rawBody,
      JobOrigin origin) {
    return process(companyId, companyCurrency, provider, cmd, origin).compose(outcome -> {
      if (outcome instanceof ProcessOutcome.Refused r
          && r.refusal() != Refusal.DUPLICATE_TRANSACTION) {
        return keep(companyId, provider, cmd, r.refusal(), r.detail(), true, rawBody)
            .map(id -> id == null ? outcome : new ProcessOutcome.Kept(id, r.refusal(), r.detail()));
      }
      return Future.succeededFuture(outcome);
    });
  }

  /** Keeps money that moved but cannot be booked; the kept row's id, or null if the id is booked. */
  public Future<UUID> keep(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      Refusal reason,
      String detail,
      boolean authenticated,
      String rawBody) {
    return unmatched.keep(companyId, provider, cmd, reason, detail, authenticated, rawBody);
  }

  /** Keeps money that moved in an amount that cannot be read (AMOUNT_UNREADABLE, no amount). */
  public Future<UUID> keepAmountUnreadable(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      String detail,
      boolean authenticated,
      String rawBody) {
    return unmatched.keep(
        companyId,
        provider,
        cmd,
        UnmatchedPaymentStore.AMOUNT_UNREADABLE,
        detail,
        authenticated,
        rawBody);
  }

  /**
   * An operator books the kept unmatched payment {@code unmatchedId} for {@code cmd.serial()}:
   * the provider's own pipeline (same allocation, token job, SMS) under the ORIGINAL provider id.
   * The record statement also flips the kept row from OPEN to ASSIGNED, guarded by its status, so
   * concurrent assigns and a late redelivery of the provider's message book it exactly once.
   * {@link ProcessOutcome.NotOpen} when it was booked or dismissed meanwhile. {@code origin}: the
   * operator's request, whose id and trace go with the payment's jobs.
   */
  public Future<ProcessOutcome> assign(
      UUID companyId,
      String companyCurrency,
      String provider,
      PaymentCommand cmd,
      UUID unmatchedId,
      UUID operatorId,
      JobOrigin origin) {
    return logged(
        companyId,
        provider,
        cmd,
        origin,
        "assigned",
        process(
            companyId,
            companyCurrency,
            provider,
            cmd,
            null,
            new PaymentStore.Assign(unmatchedId, operatorId),
            origin));
  }

  /**
   * A cash payment taken by {@code agentId}: the same pipeline, for the agent's own customers
   * only, and within the agent's risk limit.
   */
  public Future<ProcessOutcome> processCash(
      UUID companyId, String companyCurrency, UUID agentId, PaymentCommand cmd, JobOrigin origin) {
    return logged(
        companyId,
        CASH,
        cmd,
        origin,
        "agent cash",
        process(companyId, companyCurrency, CASH, cmd, agentId, null, origin));
  }

  /**
   * Cash paid at the office and recorded by staff: provider {@link #CASH}, no agent (the cash is
   * the office's, no agent's float nor commission); the staff user is in the provider id.
   */
  public Future<ProcessOutcome> processOfficeCash(
      UUID companyId, String companyCurrency, PaymentCommand cmd, JobOrigin origin) {
    return logged(
        companyId,
        CASH,
        cmd,
        origin,
        "office cash",
        process(companyId, companyCurrency, CASH, cmd, null, null, origin));
  }

  /**
   * The booking line of a payment that came with no provider call (agent or office cash, an
   * operator's assign), with the ids its jobs' lines carry too, so it is followed as a telco one.
   */
  private static Future<ProcessOutcome> logged(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      JobOrigin origin,
      String channel,
      Future<ProcessOutcome> outcome) {
    return outcome.onSuccess(o -> {
      PaymentTrace trace = PaymentTrace.ofRequest(origin.requestId(), companyId, provider)
          .withProviderTxnId(cmd.providerTxnId());
      if (o instanceof ProcessOutcome.Recorded r) {
        LOG.info(
            trace.withTransaction(r.receipt().transactionId()).marker(),
            "{} payment {} for {} booked as transaction {}",
            channel,
            cmd.amount(),
            cmd.serial(),
            r.receipt().transactionId());
      } else if (o instanceof ProcessOutcome.Refused r) {
        LOG.info(
            trace.marker(),
            "{} payment {} for {} refused: {}",
            channel,
            cmd.amount(),
            cmd.serial(),
            r.refusal());
      }
    });
  }

  /** The provider name of agents' cash payments. */
  public static final String CASH = "cash";

  private Future<ProcessOutcome> process(
      UUID companyId,
      String companyCurrency,
      String provider,
      PaymentCommand cmd,
      UUID agentId,
      PaymentStore.Assign assign,
      JobOrigin origin) {
    if (!cmd.amount().currency().equals(companyCurrency)) {
      return Future.succeededFuture(new ProcessOutcome.Refused(
          Refusal.WRONG_CURRENCY, "the company's currency is " + companyCurrency));
    }
    return attempt(companyId, provider, cmd, agentId, assign, origin, 1);
  }

  private Future<ProcessOutcome> attempt(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      UUID agentId,
      PaymentStore.Assign assign,
      JobOrigin origin,
      int attempt) {
    return store
        .snapshot(companyId, provider, cmd.providerTxnId(), cmd.serial())
        .compose(snapshot -> decide(companyId, provider, cmd, snapshot, agentId, assign, origin))
        // a concurrent duplicate booked (or kept) the same provider id first: the next snapshot
        // sees it
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
                "Too many concurrent payments for this customer; retry the same transaction"));
          }
          return attempt(companyId, provider, cmd, agentId, assign, origin, attempt + 1);
        });
  }

  /** The outcome for this snapshot, or null when it was overtaken and must be taken again. */
  private Future<ProcessOutcome> decide(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      PaymentStore.Snapshot snapshot,
      UUID agentId,
      PaymentStore.Assign assign,
      JobOrigin origin) {
    if (snapshot != null
        && agentId != null
        && !agentId.equals(snapshot.account().agentId())) {
      snapshot =
          null; // an agent pays for their own customers only; another's device is unknown to them
    }
    if (assign != null) {
      // an operator's assign: the provider id must still be only the kept row; never a conflict
      // record
      if (snapshot == null) {
        return Future.succeededFuture(new ProcessOutcome.Refused(
            Refusal.DEVICE_NOT_FOUND, "no device with serial " + cmd.serial()));
      }
      if (snapshot.earlier() != null || !assign.unmatchedId().equals(snapshot.kept())) {
        return Future.succeededFuture(new ProcessOutcome.NotOpen());
      }
      snapshot = new PaymentStore.Snapshot(
          snapshot.account(),
          snapshot.installments(),
          null,
          null,
          snapshot.reversalDebts(),
          snapshot.manufacturer());
    }
    if (snapshot == null) {
      // unknown serial, unless the provider id was already used (then it is a conflicting replay)
      return store
          .findTransaction(companyId, provider, cmd.providerTxnId())
          .compose(earlier -> earlier == null
              ? Future.succeededFuture(new ProcessOutcome.Refused(
                  Refusal.DEVICE_NOT_FOUND, "no device with serial " + cmd.serial()))
              : replayOrConflict(companyId, provider, cmd, earlier));
    }
    if (snapshot.earlier() != null) {
      return replayOrConflict(companyId, provider, cmd, snapshot.earlier());
    }
    if (snapshot.kept() != null) {
      return Future.succeededFuture(new ProcessOutcome.Kept(
          snapshot.kept(),
          Refusal.DEVICE_NOT_FOUND,
          "this provider transaction is kept as an unmatched payment for an operator"));
    }
    LocalDate today = LocalDate.now(clock);
    PaidDevice device = snapshot.account().paidDevice(today);
    long amount = cmd.amount().minor();
    Refusal refusal =
        refusal(amount, today, snapshot.reversalDebts(), snapshot.installments(), device);
    if (refusal != null) {
      return Future.succeededFuture(new ProcessOutcome.Refused(refusal, refusal.message()));
    }
    AllocationResult result = DebtAllocation.allocate(
        amount, today, snapshot.reversalDebts(), snapshot.installments(), device);
    return store
        .record(companyId, provider, cmd, snapshot, result, agentId, assign, origin)
        .onSuccess(this::startJob)
        .map(w -> w.overtaken()
            ? null
            : w.notOpen()
                ? new ProcessOutcome.NotOpen()
                : w.overRiskLimit()
                    ? new ProcessOutcome.AgentRiskLimitExceeded()
                    : new ProcessOutcome.Recorded(w.receipt()));
  }

  /**
   * The recorded payment's TOKEN (or SMS) job: inserted leased to this instance's worker, it is
   * handed over with all it needs (no claim, no read); else its worker is woken to claim it. The
   * webhook worker is woken only when the payment queued a delivery.
   */
  private void startJob(PaymentStore.Written w) {
    if (w.job() != null) {
      handoff.hand(w.job());
    } else if (w.receipt() != null) {
      vertx
          .eventBus()
          .send(
              OutboxWorker.wakeAddress(w.receipt().tokenAmount() == null ? "SMS" : "TOKEN"), null);
    }
    if (w.webhooks()) {
      vertx.eventBus().send(OutboxWorker.wakeAddress(WebhookJobHandler.KIND), null);
    }
  }

  private Future<ProcessOutcome> replayOrConflict(
      UUID companyId, String provider, PaymentCommand cmd, JsonObject earlier) {
    UUID id = UUID.fromString(earlier.getString("id"));
    // the earlier transaction holds the serial as registered; the replay may be typed otherwise
    boolean same = Serial.same(earlier.getString("serial"), cmd.serial())
        && earlier.getLong("amount") == cmd.amount().minor()
        && earlier.getString("currency").equals(cmd.amount().currency());
    if (same) {
      return store.receipt(id).map(ProcessOutcome.Replayed::new);
    }
    // a late redelivery of a message an operator assigned carries the serial as typed: a replay
    return store
        .assignedFrom(id, cmd)
        .compose(assigned -> assigned
            ? store.receipt(id).map(ProcessOutcome.Replayed::new)
            : store
                .recordConflict(companyId, provider, cmd, id)
                .map(v -> new ProcessOutcome.Refused(
                    Refusal.DUPLICATE_TRANSACTION,
                    "transaction id " + cmd.providerTxnId()
                        + " was already used for another payment")));
  }

  /**
   * The domain's minimum rules, plus one of ours: the gateway never takes money it cannot
   * allocate (a paid-off SHS has nothing left to buy), so such a payment is refused.
   */
  private static Refusal refusal(
      long amount,
      LocalDate today,
      List<ReversalDebt> debts,
      List<OpenInstallment> open,
      PaidDevice device) {
    Refusal refusal = DebtAllocation.validate(amount, today, debts, open, device);
    if (refusal == null
        && DebtAllocation.allocate(amount, today, debts, open, device).unallocated() > 0) {
      return Refusal.INVALID_AMOUNT;
    }
    return refusal;
  }

  private static boolean isDuplicateKey(Throwable err) {
    return err instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && pg.getMessage() != null
        && (pg.getMessage().contains("transactions_provider_txn")
            || pg.getMessage().contains("provider_txn_ids_pkey"));
  }
}
