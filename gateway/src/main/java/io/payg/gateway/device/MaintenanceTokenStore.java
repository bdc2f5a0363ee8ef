package io.payg.gateway.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL of maintenance_tokens: the device locked for its count, the token stored, its SMS queued, a replay read. */
public final class MaintenanceTokenStore {

  /** The row locked: a payment's token and a maintenance token never take the same count. */
  static final String LOCK_DEVICE = """
      SELECT id, serial, manufacturer, openpaygo_secret_key, openpaygo_starting_code, openpaygo_token_count
        FROM devices WHERE company_id = $1 AND lower(serial) = lower($2) FOR UPDATE
      """;

  static final String INSERT = """
      INSERT INTO maintenance_tokens (id, company_id, device_id, idempotency_key, kind, value, reason,
                                      token, token_count, issued_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      RETURNING created_at
      """;

  /** Sent to the device's customer by the outbox (MaintenanceSmsHandler). */
  static final String QUEUE_SMS = """
      INSERT INTO outbox (company_id, kind, maintenance_token_id) VALUES ($1, 'MAINTENANCE_SMS', $2)
      """;

  /** The token issued under an idempotency key, with where its SMS is. */
  static final String BY_KEY = """
      SELECT m.id, d.serial, m.kind, m.value, m.reason, m.token, m.token_count, m.created_at,
             (SELECT CASE o.status WHEN 'DONE' THEN 'SENT' WHEN 'FAILED' THEN 'FAILED' ELSE 'QUEUED' END
                FROM outbox o WHERE o.maintenance_token_id = m.id) AS sms
        FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id
       WHERE m.company_id = $1 AND m.idempotency_key = $2
      """;

  /** A maintenance token to store; {@code value} null for kinds that carry none. */
  record NewToken(
      UUID id,
      UUID companyId,
      UUID deviceId,
      String idempotencyKey,
      String kind,
      Long value,
      String reason,
      String token,
      int tokenCount,
      UUID issuedBy) {}

  private final Pool pool;

  public MaintenanceTokenStore(Pool pool) {
    this.pool = pool;
  }

  /** The device's row (null when the company has no such serial), locked until {@code conn}'s transaction ends. */
  static Future<Row> lockDevice(SqlConnection conn, UUID companyId, String serial) {
    return conn.preparedQuery(LOCK_DEVICE)
        .execute(Tuple.of(companyId, serial))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Stores the token; answers its created_at. */
  static Future<OffsetDateTime> insert(SqlConnection conn, NewToken t) {
    return conn.preparedQuery(INSERT)
        .execute(Tuple.from(new Object[] {
          t.id(),
          t.companyId(),
          t.deviceId(),
          t.idempotencyKey(),
          t.kind(),
          t.value(),
          t.reason(),
          t.token(),
          t.tokenCount(),
          t.issuedBy()
        }))
        .map(rows -> rows.iterator().next().getOffsetDateTime(0));
  }

  static Future<RowSet<Row>> queueSms(SqlConnection conn, UUID companyId, UUID tokenId) {
    return conn.preparedQuery(QUEUE_SMS).execute(Tuple.of(companyId, tokenId));
  }

  /** The token already issued under {@code key}, as the API answers it; null when none. */
  Future<JsonObject> byKey(UUID companyId, String key) {
    return pool.preparedQuery(BY_KEY).execute(Tuple.of(companyId, key)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new JsonObject()
          .put("id", r.getUUID("id").toString())
          .put("serial", r.getString("serial"))
          .put("kind", r.getString("kind"))
          .put("value", r.getLong("value"))
          .put("reason", r.getString("reason"))
          .put("token", r.getString("token"))
          .put("tokenCount", r.getInteger("token_count"))
          .put("sms", r.getString("sms"))
          .put("createdAt", r.getOffsetDateTime("created_at").toString());
    });
  }
}
