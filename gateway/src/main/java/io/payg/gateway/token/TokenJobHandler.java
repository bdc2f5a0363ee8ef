package io.payg.gateway.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.domain.port.VendLookup;
import io.payg.gateway.logging.PaymentTrace;
import io.payg.gateway.outbox.CompletionBatch;
import io.payg.gateway.outbox.JobEndings;
import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.JobHandoff;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.outbox.StaleAttempt;
import io.payg.gateway.plugin.PluginStore;
import io.payg.manufacturer.openpaygo.OpenPaygoPlugin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TOKEN job: asks the device's manufacturer for the token the transaction paid for (its
 * {@link TokenOrder} handed over by the payment, or read for a claimed job), then in one statement,
 * with the tokens of the other jobs that ended within the same window, stores it (at most one per
 * transaction, ever), closes the job, completes the transaction and inserts the customer's SMS job
 * leased to this instance's SMS worker, which it is then handed to.
 */
public final class TokenJobHandler implements JobHandler {

  private static final Logger LOG = LoggerFactory.getLogger(TokenJobHandler.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Map<String, TokenIssuer> issuers;
  private final OpenPaygoIssuer openPaygo;
  private final ManufacturerCalls calls;
  private final PluginStore plugins;
  private final MeterRegistry registry;
  private final JobHandoff handoff;
  private final CompletionBatch<TokenStore.Completion, TokenStore.Closed> completions;

  public TokenJobHandler(
      Vertx vertx,
      Pool pool,
      PluginStore plugins,
      Map<String, TokenIssuer> issuers,
      MeterRegistry registry,
      ManufacturerCalls calls,
      JobHandoff handoff,
      CompletionBatch.Window completions) {
    this.vertx = vertx;
    this.handoff = handoff;
    this.completions =
        new CompletionBatch<>(vertx, completions, batch -> TokenStore.store(pool, batch));
    this.openPaygo = new OpenPaygoIssuer(plugins.secrets());
    this.plugins = plugins;
    this.registry = registry;
    this.calls = calls;
    this.pool = pool;
    this.issuers = Map.copyOf(issuers);
  }

  @Override
  public String kind() {
    return "TOKEN";
  }

  @Override
  public JobEndings endings() {
    return TokenStore.ENDINGS;
  }

  @Override
  public Future<List<OutboxJob>> contexts(List<OutboxJob> claimed) {
    return TokenStore.orders(pool, claimed);
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    // a job handed over by its payment carries its order; one claimed by polling reads it
    Future<TokenOrder> known = job.context() instanceof TokenOrder order
        ? Future.succeededFuture(order)
        : TokenStore.order(pool, job);
    return known.compose(order -> {
      PaymentTrace trace = new PaymentTrace(
          order.origin().requestId(),
          job.companyId(),
          order.provider(),
          order.providerTxnId(),
          job.transactionId().toString());
      LOG.info(
          trace.marker(),
          "token job {} attempt {}: asking {} for device {}",
          job.id(),
          job.attempt(),
          order.manufacturer(),
          order.serial());
      return issue(job, order)
          .onSuccess(v -> LOG.info(
              trace.marker(),
              "token job {}: token of transaction {} stored",
              job.id(),
              job.transactionId()))
          .onFailure(err -> LOG.info(
              trace.marker(),
              "token job {} attempt {}: no token yet ({})",
              job.id(),
              job.attempt(),
              err.getMessage()));
    });
  }

  private Future<Void> issue(OutboxJob job, TokenOrder order) {
    String manufacturer = order.manufacturer();
    TokenAmount amount = order.tokens();
    UUID deviceId = order.deviceId();
    if (OpenPaygoPlugin.NAME.equals(manufacturer)) {
      // generated here, with the device's token count advanced in the same transaction
      return pool.withTransaction(conn -> openPaygo
              .next(conn, deviceId, amount)
              .compose(g -> TokenStore.store(
                  conn,
                  List.of(stored(job, order, amount, new IssuedToken(g.token(), g.reference())))))
              .map(closed -> closed.get(0))
              .compose(sms -> fencedSms(job, sms)))
          .compose(sms -> stored(job, sms));
    }
    TokenIssuer issuer = issuers.get(manufacturer);
    if (issuer == null) {
      return Future.failedFuture(
          new JobFailure("no token adapter for manufacturer '" + manufacturer + "'", false));
    }
    return plugins
        .settings(job.companyId(), manufacturer)
        .compose(plugin -> {
          if (!plugin.enabled()) {
            // an operator may enable it again: keep retrying within the budget
            return Future.failedFuture(
                new JobFailure("manufacturer plugin '" + manufacturer + "' is not enabled", true));
          }
          // the payment's trace: ManufacturerCalls sends each call as a child span of it
          // (https://www.w3.org/TR/trace-context/#parent-id)
          TokenRequest request = new TokenRequest(
              job.transactionId().toString(),
              order.serial(),
              order.type(),
              amount,
              Money.of(order.amount(), order.currency()),
              plugin.settings(),
              order.origin().trace().header());
          // an earlier attempt may have reached the manufacturer (its answer lost, its lease
          // expired)
          return calls.issue(
              job.companyId(), job.attempt() > 1 ? new AskFirst(issuer) : issuer, request);
        })
        .compose(token -> completions.add(stored(job, order, amount, token)))
        .compose(sms -> fencedSms(job, sms))
        .compose(sms -> stored(job, sms));
  }

  /**
   * A retry: asks the manufacturer whether the earlier attempt vended (where it can tell) and
   * takes that vend, else vends. Both calls share one permit, breaker and timeout.
   */
  private final class AskFirst implements TokenIssuer {

    private final TokenIssuer issuer;

    AskFirst(TokenIssuer issuer) {
      this.issuer = issuer;
    }

    @Override
    public String manufacturer() {
      return issuer.manufacturer();
    }

    @Override
    public CompletionStage<IssuedToken> issue(TokenRequest request) {
      return issuer.findVend(request).thenCompose(lookup -> {
        Counter.builder("payg_token_retry_lookups")
            .description("Retried token jobs: did the earlier attempt vend?")
            .tag("manufacturer", issuer.manufacturer())
            .tag("outcome", lookup.outcome().name().toLowerCase())
            .register(registry)
            .increment();
        return lookup.outcome() == VendLookup.Outcome.FOUND
            ? CompletableFuture.completedFuture(lookup.token())
            : issuer.issue(request);
      });
    }
  }

  /** Where a token's arrival is announced (locally): an agent waiting at the counter gets it at once. */
  public static String storedAddress(UUID transactionId) {
    return "payg.token.stored." + transactionId;
  }

  /** The token is stored: its SMS job goes to the SMS worker (in memory when leased to it), the agent is told. */
  private Future<Void> stored(OutboxJob job, OutboxJob sms) {
    if (sms != null) {
      handoff.hand(sms);
    } else {
      vertx.eventBus().send(OutboxWorker.wakeAddress("SMS"), null);
    }
    vertx.eventBus().publish(storedAddress(job.transactionId()), null);
    return Future.succeededFuture();
  }

  private TokenStore.Completion stored(
      OutboxJob job, TokenOrder order, TokenAmount amount, IssuedToken token) {
    return new TokenStore.Completion(
        job,
        order.deviceId(),
        order.manufacturer(),
        amount,
        token,
        handoff.lease("SMS"),
        order.origin());
  }

  /** The SMS job of a closed job, or {@link StaleAttempt} when another attempt holds it. */
  private static Future<OutboxJob> fencedSms(OutboxJob job, TokenStore.Closed closed) {
    return closed.closed()
        ? Future.succeededFuture(closed.sms())
        : Future.failedFuture(new StaleAttempt(job));
  }
}
