package io.payg.gateway.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/** The readiness probe's one question to the database, on a pool of its own (a full request pool is not "down"). */
public final class ReadinessStore {

  static final String PING = """
      SELECT 1""";

  private final Pool readiness;

  public ReadinessStore(Pool readiness) {
    this.readiness = readiness;
  }

  /** Succeeds when the database answers a query. */
  public Future<Void> ping() {
    return readiness.query(PING).execute().mapEmpty();
  }
}
