package io.payg.gateway.sms;

import io.payg.domain.port.SmsSender;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.UUID;

/**
 * A MAINTENANCE_SMS job: the maintenance token an operator issued, texted to the device's
 * customer through the company's SMS plugin (else the log sink), as confirmations and reminders
 * are. No money is involved; the message is recorded in sms_messages with the token's id.
 */
public final class MaintenanceSmsHandler implements JobHandler {

  public static final String KIND = "MAINTENANCE_SMS";

  private final SmsMessageStore messages;
  private final SmsDispatch dispatch;

  public MaintenanceSmsHandler(
      Vertx vertx, Pool pool, PluginStore plugins, Map<String, SmsSender> senders) {
    this.messages = new SmsMessageStore(pool);
    this.dispatch = new SmsDispatch(vertx, plugins, senders);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return messages.maintenance(job.id()).compose(r -> {
      UUID tokenId = r.getUUID("id");
      String text = text(r);
      String phone = r.getString("phone");
      return dispatch
          .send(job.companyId(), r.getString("plugin"), "maintenance-" + tokenId, phone, text)
          .compose(sent -> messages.recordMaintenance(job, tokenId, phone, text, sent));
    });
  }

  /** What the customer reads: the token to type in, for which device, and what it does. */
  static String text(Row r) {
    String what = switch (r.getString("kind")) {
      case "ADD_DAYS" -> r.getLong("value") + " days added";
      case "SET_DAYS" -> "set to " + r.getLong("value") + " days";
      case "DISABLE", "UNLOCK" -> "unlocked for good";
      case "COUNTER_SYNC" -> "counter sync";
      default -> r.getString("kind");
    };
    return "Maintenance token for " + r.getString("serial") + " (" + what + "): "
        + r.getString("token");
  }
}
