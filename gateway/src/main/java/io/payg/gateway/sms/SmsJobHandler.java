package io.payg.gateway.sms;

import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.notification.SmsTemplate;
import io.payg.domain.port.SmsSender;
import io.payg.gateway.logging.PaymentTrace;
import io.payg.gateway.outbox.CompletionBatch;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.sms.SmsMessageStore.SentConfirmation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMS job: the customer's one confirmation of a transaction, with the token (or, when the
 * payment only cleared debts, a receipt). Sent through the company's enabled SMS plugin, else
 * the log sink; stored in sms_messages in the same statement that closes the job.
 */
public final class SmsJobHandler implements JobHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SmsJobHandler.class);

  private final SmsMessageStore messages;
  private final SmsDispatch dispatch;
  private final CompletionBatch<SentConfirmation, Boolean> completions;

  /** The jobs that end within one {@code completions} window are recorded by one statement. */
  public SmsJobHandler(
      Vertx vertx,
      Pool pool,
      PluginStore plugins,
      Map<String, SmsSender> senders,
      CompletionBatch.Window completions) {
    this.messages = new SmsMessageStore(pool);
    this.dispatch = new SmsDispatch(vertx, plugins, senders);
    this.completions = new CompletionBatch<>(vertx, completions, messages::recordConfirmations);
  }

  @Override
  public String kind() {
    return "SMS";
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return messages.confirmation(job.transactionId(), job.id()).compose(r -> {
      String text = text(r);
      String phone = r.getString("phone");
      PaymentTrace trace = new PaymentTrace(
          r.getString("request_id"),
          job.companyId(),
          r.getString("payment_provider"),
          r.getString("provider_txn_id"),
          job.transactionId().toString());
      return dispatch
          .send(job.companyId(), r.getString("plugin"), "sms-" + job.transactionId(), phone, text)
          .compose(sent -> completions
              .add(new SentConfirmation(job, phone, text, sent))
              .compose(closed -> OutboxStore.fenced(job, closed ? 1 : 0))
              .onSuccess(v -> LOG.info(
                  trace.marker(),
                  "SMS job {}: confirmation of transaction {} sent through {}",
                  job.id(),
                  job.transactionId(),
                  sent.provider())))
          .onFailure(err -> LOG.info(
              trace.marker(),
              "SMS job {} attempt {}: not sent yet ({})",
              job.id(),
              job.attempt(),
              err.getMessage()));
    });
  }

  /** The confirmation text: the company's template for it, else the default text. */
  static String text(Row r) {
    Money paid = Money.of(r.getLong("amount"), r.getString("currency"));
    long debts = r.getLong("debts_cleared");
    String token = r.getString("token");
    JsonObject templates = r.getJsonObject("sms_templates");
    String template =
        templates == null ? null : templates.getString(token != null ? "token" : "receipt");
    if (template != null) {
      Map<String, String> values = new HashMap<>();
      values.put("name", r.getString("name"));
      values.put("serial", r.getString("serial"));
      values.put("amount", paid.toString());
      values.put("debts", Money.of(debts, paid.currency()).toString());
      if (token != null) {
        values.put("token", token);
        TokenAmount units =
            new TokenAmount(TokenAmount.Unit.valueOf(r.getString("unit")), r.getLong("quantity"));
        values.put("units", units.describe());
      }
      return new SmsTemplate(template).render(values);
    }
    StringBuilder s = new StringBuilder()
        .append("Dear ")
        .append(r.getString("name"))
        .append(", we received ")
        .append(paid)
        .append(" for ")
        .append(r.getString("serial"))
        .append('.');
    if (debts > 0) {
      s.append(" Debts cleared: ").append(Money.of(debts, paid.currency())).append('.');
    }
    if (token != null) {
      TokenAmount units =
          new TokenAmount(TokenAmount.Unit.valueOf(r.getString("unit")), r.getLong("quantity"));
      s.append(" Token: ").append(token).append(" (").append(units.describe()).append(").");
    } else {
      s.append(" No token for this payment.");
    }
    return s.toString();
  }
}
