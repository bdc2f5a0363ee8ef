package io.payg.gateway.device;

import io.payg.gateway.plugin.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * SQL of a device's OpenPAYGO state: its key at rest (re-sealed after a SECRETS_KEY rotation),
 * starting code and token count (read locked and advanced in the transaction storing a token).
 */
public final class DeviceKeyStore {

  static final String KEYS = """
      SELECT id, openpaygo_secret_key FROM devices WHERE openpaygo_secret_key IS NOT NULL
      """;

  static final String RESEAL = """
      UPDATE devices SET openpaygo_secret_key = $2 WHERE id = $1 AND openpaygo_secret_key = $3
      """;

  /** The row locked: a count is never skipped nor used twice. */
  static final String LOCK_OPENPAYGO = """
      SELECT openpaygo_secret_key, openpaygo_starting_code, openpaygo_token_count
        FROM devices WHERE id = $1 FOR UPDATE
      """;

  static final String SET_OPENPAYGO_COUNT = """
      UPDATE devices SET openpaygo_token_count = $2 WHERE id = $1
      """;

  /** A device's OpenPAYGO state; {@code sealedKey} null when the device has none. */
  public record OpenPaygoState(String sealedKey, long startingCode, int tokenCount) {}

  private final Pool pool;
  private final SecretBox secrets;

  public DeviceKeyStore(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /** The device's OpenPAYGO state, its row locked until {@code conn}'s transaction ends. */
  public static Future<OpenPaygoState> lockOpenPaygo(SqlConnection conn, UUID deviceId) {
    return conn.preparedQuery(LOCK_OPENPAYGO).execute(Tuple.of(deviceId)).map(rows -> {
      Row r = rows.iterator().next();
      return new OpenPaygoState(r.getString(0), r.getLong(1), r.getInteger(2));
    });
  }

  public static Future<Void> setOpenPaygoCount(SqlConnection conn, UUID deviceId, int count) {
    return conn.preparedQuery(SET_OPENPAYGO_COUNT)
        .execute(Tuple.of(deviceId, count))
        .mapEmpty();
  }

  /** Seals every device key not sealed with the current key (plain ones from before, old keys); answers how many. */
  public Future<Integer> resealAll() {
    return pool.query(KEYS).execute().compose(rows -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (Row r : rows) {
        UUID id = r.getUUID(0);
        String stored = r.getString(1);
        if (secrets.isCurrent(stored)) {
          continue;
        }
        String place = SecretBox.deviceKey(id);
        String resealed = secrets.seal(secrets.open(stored, place), place);
        done = done.compose(n -> pool.preparedQuery(RESEAL)
            .execute(Tuple.of(id, resealed, stored))
            .map(x -> n + x.rowCount()));
      }
      return done;
    });
  }
}
