package io.payg.gateway.device;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of a manufacturer's unlock: the device it is for, and the maintenance_tokens row with its audit row. */
final class ManufacturerUnlockStore {

  /** The device an unlock is asked for. */
  record Device(UUID id, String serial, String type, String manufacturer) {}

  private static final String DEVICE = """
      SELECT id, serial, type, manufacturer FROM devices WHERE company_id = $1 AND lower(serial) = lower($2)""";

  private static final String INSERT = """
      INSERT INTO maintenance_tokens (id, company_id, device_id, idempotency_key, kind, value, reason, token,
        token_count, issued_by)
      VALUES ($1, $2, $3, $4, 'UNLOCK', NULL, $5, $6, NULL, $7) RETURNING created_at""";

  private static final String QUEUE_SMS = """
      INSERT INTO outbox (company_id, kind, maintenance_token_id) VALUES ($1, 'MAINTENANCE_SMS', $2)""";

  private final Pool pool;

  ManufacturerUnlockStore(Pool pool) {
    this.pool = pool;
  }

  /** The company's device of that serial (any case), or null. */
  Future<Device> device(UUID companyId, String typedSerial) {
    return pool.preparedQuery(DEVICE).execute(Tuple.of(companyId, typedSerial)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Device(
          r.getUUID("id"), r.getString("serial"), r.getString("type"), r.getString("manufacturer"));
    });
  }

  /**
   * The keycode the manufacturer answered, its SMS queued on request, and the audit row (the
   * keycode never in it), in one transaction. A key already taken fails with 23505 on
   * maintenance_tokens (company_id, idempotency_key), which the caller answers as a replay.
   */
  Future<JsonObject> record(
      Caller who,
      Device d,
      String key,
      String reason,
      String keycode,
      String reference,
      boolean sendSms) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
        .execute(Tuple.of(id, who.companyId(), d.id(), key, reason, keycode, who.userId()))
        .compose(ins -> !sendSms
            ? Future.succeededFuture(ins)
            : conn.preparedQuery(QUEUE_SMS)
                .execute(Tuple.of(who.companyId(), id))
                .map(ins))
        .compose(ins -> {
          JsonObject issued = new JsonObject()
              .put("id", id.toString())
              .put("serial", d.serial())
              .put("kind", MaintenanceTokens.Kind.UNLOCK.name())
              .put("value", null)
              .put("reason", reason)
              .put("token", keycode)
              .put("tokenCount", null)
              .put("sms", sendSms ? "QUEUED" : null)
              .put("createdAt", ins.iterator().next().getOffsetDateTime(0).toString());
          return AuditStore.record(
                  conn,
                  who,
                  "device.maintenance_token",
                  "device",
                  d.id().toString(),
                  null,
                  issued
                      .copy()
                      .put("token", "****")
                      .put("manufacturer", d.manufacturer())
                      .put("manufacturerReference", reference))
              .map(issued);
        }));
  }
}
