package io.payg.gateway.apikey;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL of integrators' API keys: only each key's SHA-256 is stored. */
final class ApiKeyStore {

  private static final String CREATE = """
      INSERT INTO api_keys (id, company_id, name, role, scope, key_hash, prefix, created_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      RETURNING id, name, role, scope, prefix, created_at, revoked_at, last_used_at
      """;

  private static final String LIST = """
      SELECT id, name, role, scope, prefix, created_at, revoked_at, last_used_at
        FROM api_keys WHERE company_id = $1 ORDER BY created_at, id
      """;

  private static final String REVOKE = """
      WITH old AS (SELECT id, revoked_at FROM api_keys WHERE id = $1 AND company_id = $2 FOR UPDATE)
      UPDATE api_keys SET revoked_at = COALESCE(api_keys.revoked_at, now()) FROM old WHERE api_keys.id = old.id
      RETURNING api_keys.id, name, role, scope, prefix, created_at, api_keys.revoked_at, last_used_at,
        old.revoked_at IS NULL AS revoked_now
      """;

  /**
   * The caller a key stands for: live (not revoked), its creator still an enabled ADMIN of the
   * company. Marks it used at most once a minute, in the same statement, so a busy integration
   * does not write on every request.
   */
  private static final String AUTHENTICATE = """
      WITH k AS (
        SELECT k.id, k.company_id, k.role, k.scope, k.created_by
          FROM api_keys k JOIN users u ON u.id = k.created_by AND u.company_id = k.company_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL AND u.role = 'ADMIN'),
      used AS (
        UPDATE api_keys SET last_used_at = now() FROM k
         WHERE api_keys.id = k.id AND (api_keys.last_used_at IS NULL
           OR api_keys.last_used_at < now() - interval '1 minute'))
      SELECT id, company_id, role, scope, created_by FROM k
      """;

  /** A live key's identity. */
  record Holder(UUID keyId, UUID companyId, String role, String scope, UUID createdBy) {}

  private final Pool pool;

  ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> create(
      Caller who, String name, String role, String scope, byte[] hash, String prefix) {
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery(CREATE)
            .execute(Tuple.from(new Object[] {
              UUID.randomUUID(),
              who.companyId(),
              name,
              role,
              scope,
              Buffer.buffer(hash),
              prefix,
              who.userId()
            }))
            .map(rows -> json(rows.iterator().next())),
        // the key's prefix names it; the key and its hash never appear
        k -> new AuditStore.Entry("api_key.created", "api_key", k.getString("id"), null, k.copy()));
  }

  Future<JsonArray> list(UUID companyId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(companyId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** The revoked key, or null when the company has no such key. Revoking twice keeps the first time. */
  Future<JsonObject> revoke(Caller who, UUID id) {
    boolean[] now = new boolean[1];
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery(REVOKE)
            .execute(Tuple.of(id, who.companyId()))
            .map(rows -> {
              if (rows.size() == 0) {
                return null;
              }
              now[0] = rows.iterator().next().getBoolean("revoked_now");
              return json(rows.iterator().next());
            }),
        k -> k == null || !now[0]
            ? null
            : new AuditStore.Entry(
                "api_key.revoked",
                "api_key",
                id.toString(),
                new JsonObject().put("revokedAt", (String) null),
                new JsonObject().put("revokedAt", k.getValue("revokedAt"))));
  }

  Future<Holder> authenticate(byte[] hash) {
    return pool.preparedQuery(AUTHENTICATE)
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Holder(
              r.getUUID("id"),
              r.getUUID("company_id"),
              r.getString("role"),
              r.getString("scope"),
              r.getUUID("created_by"));
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put("role", r.getString("role"))
        .put("scope", r.getString("scope"))
        .put("prefix", r.getString("prefix"))
        .put("createdAt", text(r.getOffsetDateTime("created_at")))
        .put("revokedAt", text(r.getOffsetDateTime("revoked_at")))
        .put("lastUsedAt", text(r.getOffsetDateTime("last_used_at")));
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }
}
