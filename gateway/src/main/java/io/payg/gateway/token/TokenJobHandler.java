package io.payg.gateway.token;

import io.payg.gateway.logging.PaymentTrace;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.domain.port.VendLookup;
import io.payg.gateway.config.ManufacturerLimits;
import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.webhook.WebhookEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A TOKEN job: asks the device's manufacturer for the token the transaction paid for, then in
 * one statement stores it (at most one per transaction, ever), closes the job, completes the
 * transaction and queues the customer's SMS.
 */
public final class TokenJobHandler implements JobHandler {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenJobHandler.class);

  /*
   * "amount" is the money that bought the device's service: what is left of the payment after
   * debts (manufacturers that credit money, such as SparkMeter and Steama, must not be sent the
   * part that paid an appliance installment or access-rate arrears).
   */
  private static final String CONTEXT = "SELECT (SELECT COALESCE(sum(a.amount), 0) FROM allocations a "
      + "WHERE a.transaction_id = t.id AND a.kind IN ('ENERGY', 'METER_CREDIT', 'DEVICE_INSTALLMENT')) AS amount, "
      + "t.currency, t.token_unit, t.token_quantity, t.provider, t.provider_txn_id, "
      + "d.id AS device_id, d.serial, d.type, d.manufacturer "
      + "FROM transactions t JOIN devices d ON d.id = t.device_id WHERE t.id = $1";

  // fenced by the claim (OutboxStore.done): an attempt that outlived its lease stores nothing
  private static final String STORE = "WITH " + OutboxStore.done(10, 11) + ", "
      + "k AS (INSERT INTO tokens (id, company_id, transaction_id, device_id, value, "
      + "unit, quantity, manufacturer, manufacturer_ref) SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::text, $6::text, "
      + "$7::bigint, $8::text, $9::text FROM done ON CONFLICT (transaction_id) DO NOTHING RETURNING 1), "
      // a reversed transaction stays REVERSED: its token was delivered, its value is a reversal debt
      + "t AS (UPDATE transactions SET status = 'COMPLETED', updated_at = now() WHERE id = $3 AND status <> 'REVERSED' "
      + "AND EXISTS (SELECT 1 FROM done)), "
      + "s AS (INSERT INTO outbox (company_id, kind, transaction_id) SELECT $2::uuid, 'SMS', $3::uuid FROM done "
      + "ON CONFLICT (kind, transaction_id) DO NOTHING), "
      // token.issued for the company's own systems, only with the token this statement stored
      + WebhookEvents.enqueue("wh", WebhookEvents.TOKEN_ISSUED, "k", "$2::uuid",
          "json_build_object('transactionId', $3::uuid, 'deviceId', $4::uuid, 'token', $5::text, 'unit', $6::text, "
          + "'quantity', $7::bigint, 'manufacturer', $8::text)") + " "
      + "SELECT (SELECT count(*) FROM done) AS closed";

  private final Vertx vertx;
  private final Pool pool;
  private final Map<String, TokenIssuer> issuers;
  private final OpenPaygoIssuer openPaygo;
  private final ManufacturerCalls calls;
  private final PluginStore plugins;
  private final MeterRegistry registry;

  public TokenJobHandler(Vertx vertx, Pool pool, PluginStore plugins, Map<String, TokenIssuer> issuers,
                         MeterRegistry registry, int breakerMaxFailures, Duration breakerReset,
                         ManufacturerLimits limits, Duration maxQueueWait, Duration maxTimeout) {
    this.vertx = vertx;
    this.openPaygo = new OpenPaygoIssuer(plugins.secrets());
    this.plugins = plugins;
    this.registry = registry;
    this.calls = new ManufacturerCalls(vertx, registry, breakerMaxFailures, breakerReset, limits, maxQueueWait,
        maxTimeout);
    this.pool = pool;
    this.issuers = Map.copyOf(issuers);
  }

  @Override
  public String kind() {
    return "TOKEN";
  }

  /** A token that did not come at the first attempt: the transaction waits for it. */
  @Override
  public String onRetrySql() {
    return "UPDATE transactions SET status = 'TOKEN_PENDING', updated_at = now() WHERE id = $1 AND status = 'PROCESSED'";
  }

  /*
   * The outbox runs this after its own "WITH j AS (...)", so the leading ", …" extends that WITH
   * list: token.failed is queued in the same statement that ends the job, only if it ended it.
   */
  @Override
  public String onFailedSql() {
    return ", " + WebhookEvents.enqueue("wh", WebhookEvents.TOKEN_FAILED,
        "j JOIN transactions x ON x.id = $1", "x.company_id",
        "json_build_object('transactionId', x.id, 'serial', x.serial, 'amount', x.amount, 'currency', x.currency, "
        + "'error', $3::text)")
        + " UPDATE transactions SET status = 'TOKEN_FAILED', updated_at = now() WHERE id = $1 AND status <> 'REVERSED'";
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return pool.preparedQuery(CONTEXT).execute(Tuple.of(job.transactionId())).compose(rows -> {
      Row r = rows.iterator().next();
      String manufacturer = r.getString("manufacturer");
      PaymentTrace trace = new PaymentTrace(null, job.companyId(), r.getString("provider"), r.getString("provider_txn_id"),
          job.transactionId().toString());
      LOG.info(trace.marker(), "token job {} attempt {}: asking {} for device {}", job.id(), job.attempt(), manufacturer,
          r.getString("serial"));
      return issue(job, r, manufacturer)
          .onSuccess(v -> LOG.info(trace.marker(), "token job {}: token of transaction {} stored", job.id(), job.transactionId()))
          .onFailure(err -> LOG.info(trace.marker(), "token job {} attempt {}: no token yet ({})", job.id(), job.attempt(),
              err.getMessage()));
    });
  }

  private Future<Void> issue(OutboxJob job, Row r, String manufacturer) {
    TokenAmount amount = new TokenAmount(TokenAmount.Unit.valueOf(r.getString("token_unit")), r.getLong("token_quantity"));
    UUID deviceId = r.getUUID("device_id");
    if (OpenPaygoIssuer.MANUFACTURER.equals(manufacturer)) {
      // generated here, with the device's token count advanced in the same transaction
      return pool.withTransaction(conn -> openPaygo.next(conn, deviceId, amount)
              .compose(g -> store(conn, job, deviceId, manufacturer, amount, new IssuedToken(g.token(), g.reference()))))
          .onSuccess(v -> stored(job));
    }
    TokenIssuer issuer = issuers.get(manufacturer);
    if (issuer == null) {
      return Future.failedFuture(new JobFailure("no token adapter for manufacturer '" + manufacturer + "'", false));
    }
    return plugins.settings(job.companyId(), manufacturer).compose(plugin -> {
      if (!plugin.enabled()) {
        // an operator may enable it again: keep retrying within the budget
        return Future.failedFuture(new JobFailure("manufacturer plugin '" + manufacturer + "' is not enabled", true));
      }
      TokenRequest request = new TokenRequest(job.transactionId().toString(), r.getString("serial"),
          DeviceType.valueOf(r.getString("type")), amount, Money.of(r.getLong("amount"), r.getString("currency")),
          plugin.settings());
      // an earlier attempt may have reached the manufacturer (its answer lost, its lease expired)
      return calls.issue(job.companyId(), job.attempt() > 1 ? new AskFirst(issuer) : issuer, request);
    })
        .compose(token -> store(pool, job, deviceId, manufacturer, amount, token))
        .onSuccess(v -> stored(job));
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
        Counter.builder("payg_token_retry_lookups").description("Retried token jobs: did the earlier attempt vend?")
            .tag("manufacturer", issuer.manufacturer()).tag("outcome", lookup.outcome().name().toLowerCase())
            .register(registry).increment();
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

  private void stored(OutboxJob job) {
    vertx.eventBus().send(OutboxWorker.wakeAddress("SMS"), null);
    vertx.eventBus().publish(storedAddress(job.transactionId()), null);
  }

  private static Future<Void> store(SqlClient client, OutboxJob job, UUID deviceId, String manufacturer,
                                    TokenAmount amount, IssuedToken token) {
    return client.preparedQuery(STORE)
        .execute(Tuple.from(new Object[] {UUID.randomUUID(), job.companyId(), job.transactionId(), deviceId,
            token.value(), amount.unit().name(), amount.quantity(), manufacturer, token.manufacturerReference(), job.id(),
            job.claim()}))
        .compose(rows -> OutboxStore.fenced(job, rows.iterator().next().getLong("closed")));
  }
}
