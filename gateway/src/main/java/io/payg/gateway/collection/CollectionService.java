package io.payg.gateway.collection;

import io.payg.domain.Money;
import io.payg.domain.Serial;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.Refusal;
import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.plugin.PluginSettings;
import io.payg.gateway.plugin.PluginStore;
import io.payg.telco.safaricom.SafaricomStkTelcoAdapter;
import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-to-pay, from the agent's or operator's request to the recorded payment:
 * validate exactly like a provider's validation call, store the collection (idempotent on the
 * caller's key), ask the provider to collect, then — on the provider's callback or the
 * poller's turn — confirm the status with the provider itself (callbacks are unsigned and can
 * be lost) and turn a success into the same idempotent process command as any payment, keyed
 * on the collection id.
 *
 * <p>Rules every provider shares:
 * <ul>
 *   <li>a "not found" from the status API ({@link CollectionStatus#unknownReference()}) is final
 *       only when the provider never accepted the request; once accepted it means "not yet";</li>
 *   <li>a collection still PENDING when it expires ({@link #EXPIRY}) gets one last status query
 *       before it is FAILED; a callback that arrives after that still asks, and a success books the
 *       money (FAILED → SUCCEEDED): the payer paid;</li>
 *   <li>a success whose payment is then refused (debts changed, device moved, ...) is kept as an
 *       unmatched payment under the collection id ({@link PaymentService#processMoved}), so a
 *       succeeded collection is money on the books exactly once: a transaction or an unmatched
 *       payment, never both, never neither;</li>
 *   <li>a provider that answers the push itself with the final word (M-Pesa Mozambique INS-0) is
 *       booked from that answer, without a second query.</li>
 * </ul>
 */
public final class CollectionService {

  private static final Logger LOG = LoggerFactory.getLogger(CollectionService.class);
  /** Give up polling a collection the payer never approved after this long (after one last query). */
  static final Duration EXPIRY = Duration.ofHours(24);

  static final String EXPIRED = "expired: never approved";

  public record NewCollection(
      String provider,
      String idempotencyKey,
      UUID requestedBy,
      String msisdn,
      String serial,
      Money amount) {

    /** The serial as typed, trimmed: matched case-insensitively like every payment ({@link Serial}). */
    public NewCollection {
      serial = Serial.normalise(serial);
    }
  }

  private final CollectionStore store;
  private final Map<String, CollectionProvider> providers;
  private final PluginStore plugins;
  private final PaymentService payments;
  private final Clock clock;
  private final Supplier<String> publicBaseUrl;

  public CollectionService(
      Pool pool,
      Map<String, CollectionProvider> providers,
      PluginStore plugins,
      PaymentService payments,
      Clock clock,
      Supplier<String> publicBaseUrl) {
    this.store = new CollectionStore(pool);
    this.providers = Map.copyOf(providers);
    this.plugins = plugins;
    this.payments = payments;
    this.clock = clock;
    this.publicBaseUrl = publicBaseUrl;
  }

  public boolean supports(String provider) {
    return providers.containsKey(provider);
  }

  /**
   * An agent asks only their own customers to pay: the device must belong to a customer assigned
   * to them (404 otherwise, as for a device of another company), then as {@link #request}.
   */
  public Future<JsonObject> requestByAgent(UUID companyId, NewCollection c) {
    return store
        .agentsDevice(companyId, c.requestedBy(), c.serial())
        .compose(own -> own
            ? request(companyId, c)
            : Future.failedFuture(
                ApiException.notFound("device " + c.serial() + " among your customers")));
  }

  /** Starts a collection; answers the stored collection (the first one again for the caller's repeated key). */
  public Future<JsonObject> request(UUID companyId, NewCollection c) {
    CollectionProvider provider = providers.get(c.provider());
    if (provider == null) {
      return Future.failedFuture(
          ApiException.badRequest("'provider' must be one of " + providers.keySet()));
    }
    return plugins.settings(companyId, c.provider()).compose(settings -> {
      if (!settings.enabled()) {
        return Future.failedFuture(ApiException.unprocessable(
            "PROVIDER_NOT_ENABLED",
            "The provider " + c.provider() + " is not enabled for your company"));
      }
      return payments
          .validate(
              companyId, settings.currency(), new PaymentQuery(c.serial(), c.amount(), c.msisdn()))
          .compose(outcome -> outcome.valid()
              ? insert(companyId, c, settings)
              : Future.failedFuture(ApiException.unprocessable(
                  outcome.refusal().name(), outcome.refusal().message())));
    });
  }

  private Future<JsonObject> insert(UUID companyId, NewCollection c, PluginSettings settings) {
    UUID id = UUID.randomUUID();
    return store.insert(id, companyId, c).compose(inserted -> {
      if (!inserted) {
        return replay(companyId, c);
      }
      CollectionRequest request = new CollectionRequest(
          id.toString(),
          c.msisdn(),
          c.amount(),
          c.serial(),
          callbackUrl(c.provider(), companyId),
          settings.settings());
      return Future.fromCompletionStage(providers.get(c.provider()).requestToPay(request))
          .compose(status -> switch (status.state()) {
            case FAILED -> store.failed(id, status.reason());
            // the provider took it; a provider that answers the push itself (M-Pesa Mozambique
            // waits for the PIN) gave its final word: book it from this answer
            case SUCCEEDED ->
              store
                  .accepted(id)
                  .compose(v -> store.forConfirm(companyId, c.provider(), id))
                  .compose(row -> settle(companyId, c.provider(), row, status, false));
            // a provider that names the push itself (Safaricom's CheckoutRequestID) is asked by
            // that name
            case PENDING ->
              store
                  .accepted(id)
                  .compose(v -> status.providerRequestId() == null
                      ? Future.<Void>succeededFuture()
                      : store.requestId(id, status.providerRequestId()));
          })
          // the provider could not be reached: the collection stays PENDING and the poller asks
          // again
          .recover(err -> {
            LOG.warn(
                "request-to-pay {} to {} not confirmed: {}", id, c.provider(), err.getMessage());
            return Future.succeededFuture();
          })
          .compose(v -> get(companyId, id));
    });
  }

  /** The same key again: the first collection, if it asked for the same thing. */
  private Future<JsonObject> replay(UUID companyId, NewCollection c) {
    return store.byKey(companyId, c.idempotencyKey(), c.requestedBy()).compose(r -> {
      boolean same = r.getString("provider").equals(c.provider())
          && Serial.same(r.getString("serial"), c.serial())
          && r.getLong("amount") == c.amount().minor()
          && r.getString("msisdn").equals(c.msisdn());
      return same
          ? get(companyId, r.getUUID("id"))
          : Future.failedFuture(ApiException.conflict(
              "DUPLICATE_TRANSACTION",
              "This Idempotency-Key was already used for another collection"));
    });
  }

  /**
   * Confirms a collection with its provider and records the payment when it succeeded.
   * Called by the callback route and the poller; safe to run any number of times. A FAILED
   * collection is asked again too: a late callback may be the first word of a payment that went
   * through after we gave up.
   */
  public Future<Void> confirm(UUID companyId, String provider, UUID reference) {
    // the provider's status API could not answer now: the callback is still taken (its sender
    // may never send it again) and the poller asks soon instead
    return confirm(companyId, provider, reference, false).recover(err -> {
      LOG.warn(
          "collection {} at {}: status not known after its callback, asked again soon: {}",
          reference,
          provider,
          err.getMessage());
      return store.pollSoon(reference);
    });
  }

  private Future<Void> confirm(UUID companyId, String provider, UUID reference, boolean lastCheck) {
    return store.forConfirm(companyId, provider, reference).compose(c -> {
      if (c == null || "SUCCEEDED".equals(c.getString("status"))) {
        return Future.succeededFuture(); // unknown, or booked already: nothing to do
      }
      return plugins.settings(companyId, provider).compose(settings -> {
        CollectionRequest request = new CollectionRequest(
            reference.toString(),
            c.getString("msisdn"),
            Money.of(c.getLong("amount"), c.getString("currency")),
            c.getString("serial"),
            callbackUrl(provider, companyId),
            settings.settings(),
            c.getString("provider_request_id"));
        return Future.fromCompletionStage(providers.get(provider).status(request))
            .compose(status -> settle(companyId, provider, c, status, lastCheck));
      });
    });
  }

  private Future<Void> settle(
      UUID companyId, String provider, Row c, CollectionStatus status, boolean lastCheck) {
    UUID id = c.getUUID("id");
    boolean accepted = c.getOffsetDateTime("accepted_at") != null;
    switch (status.state()) {
      case FAILED:
        if (status.unknownReference() && accepted && !lastCheck) {
          return Future
              .succeededFuture(); // the provider took it and has not recorded it yet: not yet
        }
        return store.failed(
            id,
            status.unknownReference() && accepted
                ? EXPIRED + " (" + status.reason() + ")"
                : status.reason());
      case PENDING:
        return lastCheck ? store.failed(id, EXPIRED) : Future.succeededFuture();
      default:
        break;
    }
    Money requested = Money.of(c.getLong("amount"), c.getString("currency"));
    String confirmation = new JsonObject()
        .put("collectionId", id.toString())
        .put("provider", provider)
        .put("providerTxnId", status.providerTxnId())
        .put("status", "SUCCEEDED")
        .put("previousStatus", c.getString("status"))
        .put("collected", status.collected() == null ? null : status.collected().toString())
        .encode();
    if (status.amountUnreadable()) {
      // the provider says the payer paid, in an amount nobody can read: on the books without an
      // amount for an operator (who states it), never FAILED, never booked as the request
      PaymentCommand moved = new PaymentCommand(
          id.toString(),
          c.getString("serial"),
          Money.zero(requested.currency()),
          c.getString("msisdn"),
          clock.instant());
      return payments
          .keepAmountUnreadable(companyId, provider, moved, status.reason(), true, confirmation)
          .compose(kept -> store.succeeded(
              id,
              status.providerTxnId(),
              null,
              kept,
              "collected in an unreadable amount, kept as unmatched payment: " + status.reason()));
    }
    if (status.collected() != null && !status.collected().equals(requested)) {
      // the provider collected another amount than asked: the money is real, the request is not
      // what happened; an operator decides
      PaymentCommand moved = new PaymentCommand(
          id.toString(),
          c.getString("serial"),
          status.collected(),
          c.getString("msisdn"),
          clock.instant());
      return payments
          .keep(
              companyId,
              provider,
              moved,
              Refusal.INVALID_AMOUNT,
              status.reason(),
              true,
              confirmation)
          .compose(kept -> store.succeeded(
              id,
              status.providerTxnId(),
              null,
              kept,
              "collected another amount, kept as unmatched payment: " + status.reason()));
    }
    // an STK push's payment is also announced to the pay bill's C2B confirmation URL, under the
    // same M-Pesa receipt (MpesaReceiptNumber == TransID): with the receipt known it is booked
    // under
    // the C2B's own key (company, safaricom, receipt), so whichever comes first books it and the
    // other replays it; the key's uniqueness (provider_txn_ids, transactions) settles any race
    String receipt =
        status.providerTxnId() != null ? status.providerTxnId() : c.getString("provider_txn_id");
    boolean mpesaReceipt = SafaricomStkTelcoAdapter.NAME.equals(provider) && receipt != null;
    String bookedAs = mpesaReceipt ? SafaricomTelcoAdapter.NAME : provider;
    PaymentCommand cmd = new PaymentCommand(
        mpesaReceipt ? receipt : id.toString(),
        c.getString("serial"),
        requested,
        c.getString("msisdn"),
        clock.instant());
    return payments
        .processMoved(companyId, c.getString("company_currency"), bookedAs, cmd, confirmation)
        .compose(outcome -> {
          UUID transactionId = null;
          UUID unmatchedId = null;
          String reason = null;
          if (outcome instanceof ProcessOutcome.Recorded r) {
            transactionId = UUID.fromString(r.receipt().transactionId());
          } else if (outcome instanceof ProcessOutcome.Replayed r) {
            transactionId = UUID.fromString(r.receipt().transactionId());
          } else if (outcome instanceof ProcessOutcome.Kept k) {
            // the money moved but the payment is refused now (debts changed, device moved ...):
            // it waits as an unmatched payment for an operator to assign or dismiss
            unmatchedId = k.unmatchedId();
            reason = "collected, kept as unmatched payment: " + k.refusal().name()
                + (k.detail() == null ? "" : " (" + k.detail() + ")");
            LOG.warn(
                "collection {} succeeded at {} but cannot be booked: {}", id, provider, reason);
          } else if (outcome instanceof ProcessOutcome.Refused r) {
            // only a conflicting replay of the same id ends here: its first payment is booked
            reason = "collected but refused: " + r.refusal().name();
            LOG.warn("collection {} succeeded at {} but was refused: {}", id, provider, reason);
          }
          return store.succeeded(id, status.providerTxnId(), transactionId, unmatchedId, reason);
        });
  }

  /**
   * A callback that names the collection by the provider's own request id (Safaricom's
   * CheckoutRequestID): the id of the money movement it reports is kept on the pending collection,
   * then the collection is confirmed with the provider like any other. False when no collection
   * can take what the callback says: none has that id, or it already FAILED while the callback
   * says the money moved (the caller keeps that money for an operator).
   */
  public Future<Boolean> confirmByProviderRequest(
      UUID companyId, String provider, String providerRequestId, CollectionStatus hint) {
    boolean moved = hint.state() == CollectionStatus.State.SUCCEEDED;
    return store
        .byRequestId(companyId, provider, providerRequestId, moved ? hint.providerTxnId() : null)
        .compose(c -> {
          if (c == null || moved && "FAILED".equals(c.getString("status"))) {
            return Future.succeededFuture(false);
          }
          return confirm(companyId, provider, c.getUUID("id")).map(true);
        });
  }

  public Future<JsonObject> get(UUID companyId, UUID id) {
    return store.get(companyId, id).map(r -> {
      if (r == null) {
        throw ApiException.notFound("collection");
      }
      return new JsonObject()
          .put("id", r.getUUID("id").toString())
          .put("provider", r.getString("provider"))
          .put("status", r.getString("status"))
          .put("serial", r.getString("serial"))
          .put("msisdn", r.getString("msisdn"))
          .put("amount", r.getLong("amount"))
          .put("currency", r.getString("currency"))
          .put("providerTxnId", r.getString("provider_txn_id"))
          .put("reason", r.getString("reason"))
          .put(
              "transactionId",
              r.getUUID("transaction_id") == null
                  ? null
                  : r.getUUID("transaction_id").toString())
          .put(
              "unmatchedPaymentId",
              r.getUUID("unmatched_payment_id") == null
                  ? null
                  : r.getUUID("unmatched_payment_id").toString())
          .put("statusUrl", "/api/v1/collections/" + r.getUUID("id"))
          .put("createdAt", r.getOffsetDateTime("created_at").toString());
    });
  }

  /** One poller round: confirm what is due; what expired gets one last query, then FAILED. */
  Future<Integer> pollOnce(int limit) {
    return store.claimDue(limit).compose(due -> {
      List<Future<Void>> checks = new ArrayList<>();
      for (Row r : due) {
        UUID id = r.getUUID("id");
        boolean expired =
            r.getOffsetDateTime("created_at").toInstant().plus(EXPIRY).isBefore(clock.instant());
        checks.add(confirm(r.getUUID("company_id"), r.getString("provider"), id, expired)
            .recover(err -> {
              if (expired) {
                // the last query could not be answered: give up; a late callback still books it
                LOG.warn(
                    "collection {} expired, its last status query failed: {}",
                    id,
                    err.getMessage());
                return store.failed(
                    id, EXPIRED + "; last status query failed: " + err.getMessage());
              }
              LOG.warn("status of collection {} not known yet: {}", id, err.getMessage());
              return Future.succeededFuture();
            }));
      }
      return Future.join(checks).map(due.size());
    });
  }

  private String callbackUrl(String provider, UUID companyId) {
    return publicBaseUrl.get() + "/api/v1/telco/" + provider + "/" + companyId + "/callback";
  }
}
