package io.payg.gateway.webhook;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.plugin.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** SQL of webhook endpoints and deliveries. The signing secret is stored sealed, never returned after creation. */
public final class WebhookStore {

  private static final String GET = """
      SELECT url, events, enabled, created_at, updated_at FROM webhook_endpoints WHERE company_id = $1
      """;

  /** A new endpoint takes the secret $5; an existing one keeps its secret unless $5 (a rotation) is given. */
  private static final String PUT = """
      WITH old AS (SELECT url, events, enabled FROM webhook_endpoints WHERE company_id = $1 FOR UPDATE)
      INSERT INTO webhook_endpoints (company_id, url, events, enabled, secret_sealed)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (company_id) DO UPDATE SET url = EXCLUDED.url, events = EXCLUDED.events, enabled = EXCLUDED.enabled,
        secret_sealed = CASE WHEN $6 THEN EXCLUDED.secret_sealed ELSE webhook_endpoints.secret_sealed END,
        updated_at = now()
      RETURNING url, events, enabled, created_at, updated_at, (xmax = 0) AS created,
        (SELECT json_build_object('url', url, 'events', events, 'enabled', enabled) FROM old) AS before
      """;

  /** The delivery log, newest first, keyset-paged by created_at; status and attempts from its outbox job. */
  private static final String DELIVERIES = """
      SELECT d.id, d.event_type, d.created_at, d.last_http_status, d.last_attempt_at, d.delivered_at,
             o.status, o.attempts, o.last_error, o.next_attempt_at
        FROM webhook_deliveries d JOIN outbox o ON o.webhook_delivery_id = d.id
       WHERE d.company_id = $1 AND ($2::timestamptz IS NULL OR d.created_at < $2)
       ORDER BY d.created_at DESC, d.id LIMIT $3
      """;

  /** What a WEBHOOK job sends, and where (the endpoint as it is now). */
  private static final String FOR_JOB = """
      SELECT d.id, d.company_id, d.event_type, d.data, d.created_at, w.url, w.secret_sealed, w.enabled
        FROM outbox o JOIN webhook_deliveries d ON d.id = o.webhook_delivery_id
        LEFT JOIN webhook_endpoints w ON w.company_id = d.company_id
       WHERE o.id = $1
      """;

  /** A 2xx: the job closed (fenced by its claim) and the delivery marked delivered, in one statement. */
  private static final String DELIVERED = """
      WITH done AS (
        UPDATE outbox SET status = 'DONE', last_error = NULL, claim_token = NULL, updated_at = now()
         WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'
        RETURNING id)
      UPDATE webhook_deliveries SET last_http_status = $3, last_attempt_at = now(), delivered_at = now()
        FROM done
       WHERE webhook_deliveries.id = $4
      RETURNING 1""";

  private static final String ATTEMPTED = """
      UPDATE webhook_deliveries SET last_http_status = $2, last_attempt_at = now() WHERE id = $1
      """;

  /** A delivery as the job sees it; {@code url} null when the company removed its endpoint. */
  record Pending(
      UUID eventId,
      String type,
      JsonObject data,
      OffsetDateTime createdAt,
      String url,
      String secret,
      boolean enabled) {}

  private final Pool pool;
  private final SecretBox secrets;

  public WebhookStore(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  static final String SEALED = """
      SELECT company_id, secret_sealed FROM webhook_endpoints
      """;

  static final String RESEAL = """
      UPDATE webhook_endpoints SET secret_sealed = $2 WHERE company_id = $1 AND secret_sealed = $3
      """;

  /** Re-seals every signing secret not sealed with the current SECRETS_KEY (after a rotation); answers how many. */
  public Future<Integer> resealAll() {
    return pool.query(SEALED).execute().compose(rows -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (Row r : rows) {
        UUID companyId = r.getUUID(0);
        String stored = r.getString(1);
        if (stored == null || secrets.isCurrent(stored)) {
          continue;
        }
        String resealed = secrets.seal(secrets.open(stored, place(companyId)), place(companyId));
        done = done.compose(n -> pool.preparedQuery(RESEAL)
            .execute(Tuple.of(companyId, resealed, stored))
            .map(x -> n + x.rowCount()));
      }
      return done;
    });
  }

  static String place(UUID companyId) {
    return "webhook:" + companyId;
  }

  Future<JsonObject> get(UUID companyId) {
    return pool.preparedQuery(GET)
        .execute(Tuple.of(companyId))
        .map(rows -> rows.size() == 0 ? null : endpoint(rows.iterator().next()));
  }

  /** Creates or replaces the endpoint; the answer carries {@code secret} only when one was made now. */
  Future<JsonObject> put(
      Caller who,
      String url,
      List<String> events,
      boolean enabled,
      String newSecret,
      boolean rotate) {
    UUID companyId = who.companyId();
    JsonObject[] before = new JsonObject[1];
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery(PUT)
            .execute(Tuple.of(
                companyId,
                url,
                events.toArray(String[]::new),
                enabled,
                secrets.seal(newSecret, place(companyId)),
                rotate))
            .map(rows -> {
              Row r = rows.iterator().next();
              before[0] = r.getValue("before") instanceof JsonObject b ? b : null;
              JsonObject out = endpoint(r);
              if (rotate || r.getBoolean("created")) {
                out.put("secret", newSecret); // shown this once
              }
              return out;
            }),
        out -> new AuditStore.Entry(
            "webhook.saved",
            "webhook_endpoint",
            companyId.toString(),
            before[0],
            new JsonObject()
                .put("url", url)
                .put("events", new JsonArray(events))
                .put("enabled", enabled)
                .put("secretRotated", out.containsKey("secret"))));
  }

  Future<JsonArray> deliveries(UUID companyId, OffsetDateTime before, int limit) {
    return pool.preparedQuery(DELIVERIES)
        .execute(Tuple.of(companyId, before, limit))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (Row r : rows) {
            String status = switch (r.getString("status")) {
              case "DONE" -> r.getOffsetDateTime("delivered_at") != null ? "DELIVERED" : "DROPPED";
              case "FAILED" -> "FAILED";
              default -> "PENDING";
            };
            items.add(new JsonObject()
                .put("id", r.getUUID("id").toString())
                .put("type", r.getString("event_type"))
                .put("status", status)
                .put("attempts", r.getInteger("attempts"))
                .put("lastHttpStatus", r.getInteger("last_http_status"))
                .put("lastError", r.getString("last_error"))
                .put("createdAt", r.getOffsetDateTime("created_at").toString())
                .put("lastAttemptAt", text(r.getOffsetDateTime("last_attempt_at")))
                .put("deliveredAt", text(r.getOffsetDateTime("delivered_at")))
                .put(
                    "nextAttemptAt",
                    "PENDING".equals(status)
                        ? text(r.getOffsetDateTime("next_attempt_at"))
                        : null));
          }
          return items;
        });
  }

  Future<Pending> forJob(long outboxId) {
    return pool.preparedQuery(FOR_JOB).execute(Tuple.of(outboxId)).map(rows -> {
      Row r = rows.iterator().next();
      String url = r.getString("url");
      Object data = r.getValue("data");
      JsonObject json = data instanceof JsonObject o ? o : new JsonObject(String.valueOf(data));
      UUID eventId = r.getUUID("id");
      return new Pending(
          eventId,
          r.getString("event_type"),
          json,
          r.getOffsetDateTime("created_at"),
          url,
          url == null
              ? null
              : secrets.open(r.getString("secret_sealed"), place(r.getUUID("company_id"))),
          Boolean.TRUE.equals(r.getBoolean("enabled")));
    });
  }

  Future<Void> delivered(OutboxJob job, UUID eventId, int httpStatus) {
    return pool.preparedQuery(DELIVERED)
        .execute(Tuple.of(job.id(), job.claim(), httpStatus, eventId))
        .compose(rows -> OutboxStore.fenced(job, rows.rowCount()));
  }

  Future<Void> attempted(UUID eventId, Integer httpStatus) {
    return pool.preparedQuery(ATTEMPTED).execute(Tuple.of(eventId, httpStatus)).mapEmpty();
  }

  private static JsonObject endpoint(Row r) {
    return new JsonObject()
        .put("url", r.getString("url"))
        .put("events", new JsonArray(List.of(r.getArrayOfStrings("events"))))
        .put("enabled", r.getBoolean("enabled"))
        .put("secretSet", true)
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toString());
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }
}
