package io.payg.gateway.sms;

import io.payg.domain.Money;
import io.payg.domain.notification.SmsTemplate;
import io.payg.domain.port.SmsSender;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.UUID;

/**
 * A REMINDER job: one SMS about one installment, due soon or overdue, in the company's text for
 * it (else the default). An installment paid since the reminder was enqueued gets nothing.
 */
public final class ReminderSmsHandler implements JobHandler {

  public static final String KIND = "REMINDER";

  private final ReminderStore store;
  private final OutboxStore outbox;
  private final SmsDispatch dispatch;

  public ReminderSmsHandler(
      Vertx vertx,
      ReminderStore store,
      OutboxStore outbox,
      PluginStore plugins,
      Map<String, SmsSender> senders) {
    this.store = store;
    this.outbox = outbox;
    this.dispatch = new SmsDispatch(vertx, plugins, senders);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return store.context(job.id()).compose(r -> {
      if (r.getLong("due") <= 0) {
        return outbox.close(job, "installment paid before the reminder went out");
      }
      UUID reminderId = r.getUUID("reminder_id");
      String text = text(r);
      String phone = r.getString("phone");
      return dispatch
          .send(job.companyId(), r.getString("plugin"), "reminder-" + reminderId, phone, text)
          .compose(
              sent -> store.sent(job, reminderId, phone, text, sent.provider(), sent.messageId()));
    });
  }

  static String text(Row r) {
    ReminderKind kind = ReminderKind.valueOf(r.getString("kind"));
    JsonObject templates = r.getJsonObject("sms_templates");
    String own = templates == null ? null : templates.getString(kind.templateKey);
    SmsTemplate template = own == null ? kind.defaultText : new SmsTemplate(own);
    return template.render(Map.of(
        "name", r.getString("name"),
        "serial", r.getString("serial"),
        "amount", Money.of(r.getLong("due"), r.getString("currency")).toString(),
        "dueDate", r.getLocalDate("due_date").toString(),
        "days", Integer.toString(r.getInteger("days"))));
  }
}
