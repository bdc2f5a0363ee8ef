package io.payg.gateway.sms;

import io.payg.gateway.logging.PaymentTrace;

import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.notification.SmsTemplate;
import io.payg.domain.port.SmsSender;
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
      + "co.sms_templates "
      + "FROM transactions t JOIN customers c ON c.id = t.customer_id JOIN companies co ON co.id = t.company_id "
      + "LEFT JOIN tokens k ON k.transaction_id = t.id WHERE t.id = $1";

  // fenced by the claim (OutboxStore.done): an attempt that outlived its lease records nothing
  private static final String STORE = "WITH " + OutboxStore.done(8, 9) + ", "
      + "m AS (INSERT INTO sms_messages (id, company_id, transaction_id, phone, body, provider, provider_message_id) "
      + "SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text, $7::text FROM done) "
      + "SELECT count(*) FROM done";

  private final Pool pool;
  private final SmsDispatch dispatch;

  public SmsJobHandler(Vertx vertx, Pool pool, PluginStore plugins, Map<String, SmsSender> senders) {
    this.pool = pool;
    this.dispatch = new SmsDispatch(vertx, plugins, senders);
  }

  @Override
  public String kind() {
    return "SMS";
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return pool.preparedQuery(CONTEXT).execute(Tuple.of(job.transactionId())).compose(rows -> {
      Row r = rows.iterator().next();
      String text = text(r);
      String phone = r.getString("phone");
      PaymentTrace trace = new PaymentTrace(null, job.companyId(), r.getString("payment_provider"),
          r.getString("provider_txn_id"), job.transactionId().toString());
      return dispatch.send(job.companyId(), r.getString("plugin"), "sms-" + job.transactionId(), phone, text)
          .compose(sent -> pool.preparedQuery(STORE).execute(Tuple.from(new Object[] {UUID.randomUUID(),
              job.companyId(), job.transactionId(), phone, text, sent.provider(), sent.messageId(), job.id(), job.claim()}))
              .compose(stored -> OutboxStore.fenced(job, stored.iterator().next().getLong(0)))
              .onSuccess(v -> LOG.info(trace.marker(), "SMS job {}: confirmation of transaction {} sent through {}",
                  job.id(), job.transactionId(), sent.provider())))
          .onFailure(err -> LOG.info(trace.marker(), "SMS job {} attempt {}: not sent yet ({})", job.id(), job.attempt(),
              err.getMessage()));
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
