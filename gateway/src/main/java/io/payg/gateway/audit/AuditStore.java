package io.payg.gateway.audit;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The audit log: one row per change made through the API, written with {@link #record} on the
 * change's own connection, so the row commits or rolls back with the change. Any route adopts it
 * with that one call. Before/after are whatever JSON the caller passes, with every field whose
 * name looks like a secret replaced (the caller should not pass secrets; this is the safety net).
 */
public final class AuditStore {

  /** Field names never written, at any depth. */
  private static final Set<String> SECRET_FIELDS = Set.of(
      "password",
      "passwordhash",
      "password_hash",
      "secret",
      "secretkey",
      "secret_key",
      "openpaygo_secret_key",
      "apikey",
      "api_key",
      "token",
      "pin",
      "consumersecret",
      "passkey",
      "privatekey");

  private final Pool pool;

  public AuditStore(Pool pool) {
    this.pool = pool;
  }

  /** Writes the row on {@code conn} (the change's transaction). */
  public static Future<Void> record(
      SqlConnection conn,
      Caller who,
      String action,
      String entity,
      String entityId,
      JsonObject before,
      JsonObject after) {
    return conn.preparedQuery("""
            INSERT INTO audit_log (id, company_id, actor_id, actor_role, action, entity, entity_id, before, after)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
        .execute(Tuple.from(new Object[] {
          UUID.randomUUID(),
          who.companyId(),
          who.userId(),
          who.role().name(),
          action,
          entity,
          entityId,
          // a JsonObject, not its text: a String bound to jsonb would be stored as one JSON string
          before == null ? null : redact(before),
          after == null ? null : redact(after)
        }))
        .mapEmpty();
  }

  /**
   * A CTE ({@code <name>}) to append to a statement's WITH list that writes the audit row of a
   * change made in that one statement: one row per row of {@code from} whose actor
   * ({@code actorExpr}, a user of the company) is not null; the actor's role is read from users.
   * {@code action} and {@code entity} are constants of the caller, never input; before/after are
   * json(b) expressions over {@code from} that must not carry secrets ({@link #record} redacts, this cannot).
   */
  public static String cte(
      String name,
      String from,
      String companyExpr,
      String actorExpr,
      String action,
      String entity,
      String entityIdExpr,
      String beforeExpr,
      String afterExpr) {
    if (!action.matches("[a-z_.]+") || !entity.matches("[a-z_]+")) {
      throw new IllegalArgumentException(
          "audit action and entity are constants: " + action + ", " + entity);
    }
    return """
        %1$s AS (
          INSERT INTO audit_log (id, company_id, actor_id, actor_role, action, entity, entity_id, before, after)
          SELECT gen_random_uuid(), %3$s, au_w.id, au_w.role, '%5$s', '%6$s', (%7$s)::text, (%8$s)::jsonb,
                 (%9$s)::jsonb
            FROM %2$s
            JOIN users au_w ON au_w.id = %4$s AND au_w.company_id = %3$s)""".formatted(
        name, from, companyExpr, actorExpr, action, entity, entityIdExpr, beforeExpr, afterExpr);
  }

  /** What one change did, for its audit row. */
  public record Entry(
      String action, String entity, String entityId, JsonObject before, JsonObject after) {}

  /**
   * Runs {@code change} in one transaction and writes its audit row there: both commit or
   * neither. {@code entry} names what the change did from its result; a null entry (nothing
   * changed, e.g. a replay) writes no row.
   */
  public static <T> Future<T> inTransaction(
      Pool pool, Caller who, Function<SqlConnection, Future<T>> change, Function<T, Entry> entry) {
    return pool.withTransaction(conn -> change.apply(conn).compose(result -> {
      Entry e = entry.apply(result);
      return e == null
          ? Future.succeededFuture(result)
          : record(conn, who, e.action(), e.entity(), e.entityId(), e.before(), e.after())
              .map(result);
    }));
  }

  /** A copy with secret-looking fields masked. */
  static JsonObject redact(JsonObject o) {
    JsonObject copy = new JsonObject();
    o.forEach(e -> {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (SECRET_FIELDS.contains(key) || key.endsWith("secret") || key.endsWith("password")) {
        copy.put(e.getKey(), "****");
      } else if (e.getValue() instanceof JsonObject j) {
        copy.put(e.getKey(), redact(j));
      } else if (e.getValue() instanceof JsonArray a) {
        JsonArray out = new JsonArray();
        a.forEach(v -> out.add(v instanceof JsonObject j ? redact(j) : v));
        copy.put(e.getKey(), out);
      } else {
        copy.put(e.getKey(), e.getValue());
      }
    });
    return copy;
  }

  /** Newest first, keyset-paged on created_at like the other lists. */
  public Future<JsonObject> search(AuditSearch a, OffsetDateTime before, int limit) {
    return pool.preparedQuery("""
            SELECT id, actor_id, actor_role, action, entity, entity_id, before, after, created_at FROM audit_log
            WHERE company_id = $1 AND ($2::text IS NULL OR entity = $2) AND ($3::text IS NULL OR entity_id = $3)
              AND ($4::uuid IS NULL OR actor_id = $4) AND ($5::timestamptz IS NULL OR created_at >= $5)
              AND ($6::timestamptz IS NULL OR created_at < $6) AND ($7::timestamptz IS NULL OR created_at < $7)
            ORDER BY created_at DESC, id DESC LIMIT $8""")
        .execute(Tuple.from(new Object[] {
          a.companyId(), a.entity(), a.entityId(), a.actorId(), a.from(), a.to(), before, limit
        }))
        .map(rows -> {
          JsonArray items = new JsonArray();
          String last = null;
          for (Row r : rows) {
            last = r.getOffsetDateTime("created_at").toString();
            items.add(new JsonObject()
                .put("id", r.getUUID("id").toString())
                .put(
                    "actorId",
                    r.getUUID("actor_id") == null ? null : r.getUUID("actor_id").toString())
                .put("actorRole", r.getString("actor_role"))
                .put("action", r.getString("action"))
                .put("entity", r.getString("entity"))
                .put("entityId", r.getString("entity_id"))
                .put("before", r.getJsonObject("before"))
                .put("after", r.getJsonObject("after"))
                .put("createdAt", last));
          }
          return Paging.page(items, limit, "createdAt");
        });
  }
}
