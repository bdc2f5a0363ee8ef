package io.payg.gateway.telco;

import io.payg.domain.payment.Refusal;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.gateway.collection.CollectionService;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.plugin.PluginSettings;
import io.payg.gateway.plugin.PluginStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /api/v1/telco/{provider}/{companyId}/{operation}}: the providers' callbacks.
 * The adapter authenticates and parses; this class looks up the company's plugin settings,
 * runs the canonical command and lets the adapter answer in the provider's format.
 */
public final class TelcoRoutes {

  /*
   * The operation names the adapters answer to (generic validate/process, Daraja and Vodacom
   * validation/confirmation, Wave webhook, request-to-pay callback). The operation comes from an
   * unauthenticated URL: any other name is labelled "other", so a stranger cannot create series.
   */
  private static final java.util.Set<String> OPERATIONS = java.util.Set.of("validate", "process", "validation",
      "confirmation", "webhook", "callback");
  private final Map<String, TelcoAdapter> adapters;
  private final PluginStore plugins;
  private final PaymentService payments;
  private final CollectionService collections;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public TelcoRoutes(Map<String, TelcoAdapter> adapters, PluginStore plugins, PaymentService payments,
                     CollectionService collections, Clock clock, MeterRegistry registry) {
    this.adapters = adapters;
    this.plugins = plugins;
    this.payments = payments;
    this.collections = collections;
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
        || ctx.failure() instanceof io.vertx.ext.web.handler.HttpException e && e.getStatusCode() == 413;
    if (adapter == null || !tooLarge || ctx.response().ended()) {
      ctx.next();
      return;
    }
    String operation = ctx.pathParam("operation");
    TelcoResponse r = answer(adapter, operation, new TelcoCall.Rejected(Refusal.MALFORMED_REQUEST,
        "the body is larger than the gateway accepts", adapter.isProcessOperation(operation)));
    ctx.response().setStatusCode(r.status()).putHeader("Content-Type", r.contentType()).end(Buffer.buffer(r.body()));
  }

  private void handle(RoutingContext ctx) {
    TelcoAdapter adapter = adapters.get(ctx.pathParam("provider")); // a provider name or an alias path
    if (adapter == null) {
      throw ApiException.notFound("telco provider");
    }
    String provider = adapter.provider();
    String operation = ctx.pathParam("operation");
    boolean processCall = adapter.isProcessOperation(operation);
    UUID companyId = parseUuid(ctx.pathParam("companyId"));
    Future<PluginSettings> settings = companyId == null ? Future.succeededFuture(PluginSettings.NO_COMPANY)
        : plugins.settings(companyId, provider);
    settings.compose(s -> {
          if (!s.companyExists() || !s.enabled()) {
            return Future.succeededFuture(answer(adapter, operation,
                new TelcoCall.Rejected(Refusal.PROVIDER_NOT_ENABLED, Refusal.PROVIDER_NOT_ENABLED.message(), processCall)));
          }
          TelcoCall call = adapter.decode(request(ctx, operation), s.currency(), s.settings());
          return run(adapter, operation, companyId, s.currency(), call);
        })
        .onSuccess(r -> ctx.response().setStatusCode(r.status()).putHeader("Content-Type", r.contentType())
            .end(Buffer.buffer(r.body())))
        .onFailure(ctx::fail);
  }

  private Future<TelcoResponse> run(TelcoAdapter adapter, String operation, UUID companyId, String currency,
                                    TelcoCall call) {
    String provider = adapter.provider();
    if (call instanceof TelcoCall.Validate v) {
      return payments.validate(companyId, currency, v.query()).map(outcome -> {
        count(provider, operation, outcome.valid() ? "accepted" : outcome.refusal().name());
        return adapter.validationAnswer(outcome, v.echo());
      });
    }
    if (call instanceof TelcoCall.Process p) {
      return payments.process(companyId, currency, provider, p.command()).map(outcome -> {
        if (outcome instanceof ProcessOutcome.Recorded r) {
          count(provider, operation, "recorded");
          return adapter.processAnswer(r.receipt(), p.echo());
        }
        if (outcome instanceof ProcessOutcome.Replayed r) {
          count(provider, operation, "replayed");
          return adapter.processAnswer(r.receipt(), p.echo());
        }
        if (!(outcome instanceof ProcessOutcome.Refused refused)) {
          throw new IllegalStateException("not a provider outcome: " + outcome); // agents' cash only
        }
        count(provider, operation, refused.refusal().name());
        return adapter.refusal(refused.refusal(), refused.detail(), true, p.echo());
      });
    }
    if (call instanceof TelcoCall.CollectionUpdate update) {
      // the callback is only a hint: the provider is asked for the real status before money is recorded
      UUID reference = parseUuid(update.reference());
      count(provider, operation, "callback");
      return (reference == null ? Future.<Void>succeededFuture() : collections.confirm(companyId, provider, reference))
          .map(v -> adapter.callbackAnswer());
    }
    return Future.succeededFuture(answer(adapter, operation, (TelcoCall.Rejected) call));
  }

  private TelcoResponse answer(TelcoAdapter adapter, String operation, TelcoCall.Rejected rejected) {
    count(adapter.provider(), operation, rejected.refusal().name());
    return adapter.refusal(rejected.refusal(), rejected.detail(), rejected.processCall(), rejected.echo());
  }

  private TelcoRequest request(RoutingContext ctx, String operation) {
    Map<String, String> headers = new HashMap<>();
    ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String remote = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    return new TelcoRequest(operation, headers, body, remote, clock.instant());
  }

  private void count(String provider, String operation, String outcome) {
    // unknown operations come from the URL: keep them out of metric labels
    String op = OPERATIONS.contains(operation) ? operation : "other";
    counters.computeIfAbsent(provider + '|' + op + '|' + outcome, k -> Counter.builder("payg_telco_requests")
        .description("Provider callbacks by outcome")
        .tag("provider", provider).tag("operation", op).tag("outcome", outcome)
        .register(registry)).increment();
  }

  private static UUID parseUuid(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
