package io.payg.gateway.sms;

import io.payg.gateway.logging.PaymentTrace;

import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.notification.SmsTemplate;
import io.payg.domain.port.SmsSender;
import io.payg.gateway.outbox.CompletionBatch;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An SMS job: the customer's one confirmation of a transaction, with the token (or, when the
 * payment only cleared debts, a receipt). Sent through the company's enabled SMS plugin, else
 * the log sink; stored in sms_messages in the same statement that closes the job.
 */
public final class SmsJobHandler implements JobHandler {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmsJobHandler.class);

  private static final String CONTEXT = "SELECT t.amount, t.currency, t.serial, c.name, c.phone, "
      + "t.provider AS payment_provider, t.provider_txn_id, "
      + "k.value AS token, k.unit, k.quantity, "
      + "(SELECT COALESCE(sum(a.amount), 0) FROM allocations a WHERE a.transaction_id = t.id "
      + "AND a.kind IN ('INSTALLMENT', 'ACCESS_RATE')) AS debts_cleared, "
      + "(SELECT p.name FROM plugins p "
      + "WHERE p.company_id = t.company_id AND p.kind = 'SMS' AND p.enabled ORDER BY p.name LIMIT 1) AS plugin, "
      + "co.sms_templates, "
      // the request id of the provider call the payment came from, for the job's log lines
      + "(SELECT o.request_id FROM outbox o WHERE o.id = $2) AS request_id "
      + "FROM transactions t JOIN customers c ON c.id = t.customer_id JOIN companies co ON co.id = t.company_id "
      + "LEFT JOIN tokens k ON k.transaction_id = t.id WHERE t.id = $1";

  /*
   * The messages of many jobs in one statement (CompletionBatch), a row of the arrays per job, each
   * fenced by its claim (OutboxStore.doneEach): an attempt that outlived its lease records nothing.
   */
  static final String STORE = "WITH x AS (SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], "
      + "$5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[]) "
      + "AS x(job, claim, message_id, company_id, transaction_id, phone, body, provider, provider_message_id)), "
      + OutboxStore.doneEach("x") + ", "
      + "m AS (INSERT INTO sms_messages (id, company_id, transaction_id, phone, body, provider, provider_message_id) "
      + "SELECT x.message_id, x.company_id, x.transaction_id, x.phone, x.body, x.provider, x.provider_message_id "
      + "FROM x JOIN done ON done.id = x.job AND done.claim = x.claim) "
      + "SELECT x.job, x.claim, done.id IS NOT NULL AS closed FROM x LEFT JOIN done ON done.id = x.job AND done.claim = x.claim";

  /** One job's sent message, a row of {@link #STORE}. */
  private record Sent(OutboxJob job, String phone, String body, SmsDispatch.Sent sent) {
  }

  private final Pool pool;
  private final SmsDispatch dispatch;
  private final CompletionBatch<Sent, Boolean> completions;

  /** The jobs that end within one {@code completions} window are recorded by one statement. */
  public SmsJobHandler(Vertx vertx, Pool pool, PluginStore plugins, Map<String, SmsSender> senders,
                       CompletionBatch.Window completions) {
    this.pool = pool;
    this.dispatch = new SmsDispatch(vertx, plugins, senders);
    this.completions = new CompletionBatch<>(vertx, completions, this::store);
  }

  @Override
  public String kind() {
    return "SMS";
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return pool.preparedQuery(CONTEXT).execute(Tuple.of(job.transactionId(), job.id())).compose(rows -> {
      Row r = rows.iterator().next();
      String text = text(r);
      String phone = r.getString("phone");
      PaymentTrace trace = new PaymentTrace(r.getString("request_id"), job.companyId(), r.getString("payment_provider"),
          r.getString("provider_txn_id"), job.transactionId().toString());
      return dispatch.send(job.companyId(), r.getString("plugin"), "sms-" + job.transactionId(), phone, text)
          .compose(sent -> completions.add(new Sent(job, phone, text, sent))
              .compose(closed -> OutboxStore.fenced(job, closed ? 1 : 0))
              .onSuccess(v -> LOG.info(trace.marker(), "SMS job {}: confirmation of transaction {} sent through {}",
                  job.id(), job.transactionId(), sent.provider())))
          .onFailure(err -> LOG.info(trace.marker(), "SMS job {} attempt {}: not sent yet ({})", job.id(), job.attempt(),
              err.getMessage()));
    });
  }

  /** Records the messages of {@code batch}: per job, in order, whether its claim closed it. */
  private Future<List<Boolean>> store(List<Sent> batch) {
    int n = batch.size();
    Long[] jobs = new Long[n];
    UUID[] claims = new UUID[n];
    UUID[] ids = new UUID[n];
    UUID[] companies = new UUID[n];
    UUID[] transactions = new UUID[n];
    String[] phones = new String[n];
    String[] bodies = new String[n];
    String[] providers = new String[n];
    String[] messageIds = new String[n];
    for (int i = 0; i < n; i++) {
      Sent s = batch.get(i);
      jobs[i] = s.job().id();
      claims[i] = s.job().claim();
      ids[i] = UUID.randomUUID();
      companies[i] = s.job().companyId();
      transactions[i] = s.job().transactionId();
      phones[i] = s.phone();
      bodies[i] = s.body();
      providers[i] = s.sent().provider();
      messageIds[i] = s.sent().messageId();
    }
    Tuple args = Tuple.tuple().addArrayOfLong(jobs).addArrayOfUUID(claims).addArrayOfUUID(ids)
        .addArrayOfUUID(companies).addArrayOfUUID(transactions).addArrayOfString(phones).addArrayOfString(bodies)
        .addArrayOfString(providers).addArrayOfString(messageIds);
    return pool.preparedQuery(STORE).execute(args).map(rows -> {
      Map<String, Boolean> closed = new HashMap<>();
      rows.forEach(r -> closed.put(r.getLong("job") + "/" + r.getUUID("claim"), r.getBoolean("closed")));
      return batch.stream().map(s -> closed.get(s.job().id() + "/" + s.job().claim())).toList();
    });
  }

  /** The confirmation text: the company's template for it, else the default text. */
  static String text(Row r) {
    Money paid = Money.of(r.getLong("amount"), r.getString("currency"));
    long debts = r.getLong("debts_cleared");
    String token = r.getString("token");
    JsonObject templates = r.getJsonObject("sms_templates");
    String template = templates == null ? null : templates.getString(token != null ? "token" : "receipt");
    if (template != null) {
      Map<String, String> values = new HashMap<>();
      values.put("name", r.getString("name"));
      values.put("serial", r.getString("serial"));
      values.put("amount", paid.toString());
      values.put("debts", Money.of(debts, paid.currency()).toString());
      if (token != null) {
        values.put("token", token);
        values.put("units", new TokenAmount(TokenAmount.Unit.valueOf(r.getString("unit")), r.getLong("quantity")).describe());
      }
      return new SmsTemplate(template).render(values);
    }
    StringBuilder s = new StringBuilder()
        .append("Dear ").append(r.getString("name")).append(", we received ").append(paid)
        .append(" for ").append(r.getString("serial")).append('.');
    if (debts > 0) {
      s.append(" Debts cleared: ").append(Money.of(debts, paid.currency())).append('.');
    }
    if (token != null) {
      TokenAmount units = new TokenAmount(TokenAmount.Unit.valueOf(r.getString("unit")), r.getLong("quantity"));
      s.append(" Token: ").append(token).append(" (").append(units.describe()).append(").");
    } else {
      s.append(" No token for this payment.");
    }
    return s.toString();
  }
}
