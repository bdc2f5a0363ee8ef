package io.payg.gateway.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * The only class that names zonky's embedded PostgreSQL, so that the production jar (which leaves
 * it out) loads it only when a demo or a test asks for an embedded server.
 */
final class EmbeddedDatabase implements AutoCloseable {

  private final EmbeddedPostgres pg;

  private EmbeddedDatabase(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  static EmbeddedDatabase start() {
    try {
      return new EmbeddedDatabase(EmbeddedPostgres.builder().start());
    } catch (IOException e) {
      throw new IllegalStateException("could not start embedded PostgreSQL", e);
    }
  }

  int port() {
    return pg.getPort();
  }

  @Override
  public void close() throws IOException {
    pg.close();
  }
}
