package io.payg.gateway.telco;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.gateway.collection.CollectionService;
import io.payg.gateway.confirmation.HeldConfirmations;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.TrustedProxies;
import io.payg.gateway.logging.PaymentTrace;
import io.payg.gateway.logging.RequestOrigin;
import io.payg.gateway.outbox.JobOrigin;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.plugin.PluginSettings;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.reversal.ReversalService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/telco/{provider}/{companyId}/{operation}}: the providers' callbacks.
 * The adapter authenticates and parses; this class looks up the company's plugin settings,
 * runs the canonical command and lets the adapter answer in the provider's format.
 */
public final class TelcoRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(TelcoRoutes.class);
  /*
   * The operation names the adapters answer to (generic validate/process, Daraja and Vodacom
   * validation/confirmation, Vodacom Tanzania's one c2b URL, Daraja's Transaction Status results,
   * Wave webhook, request-to-pay callback). The operation comes from an unauthenticated URL: any
   * other name is labelled "other", so a stranger cannot create series.
   */
  private static final Set<String> OPERATIONS = Set.of(
      "validate",
      "process",
      "validation",
      "confirmation",
      "c2b",
      "transaction-status-result",
      "transaction-status-timeout",
      "webhook",
      "callback");
  private final Map<String, TelcoAdapter> adapters;
  private final PluginStore plugins;
  private final PaymentService payments;
  private final CollectionService collections;
  private final ReversalService reversals;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, MovedMoneyFollowUp> followUps;
  private final TrustedProxies proxies;
  private final HeldConfirmations held;
  private final TelcoAdmission admission;

  public TelcoRoutes(
      Map<String, TelcoAdapter> adapters,
      PluginStore plugins,
      PaymentService payments,
      CollectionService collections,
      ReversalService reversals,
      Clock clock,
      MeterRegistry registry) {
    this(
        adapters,
        plugins,
        payments,
        collections,
        reversals,
        clock,
        registry,
        Map.of(),
        TrustedProxies.none(),
        null,
        null);
  }

  /**
   * @param followUps what providers need after a moved-money message (by provider name)
   * @param proxies   TRUSTED_PROXIES: whose forwarding headers name the client that allow-lists check
   * @param held      confirmations held for the provider's status API (Daraja Transaction Status); null: none
   * @param admission the calls in flight per path, past which calls are shed; null: no limit
   */
  public TelcoRoutes(
      Map<String, TelcoAdapter> adapters,
      PluginStore plugins,
      PaymentService payments,
      CollectionService collections,
      ReversalService reversals,
      Clock clock,
      MeterRegistry registry,
      Map<String, MovedMoneyFollowUp> followUps,
      TrustedProxies proxies,
      HeldConfirmations held,
      TelcoAdmission admission) {
    this.admission = admission;
    this.followUps = followUps;
    this.proxies = proxies;
    this.held = held;
    this.adapters = adapters;
    this.plugins = plugins;
    this.payments = payments;
    this.collections = collections;
    this.reversals = reversals;
    this.clock = clock;
    this.registry = registry;
  }

  public void mount(Router router) {
    router.post("/api/v1/telco/:provider/:companyId/:operation").handler(this::handle);
    // MTN MoMo sends its request-to-pay callback with PUT
    router.put("/api/v1/telco/:provider/:companyId/:operation").handler(this::handle);
    // a body over the limit fails in the BodyHandler, before any telco handler: answer it in the
    // provider's own format too (a provider reads its own error shape, not our problem documents)
    router.route("/api/v1/telco/:provider/:companyId/:operation").failureHandler(this::tooLarge);
  }

  private void tooLarge(RoutingContext ctx) {
    TelcoAdapter adapter = adapters.get(ctx.pathParam("provider"));
    boolean tooLarge = ctx.statusCode() == 413
        || ctx.failure() instanceof HttpException e && e.getStatusCode() == 413;
    if (adapter == null || !tooLarge || ctx.response().ended()) {
      ctx.next();
      return;
    }
    String operation = ctx.pathParam("operation");
    TelcoResponse r = answer(
        adapter,
        operation,
        new TelcoCall.Rejected(
            Refusal.MALFORMED_REQUEST,
            "the body is larger than the gateway accepts",
            adapter.isProcessOperation(operation)));
    ctx.response()
        .setStatusCode(r.status())
        .putHeader("Content-Type", r.contentType())
        .end(Buffer.buffer(r.body()));
  }

  private void handle(RoutingContext ctx) {
    TelcoAdapter adapter =
        adapters.get(ctx.pathParam("provider")); // a provider name or an alias path
    if (adapter == null) {
      throw ApiException.notFound("telco provider");
    }
    String provider = adapter.provider();
    String operation = ctx.pathParam("operation");
    boolean processCall = adapter.isProcessOperation(operation);
    TelcoAdmission.Path path = processCall || adapter.confirmsMovedMoney(operation)
        ? TelcoAdmission.Path.PAYMENT
        : TelcoAdmission.Path.VALIDATION;
    TelcoResponse busy = null;
    if (admission != null && !admission.enter(path, true)) {
      // over the limit: the provider's busy answer is built only now (a JSON document per call
      // otherwise); an operation the adapter cannot shed is let in anyway
      busy = adapter.busyAnswer(operation);
      if (busy == null) {
        admission.enter(path, false);
      }
    }
    if (busy != null) {
      // before the plugin settings and the pool: a shed call costs no database work; the provider
      // retries
      admission.countShed(provider, path);
      ctx.response()
          .setStatusCode(busy.status())
          .putHeader("Content-Type", busy.contentType())
          .putHeader("Retry-After", String.valueOf(admission.retryAfterSeconds()))
          .end(Buffer.buffer(busy.body()));
      return;
    }
    Future<TelcoResponse> answered;
    try {
      answered = work(ctx, adapter, operation);
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e);
    }
    if (admission != null) {
      answered = answered.andThen(done -> admission.leave(path));
    }
    answered
        .onSuccess(r -> ctx.response()
            .setStatusCode(r.status())
            .putHeader("Content-Type", r.contentType())
            .end(Buffer.buffer(r.body())))
        .onFailure(ctx::fail);
  }

  private Future<TelcoResponse> work(RoutingContext ctx, TelcoAdapter adapter, String operation) {
    boolean processCall = adapter.isProcessOperation(operation);
    String provider = adapter.provider();
    UUID companyId = parseUuid(ctx.pathParam("companyId"));
    Future<PluginSettings> settings = companyId == null
        ? Future.succeededFuture(PluginSettings.NO_COMPANY)
        : plugins.settings(companyId, provider);
    return settings.compose(s -> {
      TelcoCall.Rejected notEnabled = new TelcoCall.Rejected(
          Refusal.PROVIDER_NOT_ENABLED, Refusal.PROVIDER_NOT_ENABLED.message(), processCall);
      if (!s.companyExists()) {
        return Future.succeededFuture(answer(adapter, operation, notEnabled));
      }
      if (!s.enabled()) {
        return keepWhileDisabled(adapter, request(ctx, operation), companyId, s)
            .map(v -> answer(adapter, operation, notEnabled));
      }
      TelcoRequest request = request(ctx, operation);
      TelcoCall call = adapter.decode(request, s.currency(), s.settings());
      return run(
          adapter,
          request,
          companyId,
          s.currency(),
          s.settings(),
          call,
          PaymentTrace.ofRequest(RequestOrigin.requestId(ctx), companyId, provider),
          // a validation books nothing: no jobs, so no fresh trace id from SecureRandom
          call instanceof TelcoCall.Validate ? null : RequestOrigin.jobs(ctx));
    });
  }

  private Future<TelcoResponse> run(
      TelcoAdapter adapter,
      TelcoRequest request,
      UUID companyId,
      String currency,
      Map<String, String> settings,
      TelcoCall call,
      PaymentTrace trace,
      JobOrigin origin) {
    String provider = adapter.provider();
    String operation = request.operation();
    if (call instanceof TelcoCall.Validate v) {
      return payments.validate(companyId, currency, v.query()).map(outcome -> {
        count(
            provider,
            operation,
            outcome.valid() ? "accepted" : outcome.refusal().name());
        return adapter.validationAnswer(outcome, v.echo());
      });
    }
    if (call instanceof TelcoCall.Process p
        && held != null
        && adapter.confirmsMovedMoney(operation)
        && held.applies(provider, settings)) {
      // acknowledged now, booked when the provider's status API confirms it (durably held
      // meanwhile)
      return held.hold(companyId, provider, p.command(), adapter.redactedBody(request.body()))
          .map(fresh -> {
            count(provider, operation, fresh ? "held" : "replayed");
            return adapter.heldAnswer(p.echo());
          });
    }
    if (call instanceof TelcoCall.PaymentStatus status) {
      count(provider, operation, status.confirmed() ? "status_confirmed" : "status_other");
      return (held == null
              ? Future.<Void>succeededFuture()
              : held.settle(companyId, currency, provider, status))
          .map(v -> adapter.paymentStatusAnswer());
    }
    if (call instanceof TelcoCall.Process p) {
      PaymentTrace paid = trace.withProviderTxnId(p.command().providerTxnId());
      LOG.info(
          paid.marker(),
          "{} {}: {} for {} received",
          provider,
          operation,
          p.command().amount(),
          p.command().serial());
      // origin: the call's request id and the provider's W3C traceparent when valid (a malformed
      // one is ignored: a fresh trace), kept with the payment's jobs for the manufacturer call
      // (https://www.w3.org/TR/trace-context/#traceparent-header); RequestOrigin decided both
      // after the money moved a refusal cannot send it back: keep what cannot be booked
      Future<ProcessOutcome> processed = adapter.confirmsMovedMoney(operation)
          ? payments.processMoved(
              companyId,
              currency,
              provider,
              p.command(),
              adapter.redactedBody(request.body()),
              origin)
          : payments.process(companyId, currency, provider, p.command(), origin);
      MovedMoneyFollowUp followUp =
          adapter.confirmsMovedMoney(operation) ? followUps.get(provider) : null;
      if (followUp != null) {
        processed = processed.compose(outcome -> {
          Future<Void> done;
          if (outcome instanceof ProcessOutcome.Recorded r) {
            done = followUp.booked(
                companyId, p.command(), UUID.fromString(r.receipt().transactionId()), p.echo());
          } else if (outcome instanceof ProcessOutcome.Replayed r) {
            done = followUp.booked(
                companyId, p.command(), UUID.fromString(r.receipt().transactionId()), p.echo());
          } else if (outcome instanceof ProcessOutcome.Kept k) {
            done =
                followUp.kept(companyId, p.command(), k.unmatchedId(), k.refusal(), true, p.echo());
          } else {
            done = Future.succeededFuture();
          }
          return done.map(outcome);
        });
      }
      return processed.map(outcome -> {
        if (outcome instanceof ProcessOutcome.Recorded r) {
          count(provider, operation, "recorded");
          LOG.info(
              paid.withTransaction(r.receipt().transactionId()).marker(),
              "{} payment {} booked as transaction {}",
              provider,
              p.command().providerTxnId(),
              r.receipt().transactionId());
          return adapter.processAnswer(r.receipt(), p.echo());
        }
        if (outcome instanceof ProcessOutcome.Replayed r) {
          count(provider, operation, "replayed");
          LOG.info(
              paid.withTransaction(r.receipt().transactionId()).marker(),
              "{} payment {} replayed: transaction {}",
              provider,
              p.command().providerTxnId(),
              r.receipt().transactionId());
          return adapter.processAnswer(r.receipt(), p.echo());
        }
        if (outcome instanceof ProcessOutcome.Kept k) {
          count(provider, operation, "kept");
          LOG.warn(
              paid.marker(),
              "{} payment {} kept unbooked ({}) as unmatched payment {}",
              provider,
              p.command().providerTxnId(),
              k.refusal(),
              k.unmatchedId());
          return adapter.keptAnswer(k.refusal(), k.detail(), p.echo());
        }
        if (!(outcome instanceof ProcessOutcome.Refused refused)) {
          throw new IllegalStateException(
              "not a provider outcome: " + outcome); // agents' cash only
        }
        count(provider, operation, refused.refusal().name());
        LOG.info(
            paid.marker(),
            "{} payment {} refused: {}",
            provider,
            p.command().providerTxnId(),
            refused.refusal());
        return adapter.refusal(refused.refusal(), refused.detail(), true, p.echo());
      });
    }
    if (call instanceof TelcoCall.Unbookable u) {
      String raw = adapter.redactedBody(request.body());
      return (u.amountUnreadable()
              ? payments.keepAmountUnreadable(
                  companyId, provider, u.command(), u.detail(), u.authenticated(), raw)
              : payments.keep(
                  companyId,
                  provider,
                  u.command(),
                  u.refusal(),
                  u.detail(),
                  u.authenticated(),
                  raw))
          .compose(id -> id == null || !followUps.containsKey(provider)
              ? Future.succeededFuture(id)
              : followUps
                  .get(provider)
                  .kept(companyId, u.command(), id, u.refusal(), u.authenticated(), u.echo())
                  .map(id))
          .map(id -> {
            count(provider, operation, u.authenticated() ? "kept" : "kept_unauthenticated");
            // a flagged message gets the refusal; an authentic one is acknowledged: the money is
            // kept
            return u.authenticated()
                ? adapter.keptAnswer(u.refusal(), u.detail(), u.echo())
                : adapter.refusal(u.refusal(), u.detail(), u.processCall(), u.echo());
          });
    }
    if (call instanceof TelcoCall.Reversal rev) {
      // the provider sent the money back: compensate the booked payment, or take it out of suspense
      return reversals
          .reverseProvider(companyId, provider, rev.providerTxnId(), rev.reason())
          .map(outcome -> {
            JsonObject reversal = outcome.reversal();
            count(
                provider,
                operation,
                outcome instanceof ReversalService.Reversed
                    ? "reversed"
                    : outcome instanceof ReversalService.Replayed
                        ? "reversal_replayed"
                        : "reversal_unknown");
            return adapter.reversalAnswer(
                reversal == null ? null : reversal.getString("id"),
                outcome instanceof ReversalService.NothingToReverse n ? n.detail() : null,
                rev.echo());
          });
    }
    if (call instanceof TelcoCall.CollectionUpdate update) {
      // the callback is only a hint: the provider is asked for the real status before money is
      // recorded
      UUID reference = parseUuid(update.reference());
      count(provider, operation, "callback");
      if (reference == null) {
        // named by the provider's own request id (Safaricom's CheckoutRequestID); its receipt is
        // kept first, so a status API that is down now only delays the booking to the poller's turn
        return collections
            .confirmByProviderRequest(companyId, provider, update.reference(), update.status())
            .recover(err -> {
              LOG.warn(
                  "{} callback for {} not confirmed yet: {}",
                  provider,
                  update.reference(),
                  err.getMessage());
              return Future.succeededFuture(true);
            })
            .compose(found -> {
              if (found || update.movedMoney() == null) {
                return Future.succeededFuture(adapter.callbackAnswer());
              }
              // money the callback says moved for a request we do not know (the push's answer was
              // lost): kept flagged for an operator, unconfirmed by any status API
              return payments
                  .keep(
                      companyId,
                      provider,
                      update.movedMoney(),
                      Refusal.DEVICE_NOT_FOUND,
                      "callback for an unknown request " + update.reference()
                          + ": no collection to confirm it against",
                      false,
                      adapter.redactedBody(request.body()))
                  .map(id -> {
                    count(provider, operation, "kept_unauthenticated");
                    return adapter.callbackAnswer();
                  });
            });
      }
      return collections.confirm(companyId, provider, reference).map(v -> adapter.callbackAnswer());
    }
    return Future.succeededFuture(answer(adapter, operation, (TelcoCall.Rejected) call));
  }

  /**
   * The company turned the plugin off, but the provider still says money moved into its account
   * (a confirmation that passes the provider's checks with the stored settings): the provider is
   * refused as before, and the money is kept as an unmatched payment for an operator.
   */
  private Future<Void> keepWhileDisabled(
      TelcoAdapter adapter, TelcoRequest request, UUID companyId, PluginSettings s) {
    if (!adapter.confirmsMovedMoney(request.operation())) {
      return Future.succeededFuture();
    }
    TelcoCall call = adapter.decode(request, s.currency(), s.settings());
    PaymentCommand moved = call instanceof TelcoCall.Process p
        ? p.command()
        : call instanceof TelcoCall.Unbookable u ? u.command() : null;
    if (moved == null) {
      return Future.succeededFuture();
    }
    boolean authenticated = !(call instanceof TelcoCall.Unbookable u) || u.authenticated();
    if (call instanceof TelcoCall.Unbookable u && u.amountUnreadable()) {
      // the amount is the first thing an operator must learn: it stays unknown, never a made-up 0
      return payments
          .keepAmountUnreadable(
              companyId,
              adapter.provider(),
              moved,
              u.detail() + "; the company's " + adapter.provider() + " plugin is disabled",
              authenticated,
              adapter.redactedBody(request.body()))
          .mapEmpty();
    }
    return payments
        .keep(
            companyId,
            adapter.provider(),
            moved,
            Refusal.PROVIDER_NOT_ENABLED,
            "the company's " + adapter.provider() + " plugin is disabled",
            authenticated,
            adapter.redactedBody(request.body()))
        .mapEmpty();
  }

  private TelcoResponse answer(
      TelcoAdapter adapter, String operation, TelcoCall.Rejected rejected) {
    count(adapter.provider(), operation, rejected.refusal().name());
    return adapter.refusal(
        rejected.refusal(), rejected.detail(), rejected.processCall(), rejected.echo());
  }

  private TelcoRequest request(RoutingContext ctx, String operation) {
    Map<String, String> headers = new HashMap<>();
    ctx.request()
        .headers()
        .forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    byte[] body = ctx.body() == null || ctx.body().buffer() == null
        ? new byte[0]
        : ctx.body().buffer().getBytes();
    String peer = ctx.request().remoteAddress() == null
        ? null
        : ctx.request().remoteAddress().hostAddress();
    // behind a trusted proxy the allow-list must see the client, not the proxy
    String remote = proxies.clientAddress(
        peer,
        ctx.request().headers().getAll("Forwarded"),
        ctx.request().headers().getAll("X-Forwarded-For"));
    return new TelcoRequest(operation, headers, body, remote, clock.instant());
  }

  private void count(String provider, String operation, String outcome) {
    // unknown operations come from the URL: keep them out of metric labels
    String op = OPERATIONS.contains(operation) ? operation : "other";
    counters
        .computeIfAbsent(
            provider + '|' + op + '|' + outcome,
            k -> Counter.builder("payg_telco_requests")
                .description("Provider callbacks by outcome")
                .tag("provider", provider)
                .tag("operation", op)
                .tag("outcome", outcome)
                .register(registry))
        .increment();
  }

  private static UUID parseUuid(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
