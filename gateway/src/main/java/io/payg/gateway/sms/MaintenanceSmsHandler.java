package io.payg.gateway.sms;

import io.payg.domain.port.SmsSender;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;

/**
 * A MAINTENANCE_SMS job: the maintenance token an operator issued, texted to the device's
 * customer through the company's SMS plugin (else the log sink), as confirmations and reminders
 * are. No money is involved; the message is recorded in sms_messages with the token's id.
 */
public final class MaintenanceSmsHandler implements JobHandler {

  public static final String KIND = "MAINTENANCE_SMS";

  private static final String CONTEXT = """
      SELECT m.id, m.kind, m.value, m.token, d.serial, c.phone,
             (SELECT p.name FROM plugins p WHERE p.company_id = o.company_id AND p.kind = 'SMS' AND p.enabled
              ORDER BY p.name LIMIT 1) AS plugin
      FROM outbox o JOIN maintenance_tokens m ON m.id = o.maintenance_token_id
      JOIN devices d ON d.id = m.device_id JOIN customers c ON c.id = d.customer_id
      WHERE o.id = $1
      """;

  private final Pool pool;
  private final SmsDispatch dispatch;

  public MaintenanceSmsHandler(Vertx vertx, Pool pool, PluginStore plugins, Map<String, SmsSender> senders) {
    this.pool = pool;
    this.dispatch = new SmsDispatch(vertx, plugins, senders);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return pool.preparedQuery(CONTEXT).execute(Tuple.of(job.id())).map(rows -> rows.iterator().next()).compose(r -> {
      UUID tokenId = r.getUUID("id");
      String text = text(r);
      String phone = r.getString("phone");
      return dispatch.send(job.companyId(), r.getString("plugin"), "maintenance-" + tokenId, phone, text)
          .compose(sent -> pool.preparedQuery("WITH " + OutboxStore.done(8, 9) + ", "
                  + "m AS (INSERT INTO sms_messages (id, company_id, maintenance_token_id, phone, body, provider, "
                  + "provider_message_id) SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text, $7::text "
                  + "FROM done) SELECT count(*) FROM done")
              .execute(Tuple.from(new Object[] {UUID.randomUUID(), job.companyId(), tokenId, phone, text, sent.provider(),
                  sent.messageId(), job.id(), job.claim()}))
              .compose(rows -> OutboxStore.fenced(job, rows.iterator().next().getLong(0))));
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
    return "Maintenance token for " + r.getString("serial") + " (" + what + "): " + r.getString("token");
  }
}
