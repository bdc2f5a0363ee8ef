package io.payg.gateway.token;

import io.payg.gateway.logging.PaymentTrace;

import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.domain.port.VendLookup;
import io.payg.gateway.config.ManufacturerLimits;
import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.outbox.CompletionBatch;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.JobHandoff;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.outbox.StaleAttempt;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A TOKEN job: asks the device's manufacturer for the token the transaction paid for (its
 * {@link TokenOrder} handed over by the payment, or read for a claimed job), then in one statement,
 * with the tokens of the other jobs that ended within the same window, stores it (at most one per
 * transaction, ever), closes the job, completes the transaction and inserts the customer's SMS job
 * leased to this instance's SMS worker, which it is then handed to.
 */
public final class TokenJobHandler implements JobHandler {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenJobHandler.class);

  /*
   * "amount" is the money that bought the device's service: what is left of the payment after
   * debts (manufacturers that credit money, such as SparkMeter and Steama, must not be sent the
   * part that paid an appliance installment or access-rate arrears).
   */
  private static final String CONTEXT = "SELECT (SELECT COALESCE(sum(a.amount), 0) FROM allocations a "
      + "WHERE a.transaction_id = t.id AND a.kind IN " + TokenOrder.SERVICE_SQL + ") AS amount, "
      + "t.currency, t.token_unit, t.token_quantity, t.provider, t.provider_txn_id, "
      + "d.id AS device_id, d.serial, d.type, d.manufacturer "
      + "FROM transactions t JOIN devices d ON d.id = t.device_id WHERE t.id = $1";

  /*
   * The tokens of many jobs in one statement (CompletionBatch), a row of the arrays per job, each
   * fenced by its claim (OutboxStore.doneEach): an attempt that outlived its lease stores nothing.
   * $13 is the lease of the SMS jobs inserted leased (sms_claim not null) to this instance's worker.
   */
  static final String STORE = "WITH x AS (SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], "
      + "$5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::uuid[]) "
      + "AS x(job, claim, token_id, company_id, transaction_id, device_id, value, unit, quantity, manufacturer, "
      + "manufacturer_ref, sms_claim)), "
      + OutboxStore.doneEach("x") + ", "
      // the completions whose attempt still held its job
      + "y AS (SELECT x.* FROM x JOIN done ON done.id = x.job AND done.claim = x.claim), "
      + "k AS (INSERT INTO tokens (id, company_id, transaction_id, device_id, value, unit, quantity, manufacturer, "
      + "manufacturer_ref) SELECT token_id, company_id, transaction_id, device_id, value, unit, quantity, manufacturer, "
      + "manufacturer_ref FROM y ON CONFLICT (transaction_id) DO NOTHING RETURNING transaction_id), "
      // a reversed transaction stays REVERSED: its token was delivered, its value is a reversal debt
      + "t AS (UPDATE transactions SET status = 'COMPLETED', updated_at = now() FROM y "
      + "WHERE transactions.id = y.transaction_id AND transactions.status <> 'REVERSED'), "
      + "s AS (INSERT INTO outbox (company_id, kind, transaction_id, " + JobHandoff.INSERT_COLUMNS + ") "
      + "SELECT y.company_id, 'SMS', y.transaction_id, " + JobHandoff.insertValues("y.sms_claim", "$13") + " FROM y "
      + "ON CONFLICT (kind, transaction_id) DO NOTHING RETURNING id, transaction_id), "
      // token.issued for the company's own systems, only with the token this statement stored
      + WebhookEvents.enqueue("wh", WebhookEvents.TOKEN_ISSUED, "k JOIN y ON y.transaction_id = k.transaction_id",
          "y.company_id", "json_build_object('transactionId', y.transaction_id, 'deviceId', y.device_id, "
          + "'token', y.value, 'unit', y.unit, 'quantity', y.quantity, 'manufacturer', y.manufacturer)") + " "
      + "SELECT x.job, x.claim, y.job IS NOT NULL AS closed, s.id AS sms_job FROM x "
      + "LEFT JOIN y ON y.job = x.job AND y.claim = x.claim LEFT JOIN s ON s.transaction_id = y.transaction_id";

  /** One job's token, a row of {@link #STORE}; {@code sms} the lease of its SMS job, or null. */
  private record Stored(OutboxJob job, UUID deviceId, String manufacturer, TokenAmount amount, IssuedToken token,
                        JobHandoff.Lease sms) {
  }

  /** {@link #STORE}'s answer for one job: whether its claim closed it, and its SMS job to hand over (or null). */
  private record Closed(boolean closed, OutboxJob sms) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Map<String, TokenIssuer> issuers;
  private final OpenPaygoIssuer openPaygo;
  private final ManufacturerCalls calls;
  private final PluginStore plugins;
  private final MeterRegistry registry;
  private final JobHandoff handoff;
  private final CompletionBatch<Stored, Closed> completions;

  public TokenJobHandler(Vertx vertx, Pool pool, PluginStore plugins, Map<String, TokenIssuer> issuers,
                         MeterRegistry registry, int breakerMaxFailures, Duration breakerReset,
                         ManufacturerLimits limits, Duration maxQueueWait, Duration maxTimeout, JobHandoff handoff,
                         CompletionBatch.Window completions) {
    this.vertx = vertx;
    this.handoff = handoff;
    this.completions = new CompletionBatch<>(vertx, completions, batch -> store(pool, batch));
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
    // a job handed over by its payment carries its order; one claimed by polling reads it
    Future<TokenOrder> known = job.context() instanceof TokenOrder order ? Future.succeededFuture(order)
        : pool.preparedQuery(CONTEXT).execute(Tuple.of(job.transactionId()))
            .map(rows -> TokenOrder.from(rows.iterator().next()));
    return known.compose(order -> {
      PaymentTrace trace = new PaymentTrace(null, job.companyId(), order.provider(), order.providerTxnId(),
          job.transactionId().toString());
      LOG.info(trace.marker(), "token job {} attempt {}: asking {} for device {}", job.id(), job.attempt(),
          order.manufacturer(), order.serial());
      return issue(job, order)
          .onSuccess(v -> LOG.info(trace.marker(), "token job {}: token of transaction {} stored", job.id(), job.transactionId()))
          .onFailure(err -> LOG.info(trace.marker(), "token job {} attempt {}: no token yet ({})", job.id(), job.attempt(),
              err.getMessage()));
    });
  }

  private Future<Void> issue(OutboxJob job, TokenOrder order) {
    String manufacturer = order.manufacturer();
    TokenAmount amount = order.tokens();
    UUID deviceId = order.deviceId();
    if (OpenPaygoIssuer.MANUFACTURER.equals(manufacturer)) {
      // generated here, with the device's token count advanced in the same transaction
      return pool.withTransaction(conn -> openPaygo.next(conn, deviceId, amount)
              .compose(g -> store(conn, List.of(stored(job, deviceId, manufacturer, amount,
                  new IssuedToken(g.token(), g.reference()))))).map(closed -> closed.get(0))
              .compose(sms -> fencedSms(job, sms)))
          .compose(sms -> stored(job, sms));
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
      TokenRequest request = new TokenRequest(job.transactionId().toString(), order.serial(), order.type(), amount,
          Money.of(order.amount(), order.currency()), plugin.settings());
      // an earlier attempt may have reached the manufacturer (its answer lost, its lease expired)
      return calls.issue(job.companyId(), job.attempt() > 1 ? new AskFirst(issuer) : issuer, request);
    })
        .compose(token -> completions.add(stored(job, deviceId, manufacturer, amount, token)))
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

  private Stored stored(OutboxJob job, UUID deviceId, String manufacturer, TokenAmount amount, IssuedToken token) {
    return new Stored(job, deviceId, manufacturer, amount, token, handoff.lease("SMS"));
  }

  /** The SMS job of a closed job, or {@link StaleAttempt} when another attempt holds it. */
  private static Future<OutboxJob> fencedSms(OutboxJob job, Closed closed) {
    return closed.closed() ? Future.succeededFuture(closed.sms()) : Future.failedFuture(new StaleAttempt(job));
  }

  /**
   * Stores the tokens of {@code batch}: per job, in order, whether it was closed, with the SMS job
   * inserted leased to this instance's SMS worker (null when left to polling).
   */
  private static Future<List<Closed>> store(SqlClient client, List<Stored> batch) {
    int n = batch.size();
    Long[] jobs = new Long[n];
    UUID[] claims = new UUID[n];
    UUID[] ids = new UUID[n];
    UUID[] companies = new UUID[n];
    UUID[] transactions = new UUID[n];
    UUID[] devices = new UUID[n];
    String[] values = new String[n];
    String[] units = new String[n];
    Long[] quantities = new Long[n];
    String[] manufacturers = new String[n];
    String[] references = new String[n];
    UUID[] smsClaims = new UUID[n];
    double lease = 0;
    for (int i = 0; i < n; i++) {
      Stored s = batch.get(i);
      jobs[i] = s.job().id();
      claims[i] = s.job().claim();
      ids[i] = UUID.randomUUID();
      companies[i] = s.job().companyId();
      transactions[i] = s.job().transactionId();
      devices[i] = s.deviceId();
      values[i] = s.token().value();
      units[i] = s.amount().unit().name();
      quantities[i] = s.amount().quantity();
      manufacturers[i] = s.manufacturer();
      references[i] = s.token().manufacturerReference();
      smsClaims[i] = s.sms() == null ? null : s.sms().claim();
      lease = s.sms() == null ? lease : s.sms().seconds();
    }
    Tuple args = Tuple.tuple().addArrayOfLong(jobs).addArrayOfUUID(claims).addArrayOfUUID(ids)
        .addArrayOfUUID(companies).addArrayOfUUID(transactions).addArrayOfUUID(devices).addArrayOfString(values)
        .addArrayOfString(units).addArrayOfLong(quantities).addArrayOfString(manufacturers)
        .addArrayOfString(references).addArrayOfUUID(smsClaims).addDouble(lease);
    return client.preparedQuery(STORE).execute(args).map(rows -> {
      Map<String, Row> byAttempt = new java.util.HashMap<>();
      rows.forEach(r -> byAttempt.put(r.getLong("job") + "/" + r.getUUID("claim"), r));
      List<Closed> answers = new java.util.ArrayList<>(n);
      for (Stored s : batch) {
        Row r = byAttempt.get(s.job().id() + "/" + s.job().claim());
        Long smsJob = r.getLong("sms_job");
        answers.add(new Closed(r.getBoolean("closed"), s.sms() == null || smsJob == null ? null
            : new OutboxJob(smsJob, "SMS", s.job().companyId(), s.job().transactionId(), 1, s.sms().claim())));
      }
      return answers;
    });
  }
}
