package io.payg.gateway.collection;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.plugin.PluginSettings;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-to-pay, from the agent's or operator's request to the recorded payment:
 * validate exactly like a provider's validation call, store the collection (idempotent on the
 * caller's key), ask the provider to collect, then — on the provider's callback or the
 * poller's turn — confirm the status with the provider itself (callbacks are unsigned and can
 * be lost) and turn a success into the same idempotent process command as any payment, keyed
 * on the collection id.
 */
public final class CollectionService {

  private static final Logger LOG = LoggerFactory.getLogger(CollectionService.class);
  /** Give up polling a collection the payer never approved after this long. */
  static final Duration EXPIRY = Duration.ofHours(24);

  public record NewCollection(String provider, String idempotencyKey, UUID requestedBy, String msisdn, String serial,
                              Money amount) {
  }

  private final Pool pool;
  private final Map<String, CollectionProvider> providers;
  private final PluginStore plugins;
  private final PaymentService payments;
  private final Clock clock;
  private final String publicBaseUrl;

  public CollectionService(Pool pool, Map<String, CollectionProvider> providers, PluginStore plugins,
                           PaymentService payments, Clock clock, String publicBaseUrl) {
    this.pool = pool;
    this.providers = Map.copyOf(providers);
    this.plugins = plugins;
    this.payments = payments;
    this.clock = clock;
    this.publicBaseUrl = publicBaseUrl;
  }

  public boolean supports(String provider) {
    return providers.containsKey(provider);
  }

  /** Starts a collection; answers the stored collection (the first one again for a repeated key). */
  public Future<JsonObject> request(UUID companyId, NewCollection c) {
    CollectionProvider provider = providers.get(c.provider());
    if (provider == null) {
      return Future.failedFuture(ApiException.badRequest("'provider' must be one of " + providers.keySet()));
    }
    return plugins.settings(companyId, c.provider()).compose(settings -> {
      if (!settings.enabled()) {
        return Future.failedFuture(ApiException.unprocessable("PROVIDER_NOT_ENABLED",
            "The provider " + c.provider() + " is not enabled for your company"));
      }
      return payments.validate(companyId, settings.currency(), new PaymentQuery(c.serial(), c.amount(), c.msisdn()))
          .compose(outcome -> outcome.valid() ? insert(companyId, c, settings)
              : Future.failedFuture(ApiException.unprocessable(outcome.refusal().name(), outcome.refusal().message())));
    });
  }

  private Future<JsonObject> insert(UUID companyId, NewCollection c, PluginSettings settings) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("INSERT INTO collections (id, company_id, provider, idempotency_key, requested_by, msisdn, "
            + "serial, amount, currency, status, next_poll_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PENDING', "
            + "now() + interval '30 seconds') ON CONFLICT (company_id, idempotency_key) DO NOTHING")
        .execute(Tuple.from(new Object[] {id, companyId, c.provider(), c.idempotencyKey(), c.requestedBy(), c.msisdn(),
            c.serial(), c.amount().minor(), c.amount().currency()}))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return replay(companyId, c);
          }
          CollectionRequest request = new CollectionRequest(id.toString(), c.msisdn(), c.amount(), c.serial(),
              callbackUrl(c.provider(), companyId), settings.settings());
          return Future.fromCompletionStage(providers.get(c.provider()).requestToPay(request))
              .compose(status -> switch (status.state()) {
                case FAILED -> markFailed(id, status.reason());
                // providers that answer the push itself (Vodacom Mozambique waits for the PIN):
                // settle now, through the same confirmation as a callback
                case SUCCEEDED -> confirm(companyId, c.provider(), id);
                // a provider that names the push itself (Safaricom's CheckoutRequestID) is asked by that name
                case PENDING -> status.providerRequestId() == null ? Future.<Void>succeededFuture()
                    : storeRequestId(id, status.providerRequestId());
              })
              // the provider could not be reached: the collection stays PENDING and the poller asks again
              .recover(err -> {
                LOG.warn("request-to-pay {} to {} not confirmed: {}", id, c.provider(), err.getMessage());
                return Future.succeededFuture();
              })
              .compose(v -> get(companyId, id));
        });
  }

  /** The same key again: the first collection, if it asked for the same thing. */
  private Future<JsonObject> replay(UUID companyId, NewCollection c) {
    return pool.preparedQuery("SELECT id, provider, msisdn, serial, amount, currency FROM collections "
            + "WHERE company_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(companyId, c.idempotencyKey()))
        .compose(rows -> {
          Row r = rows.iterator().next();
          boolean same = r.getString("provider").equals(c.provider()) && r.getString("serial").equals(c.serial())
              && r.getLong("amount") == c.amount().minor() && r.getString("msisdn").equals(c.msisdn());
          return same ? get(companyId, r.getUUID("id")) : Future.failedFuture(ApiException.conflict("DUPLICATE_TRANSACTION",
              "This Idempotency-Key was already used for another collection"));
        });
  }

  /**
   * Confirms a collection with its provider and records the payment when it succeeded.
   * Called by the callback route and the poller; safe to run any number of times.
   */
  public Future<Void> confirm(UUID companyId, String provider, UUID reference) {
    return pool.preparedQuery("SELECT c.*, co.currency AS company_currency FROM collections c "
            + "JOIN companies co ON co.id = c.company_id WHERE c.id = $1 AND c.company_id = $2 AND c.provider = $3")
        .execute(Tuple.of(reference, companyId, provider))
        .compose(rows -> {
          if (rows.size() == 0 || !"PENDING".equals(rows.iterator().next().getString("status"))) {
            return Future.succeededFuture(); // unknown, or already settled: nothing to do
          }
          Row c = rows.iterator().next();
          return plugins.settings(companyId, provider).compose(settings -> {
            CollectionRequest request = new CollectionRequest(reference.toString(), c.getString("msisdn"),
                Money.of(c.getLong("amount"), c.getString("currency")), c.getString("serial"),
                callbackUrl(provider, companyId), settings.settings(), c.getString("provider_request_id"));
            return Future.fromCompletionStage(providers.get(provider).status(request))
                .compose(status -> settle(companyId, provider, c, status));
          });
        });
  }

  private Future<Void> settle(UUID companyId, String provider, Row c, CollectionStatus status) {
    UUID id = c.getUUID("id");
    switch (status.state()) {
      case FAILED:
        return markFailed(id, status.reason());
      case PENDING:
        return Future.succeededFuture();
      default:
        break;
    }
    PaymentCommand cmd = new PaymentCommand(id.toString(), c.getString("serial"),
        Money.of(c.getLong("amount"), c.getString("currency")), c.getString("msisdn"), clock.instant());
    return payments.process(companyId, c.getString("company_currency"), provider, cmd).compose(outcome -> {
      String transactionId = null;
      String reason = null;
      if (outcome instanceof ProcessOutcome.Recorded r) {
        transactionId = r.receipt().transactionId();
      } else if (outcome instanceof ProcessOutcome.Replayed r) {
        transactionId = r.receipt().transactionId();
      } else {
        // the money moved but the payment was refused (debts changed since the request):
        // keep it visible for an operator rather than lose it
        reason = "collected but refused: " + ((ProcessOutcome.Refused) outcome).refusal().name();
        LOG.warn("collection {} succeeded at {} but the payment was refused: {}", id, provider, reason);
      }
      // the status API may not name the money movement (Safaricom's query): keep the callback's id then
      return pool.preparedQuery("UPDATE collections SET status = 'SUCCEEDED', provider_txn_id = COALESCE($2, provider_txn_id), "
              + "transaction_id = $3, "
              + "reason = $4, updated_at = now() WHERE id = $1 AND status = 'PENDING'")
          .execute(Tuple.of(id, status.providerTxnId(), transactionId == null ? null : UUID.fromString(transactionId), reason))
          .mapEmpty();
    });
  }

  private Future<Void> storeRequestId(UUID id, String providerRequestId) {
    return pool.preparedQuery("UPDATE collections SET provider_request_id = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id, providerRequestId))
        .mapEmpty();
  }

  /**
   * A callback that names the collection by the provider's own request id (Safaricom's
   * CheckoutRequestID): the id of the money movement it reports is kept on the pending collection,
   * then the collection is confirmed with the provider like any other. False when no collection
   * can take what the callback says: none has that id, or it already FAILED while the callback
   * says the money moved (the caller keeps that money for an operator).
   */
  public Future<Boolean> confirmByProviderRequest(UUID companyId, String provider, String providerRequestId,
                                                  CollectionStatus hint) {
    boolean moved = hint.state() == CollectionStatus.State.SUCCEEDED;
    return pool.preparedQuery("UPDATE collections SET provider_txn_id = CASE WHEN status = 'PENDING' "
            + "THEN COALESCE(provider_txn_id, $4) ELSE provider_txn_id END, updated_at = now() "
            + "WHERE company_id = $1 AND provider = $2 AND provider_request_id = $3 RETURNING id, status")
        .execute(Tuple.of(companyId, provider, providerRequestId, moved ? hint.providerTxnId() : null))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row c = rows.iterator().next();
          if (moved && "FAILED".equals(c.getString("status"))) {
            return Future.succeededFuture(false);
          }
          return confirm(companyId, provider, c.getUUID("id")).map(true);
        });
  }

  private Future<Void> markFailed(UUID id, String reason) {
    return pool.preparedQuery("UPDATE collections SET status = 'FAILED', reason = $2, updated_at = now() "
            + "WHERE id = $1 AND status = 'PENDING'")
        .execute(Tuple.of(id, reason == null ? "failed" : reason))
        .mapEmpty();
  }

  public Future<JsonObject> get(UUID companyId, UUID id) {
    return pool.preparedQuery("SELECT * FROM collections WHERE id = $1 AND company_id = $2").execute(Tuple.of(id, companyId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("collection");
          }
          Row r = rows.iterator().next();
          return new JsonObject().put("id", r.getUUID("id").toString()).put("provider", r.getString("provider"))
              .put("status", r.getString("status")).put("serial", r.getString("serial")).put("msisdn", r.getString("msisdn"))
              .put("amount", r.getLong("amount")).put("currency", r.getString("currency"))
              .put("providerTxnId", r.getString("provider_txn_id")).put("reason", r.getString("reason"))
              .put("transactionId", r.getUUID("transaction_id") == null ? null : r.getUUID("transaction_id").toString())
              .put("statusUrl", "/api/v1/collections/" + r.getUUID("id"))
              .put("createdAt", r.getOffsetDateTime("created_at").toString());
        });
  }

  /** Pending collections due for a status check, claimed so that one poller asks at a time. */
  Future<java.util.List<Row>> claimDue(int limit) {
    return pool.preparedQuery("WITH due AS (SELECT id FROM collections WHERE status = 'PENDING' AND next_poll_at <= now() "
            + "ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
            + "UPDATE collections c SET poll_attempts = c.poll_attempts + 1, "
            // 30 s, 1 min, 2 min ... at most 10 min between checks
            + "next_poll_at = now() + make_interval(secs => least(600, 30 * power(2, least(c.poll_attempts, 5)))) "
            + "FROM due WHERE c.id = due.id RETURNING c.id, c.company_id, c.provider, c.created_at")
        .execute(Tuple.of(limit))
        .map(rows -> {
          java.util.List<Row> out = new java.util.ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  /** One poller round: confirm what is due, expire what the payer never approved. */
  Future<Integer> pollOnce(int limit) {
    return claimDue(limit).compose(due -> {
      java.util.List<Future<Void>> checks = new java.util.ArrayList<>();
      for (Row r : due) {
        UUID id = r.getUUID("id");
        boolean expired = r.getOffsetDateTime("created_at").toInstant().plus(EXPIRY).isBefore(clock.instant());
        checks.add((expired ? markFailed(id, "expired: never approved")
            : confirm(r.getUUID("company_id"), r.getString("provider"), id))
            .recover(err -> {
              LOG.warn("status of collection {} not known yet: {}", id, err.getMessage());
              return Future.succeededFuture();
            }));
      }
      return Future.join(checks).map(due.size());
    });
  }

  private String callbackUrl(String provider, UUID companyId) {
    return publicBaseUrl + "/api/v1/telco/" + provider + "/" + companyId + "/callback";
  }
}
