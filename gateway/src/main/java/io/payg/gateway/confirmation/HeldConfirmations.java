package io.payg.gateway.confirmation;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.payg.domain.port.PaymentStatusQuery;
import io.payg.domain.port.TelcoCall;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confirmations held until the provider's own status API confirms them (Daraja's Transaction
 * Status: a C2B confirmation is unsigned). The confirmation is acknowledged at once and kept in
 * {@link HeldConfirmationStore} (durable); a worker asks the provider; the asynchronous result
 * books the money through the same pipeline as any confirmation
 * ({@link PaymentService#processMoved}) or, when the provider does not confirm it (not completed,
 * another amount, never answered), keeps it flagged as an unmatched payment for an operator.
 */
public final class HeldConfirmations {

  private static final Logger LOG = LoggerFactory.getLogger(HeldConfirmations.class);
  /** How long a result is awaited before the provider is asked again. */
  static final Duration RESULT_WAIT = Duration.ofMinutes(5);
  /** Queries (accepted or failed) before a check gives up and keeps the money flagged. */
  static final int MAX_ATTEMPTS = 8;

  static final Duration LEASE = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final HeldConfirmationStore store;
  private final Map<String, PaymentStatusQuery> queries;
  private final PluginStore plugins;
  private final PaymentService payments;
  private final Supplier<String> publicBaseUrl;
  private final Map<String, String> callbackAliases;

  /**
   * @param callbackAliases the path a provider is called back under when its own name cannot be in a
   *                        URL (Daraja refuses "safaricom": {@code safaricom → ke-c2b})
   */
  public HeldConfirmations(
      Vertx vertx,
      HeldConfirmationStore store,
      Map<String, PaymentStatusQuery> queries,
      PluginStore plugins,
      PaymentService payments,
      Supplier<String> publicBaseUrl,
      Map<String, String> callbackAliases) {
    this.vertx = vertx;
    this.store = store;
    this.queries = Map.copyOf(queries);
    this.plugins = plugins;
    this.payments = payments;
    this.publicBaseUrl = publicBaseUrl;
    this.callbackAliases = Map.copyOf(callbackAliases);
  }

  /** Whether a moved-money message of {@code provider} is held for its status check under these settings. */
  public boolean applies(String provider, Map<String, String> settings) {
    PaymentStatusQuery query = queries.get(provider);
    return query != null && query.enabled(settings);
  }

  /** Holds it (once per provider id; nothing when already booked or kept). */
  public Future<Boolean> hold(UUID companyId, String provider, PaymentCommand cmd, String rawBody) {
    return store.hold(companyId, provider, cmd, rawBody);
  }

  /** The provider's result: book, keep flagged, or (a queue time-out) ask again soon. */
  public Future<Void> settle(
      UUID companyId, String currency, String provider, TelcoCall.PaymentStatus status) {
    return find(companyId, provider, status, 0).compose(held -> {
      if (held == null || !("PENDING".equals(held.status()) || "ASKED".equals(held.status()))) {
        LOG.info(
            "{} status result for nothing held ({}, {})",
            provider,
            status.providerTxnId(),
            status.queryId());
        return Future.succeededFuture();
      }
      if (!status.answered()) {
        return store.retryLater(held.id(), Duration.ofSeconds(30), status.detail());
      }
      boolean sameMoney =
          status.amount() != null && status.amount().equals(held.command().amount());
      if (status.confirmed() && sameMoney) {
        // processMoved is idempotent on the provider id: a second result, or a crash before end(),
        // books once
        return payments
            .processMoved(companyId, currency, provider, held.command(), held.rawBody())
            .compose(outcome -> store.end(held.id(), "BOOKED", "0", status.detail()))
            .mapEmpty();
      }
      String why = status.confirmed()
          ? "the status API reports " + status.amount() + ", the confirmation "
              + held.command().amount()
          : "the status API did not confirm it: " + status.detail();
      return payments
          .keep(
              companyId,
              provider,
              held.command(),
              Refusal.UNAUTHENTICATED,
              why,
              false,
              held.rawBody())
          .compose(id -> store.end(held.id(), "KEPT", null, why))
          .mapEmpty();
    });
  }

  /**
   * A failure result names no receipt, only the query's id, and Daraja may post it before the
   * gateway has stored that id from the query's own answer: look again a few times, briefly.
   */
  private Future<HeldConfirmationStore.Held> find(
      UUID companyId, String provider, TelcoCall.PaymentStatus status, int attempt) {
    return store
        .find(companyId, provider, status.providerTxnId(), status.queryId())
        .compose(held -> {
          if (held != null
              || status.providerTxnId() != null
              || status.queryId() == null
              || attempt >= 10) {
            return Future.succeededFuture(held);
          }
          return vertx
              .timer(100L * (attempt + 1))
              .compose(t -> find(companyId, provider, status, attempt + 1));
        });
  }

  /** One worker round: ask about what is due; give up (keep flagged) after {@link #MAX_ATTEMPTS}. */
  public Future<Integer> workOnce(int limit) {
    return store.claimDue(limit, LEASE).compose(due -> {
      List<Future<Void>> asks = new ArrayList<>();
      for (HeldConfirmationStore.Held held : due) {
        asks.add(ask(held).recover(err -> {
          LOG.warn("status check {} not asked: {}", held.id(), err.getMessage());
          return store.retryLater(held.id(), backoff(held.attempts()), err.getMessage());
        }));
      }
      return Future.join(asks).map(due.size());
    });
  }

  private Future<Void> ask(HeldConfirmationStore.Held held) {
    if (held.attempts() > MAX_ATTEMPTS) {
      String why = "the status API never confirmed it (" + MAX_ATTEMPTS + " queries)";
      return payments
          .keep(
              held.companyId(),
              held.provider(),
              held.command(),
              Refusal.UNAUTHENTICATED,
              why,
              false,
              held.rawBody())
          .compose(id -> store.end(held.id(), "KEPT", null, why))
          .mapEmpty();
    }
    PaymentStatusQuery query = queries.get(held.provider());
    return plugins.settings(held.companyId(), held.provider()).compose(s -> {
      String base = publicBaseUrl.get() + "/api/v1/telco/"
          + callbackAliases.getOrDefault(held.provider(), held.provider()) + "/" + held.companyId()
          + "/";
      return Future.fromCompletionStage(query.ask(
              held.command(),
              base + "transaction-status-result",
              base + "transaction-status-timeout",
              s.settings()))
          .compose(queryId -> store.asked(held.id(), queryId, RESULT_WAIT));
    });
  }

  /** 10 s, 20 s, 40 s ... at most 10 minutes between failed attempts. */
  static Duration backoff(int attempts) {
    return Duration.ofSeconds(Math.min(600, 10L << Math.min(attempts, 6)));
  }
}
