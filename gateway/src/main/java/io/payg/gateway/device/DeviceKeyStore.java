package io.payg.gateway.device;

import io.payg.gateway.plugin.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of the OpenPAYGO device keys at rest: re-sealing them after a SECRETS_KEY rotation. */
public final class DeviceKeyStore {

  static final String KEYS = """
      SELECT id, openpaygo_secret_key FROM devices WHERE openpaygo_secret_key IS NOT NULL
      """;

  static final String RESEAL = """
      UPDATE devices SET openpaygo_secret_key = $2 WHERE id = $1 AND openpaygo_secret_key = $3
      """;

  private final Pool pool;
  private final SecretBox secrets;

  public DeviceKeyStore(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
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
        done = done.compose(n -> pool.preparedQuery(RESEAL).execute(Tuple.of(id, resealed, stored))
            .map(x -> n + x.rowCount()));
      }
      return done;
    });
  }
}
