package io.payg.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** All SQL of refresh tokens. Tokens are known here by their SHA-256 only. */
public final class RefreshTokenStore {

  /** Why a token did not rotate. */
  public enum Refusal {
    UNKNOWN,
    EXPIRED,
    ROTATED,
    REVOKED,
    USER_CHANGED
  }

  private final Pool pool;

  public RefreshTokenStore(Pool pool) {
    this.pool = pool;
  }

  /** A new family's first token for a user who is not disabled; false if the user is disabled. */
  public Future<Boolean> start(UUID id, byte[] hash, UUID userId, Instant now, Instant expires) {
    return pool.preparedQuery("""
        INSERT INTO refresh_tokens (id, token_hash, user_id, company_id, family_id,
        credentials_version, issued_at, expires_at)
        SELECT $1, $2, u.id, u.company_id, $1, u.credentials_version, $3, $4 FROM users u
        WHERE u.id = $5 AND u.disabled_at IS NULL""")
        .execute(Tuple.of(id, Buffer.buffer(hash), at(now), at(expires), userId))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Rotation in ONE statement: the presented token is revoked and replaced only if it is live,
   * unexpired and its user still enabled with the same password. A concurrent rotation of the
   * same token waits on the row lock, then finds it revoked: at most one caller gets a new pair.
   *
   * @return the caller to issue an access token for, or null (then ask {@link #whyRefused})
   */
  public Future<Caller> rotate(
      byte[] hash, UUID newId, byte[] newHash, Instant now, Instant expires) {
    return pool.preparedQuery("""
        WITH old AS (
        UPDATE refresh_tokens t SET revoked_at = $3, replaced_by = $4 FROM users u
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $3 AND u.id = t.user_id
        AND u.disabled_at IS NULL AND u.credentials_version = t.credentials_version
        RETURNING t.user_id, t.company_id, t.family_id, t.credentials_version, u.role),
        fresh AS (INSERT INTO refresh_tokens (id, token_hash, user_id, company_id, family_id,
        credentials_version, issued_at, expires_at)
        SELECT $4, $2, user_id, company_id, family_id, credentials_version, $3, $5 FROM old)
        SELECT user_id, company_id, role FROM old""")
        .execute(Tuple.of(Buffer.buffer(hash), Buffer.buffer(newHash), at(now), newId, at(expires)))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Caller(
              r.getUUID("user_id"), r.getUUID("company_id"), Role.valueOf(r.getString("role")));
        });
  }

  /**
   * A retry after a lost answer: the presented token was rotated less than {@code grace} ago and
   * its successor was never used, so the successor (which the caller never received) is revoked
   * and the presented token gets a fresh one in the same family. Row-locked, so duplicates retried
   * at once line up: each revokes the one before it and one token stays live.
   *
   * @return the caller, or null when this is no such retry (then ask {@link #whyRefused})
   */
  public Future<Caller> regrant(
      byte[] hash, UUID newId, byte[] newHash, Instant now, Instant expires, Duration grace) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
        SELECT t.id, t.replaced_by, t.user_id, t.company_id,
        t.family_id, t.credentials_version, u.role FROM refresh_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.replaced_by IS NOT NULL AND t.revoked_at > $2 AND t.expires_at > $3
        AND u.disabled_at IS NULL AND u.credentials_version = t.credentials_version FOR UPDATE OF t""")
        .execute(Tuple.of(Buffer.buffer(hash), at(now.minus(grace)), at(now)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((Caller) null);
          }
          Row old = rows.iterator().next();
          // the successor only if nobody used it: a used one means two holders, theft detection
          // decides
          return conn.preparedQuery("""
                  UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL
                  AND replaced_by IS NULL""")
              .execute(Tuple.of(old.getUUID("replaced_by"), at(now)))
              .compose(revoked -> revoked.rowCount() == 0
                  ? Future.succeededFuture((Caller) null)
                  : conn.preparedQuery("""
                          WITH fresh AS (INSERT INTO refresh_tokens (id, token_hash, user_id, company_id,
                          family_id, credentials_version, issued_at, expires_at)
                          VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
                          UPDATE refresh_tokens SET replaced_by = $1 WHERE id = $9""")
                      .execute(Tuple.from(new Object[] {
                        newId,
                        Buffer.buffer(newHash),
                        old.getUUID("user_id"),
                        old.getUUID("company_id"),
                        old.getUUID("family_id"),
                        old.getInteger("credentials_version"),
                        at(now),
                        at(expires),
                        old.getUUID("id")
                      }))
                      .map(x -> new Caller(
                          old.getUUID("user_id"),
                          old.getUUID("company_id"),
                          Role.valueOf(old.getString("role")))));
        }));
  }

  /**
   * After a refused rotation: why, and if the token was already used, revoked, or its user
   * disabled or re-passworded, the whole family is revoked in the same statement.
   */
  public Future<Refusal> whyRefused(byte[] hash, Instant now) {
    return pool.preparedQuery("""
        WITH t AS (SELECT t.family_id, t.revoked_at, t.replaced_by, t.expires_at,
        (u.disabled_at IS NOT NULL OR u.credentials_version <> t.credentials_version) AS user_changed
        FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1),
        revoked AS (UPDATE refresh_tokens r SET revoked_at = $2 FROM t WHERE r.family_id = t.family_id
        AND r.revoked_at IS NULL AND (t.revoked_at IS NOT NULL OR t.user_changed))
        SELECT revoked_at IS NOT NULL AS revoked, replaced_by IS NOT NULL AS rotated, expires_at <= $2 AS expired,
        user_changed FROM t""")
        .execute(Tuple.of(Buffer.buffer(hash), at(now)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Refusal.UNKNOWN;
          }
          Row r = rows.iterator().next();
          if (r.getBoolean("rotated")) {
            return Refusal.ROTATED;
          }
          if (r.getBoolean("revoked")) {
            return Refusal.REVOKED;
          }
          if (r.getBoolean("user_changed")) {
            return Refusal.USER_CHANGED;
          }
          return r.getBoolean("expired") ? Refusal.EXPIRED : Refusal.UNKNOWN;
        });
  }

  /** Logout: the token's whole family. Unknown tokens change nothing. */
  public Future<Integer> revokeFamily(byte[] hash, Instant now) {
    return pool.preparedQuery("""
        UPDATE refresh_tokens SET revoked_at = $2 WHERE revoked_at IS NULL
        AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)""")
        .execute(Tuple.of(Buffer.buffer(hash), at(now)))
        .map(rows -> rows.rowCount());
  }

  /**
   * Retention: deletes tokens expired, or revoked, before {@code cutoff}, a batch at a time so no
   * statement holds many row locks. A deleted rotated token presented again is merely unknown
   * (401) rather than revoking its family: by then its family's tokens have expired or been revoked.
   *
   * @return how many were deleted
   */
  public Future<Integer> deleteEndedBefore(Instant cutoff) {
    return pool.preparedQuery("""
        DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens
        WHERE expires_at < $1 OR revoked_at < $1 LIMIT 5000)""")
        .execute(Tuple.of(at(cutoff)))
        .compose(rows -> rows.rowCount() < 5000
            ? Future.succeededFuture(rows.rowCount())
            : deleteEndedBefore(cutoff).map(more -> more + rows.rowCount()));
  }

  static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
