package io.payg.gateway.company;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** SQL for users: creation, login lookup, the admin's list and changes. Always within one company. */
public final class UserStore {

  public record Login(
      UUID userId, UUID companyId, Role role, String passwordHash, boolean disabled) {}

  /** An admin's change; null fields stay as they are. */
  public record Change(Role role, Boolean disabled, String passwordHash) {}

  private static final String COLUMNS =
      "id, email, name, role, disabled_at, risk_limit, created_at";

  /** $1 id, $2 company, $3 email, $4 name, $5 password hash, $6 role, $7 risk limit. */
  private static final String CREATE_RETURNING = """
      INSERT INTO users (id, company_id, email, name, password_hash, role, risk_limit)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      RETURNING %s""".formatted(COLUMNS);

  private static final String LIST = """
      SELECT %s FROM users WHERE company_id = $1 ORDER BY lower(email)""".formatted(COLUMNS);

  /** $1 user, $2 company. */
  private static final String LOCK = """
      SELECT %s FROM users WHERE id = $1 AND company_id = $2 FOR UPDATE""".formatted(COLUMNS);

  /**
   * $1 user, $2 company, $3 new role or null, $4 disabled (true, false, or null: unchanged),
   * $5 new password hash or null, $6 now, $7 the JVM clock's now (compared with access tokens'
   * iat, which the JWT library takes from the system clock). Access tokens issued before a change
   * of who may do what are refused from then on; an agent holding the company's cash keeps the
   * role until it is handed over; a disabled user or a new password revokes the refresh tokens.
   */
  private static final String UPDATE = """
      WITH u AS (
        UPDATE users
           SET role = coalesce($3::text, role),
               disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at
                                  WHEN $4 THEN coalesce(disabled_at, $6)
                                  ELSE NULL END,
               password_hash = coalesce($5::text, password_hash),
               credentials_version = credentials_version + CASE WHEN $5::text IS NULL THEN 0 ELSE 1 END,
               tokens_valid_after = CASE WHEN $4::boolean IS TRUE OR $5::text IS NOT NULL
                                              OR ($3::text IS NOT NULL AND $3::text <> role)
                                         THEN $7 ELSE tokens_valid_after END
         WHERE id = $1 AND company_id = $2
           AND NOT (role = 'AGENT' AND cash_balance <> 0 AND coalesce($3::text, 'AGENT') <> 'AGENT')
        RETURNING %s),
      revoked AS (
        UPDATE refresh_tokens t SET revoked_at = $6
          FROM u
         WHERE t.user_id = u.id AND t.revoked_at IS NULL
           AND (u.disabled_at IS NOT NULL OR $5::text IS NOT NULL))
      SELECT * FROM u""".formatted(COLUMNS);

  private static final String CASH_BALANCE = """
      SELECT cash_balance FROM users WHERE id = $1 AND company_id = $2""";

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<UUID> createUser(
      UUID companyId, String email, String name, String passwordHash, Role role, long riskLimit) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("""
        INSERT INTO users (id, company_id, email, name, password_hash, role, risk_limit)
        VALUES ($1, $2, $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(id, companyId, email, name, passwordHash, role.name(), riskLimit))
        .map(id)
        .recover(UserStore::emailTaken);
  }

  /** As above, with the audit row (never the password or its hash) in the same transaction. */
  public Future<UUID> createUser(
      Caller who, String email, String name, String passwordHash, Role role, long riskLimit) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(CREATE_RETURNING)
            .execute(
                Tuple.of(id, who.companyId(), email, name, passwordHash, role.name(), riskLimit))
            .compose(rows -> AuditStore.record(
                conn,
                who,
                "user.created",
                "user",
                id.toString(),
                null,
                view(rows.iterator().next()))))
        .map(id)
        .recover(UserStore::emailTaken);
  }

  public Future<Login> findLogin(String email) {
    return pool.preparedQuery("""
        SELECT id, company_id, role, password_hash, disabled_at IS NOT NULL AS disabled
        FROM users WHERE lower(email) = lower($1)""").execute(Tuple.of(email)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Login(
          r.getUUID("id"),
          r.getUUID("company_id"),
          Role.valueOf(r.getString("role")),
          r.getString("password_hash"),
          r.getBoolean("disabled"));
    });
  }

  public Future<JsonArray> list(UUID companyId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(companyId)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(view(r)));
      return items;
    });
  }

  /**
   * One statement: the change, and when it disables the user or sets a new password, every live
   * refresh token of theirs revoked with it (their access tokens die within their short TTL).
   *
   * @return the user as changed; a 404 when no such user is in this company, a 422 when an
   *     agent holding cash would lose the AGENT role
   */
  /** As below, with the audit row (role, disabled; a password change only as a flag) in the same transaction. */
  public Future<JsonObject> update(Caller who, UUID userId, Change change, Instant now) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK)
        .execute(Tuple.of(userId, who.companyId()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("user"));
          }
          JsonObject before = view(rows.iterator().next());
          return update(conn, who.companyId(), userId, change, now)
              .compose(after -> AuditStore.record(
                      conn,
                      who,
                      "user.updated",
                      "user",
                      userId.toString(),
                      before,
                      after.copy().put("passwordChanged", change.passwordHash() != null))
                  .map(after));
        }));
  }

  public Future<JsonObject> update(UUID companyId, UUID userId, Change change, Instant now) {
    return update(pool, companyId, userId, change, now);
  }

  private Future<JsonObject> update(
      SqlClient client, UUID companyId, UUID userId, Change change, Instant now) {
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    Tuple args = Tuple.tuple()
        .addUUID(userId)
        .addUUID(companyId)
        .addString(change.role() == null ? null : change.role().name())
        .addBoolean(change.disabled())
        .addString(change.passwordHash())
        .addOffsetDateTime(at)
        .addOffsetDateTime(OffsetDateTime.now(ZoneOffset.UTC));
    return client
        .preparedQuery(UPDATE)
        .execute(args)
        .compose(rows -> rows.size() == 1
            ? Future.succeededFuture(view(rows.iterator().next()))
            : whyUnchanged(companyId, userId));
  }

  static final String RECENTLY_REVOKED = """
      SELECT id, tokens_valid_after FROM users WHERE tokens_valid_after > $1
      """;

  /** Users whose access tokens issued before an instant after {@code since} are refused. */
  public Future<Map<UUID, Instant>> revokedSince(Instant since) {
    return pool.preparedQuery(RECENTLY_REVOKED)
        .execute(Tuple.of(OffsetDateTime.ofInstant(since, ZoneOffset.UTC)))
        .map(rows -> {
          Map<UUID, Instant> m = new HashMap<>();
          rows.forEach(r -> m.put(r.getUUID(0), r.getOffsetDateTime(1).toInstant()));
          return m;
        });
  }

  private Future<JsonObject> whyUnchanged(UUID companyId, UUID userId) {
    return pool.preparedQuery(CASH_BALANCE)
        .execute(Tuple.of(userId, companyId))
        .compose(
            rows -> Future.failedFuture(
                rows.size() == 0
                    ? ApiException.notFound("user")
                    : ApiException.unprocessable(
                        "AGENT_HOLDS_CASH",
                        "This agent holds " + rows.iterator().next().getLong(0)
                            + " (minor units) of the company's cash: record its handover before changing the role")));
  }

  private static JsonObject view(Row r) {
    OffsetDateTime disabledAt = r.getOffsetDateTime("disabled_at");
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("email", r.getString("email"))
        .put("name", r.getString("name"))
        .put("role", r.getString("role"))
        .put("disabled", disabledAt != null)
        .put("disabledAt", disabledAt == null ? null : disabledAt.toInstant().toString())
        .put("riskLimit", r.getLong("risk_limit"))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString());
  }

  static <T> Future<T> emailTaken(Throwable t) {
    if (t instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && pg.getMessage().contains("users_email")) {
      return Future.failedFuture(
          ApiException.conflict("EMAIL_TAKEN", "A user with this email already exists"));
    }
    return Future.failedFuture(t);
  }
}
