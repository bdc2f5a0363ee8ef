package io.payg.gateway.sms;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of a company's SMS templates (a JSON column of companies: kind → text). */
public final class SmsTemplateStore {

  static final String READ = """
      SELECT sms_templates FROM companies WHERE id = $1""";

  static final String REPLACE = """
      UPDATE companies SET sms_templates = $2 WHERE id = $1 RETURNING sms_templates""";

  private final Pool pool;

  public SmsTemplateStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> templates(UUID companyId) {
    return pool.preparedQuery(READ).execute(Tuple.of(companyId)).map(rows -> rows.iterator().next().getJsonObject(0));
  }

  /** Replaces the company's templates with {@code templates}; answers what is stored. */
  public Future<JsonObject> replace(UUID companyId, JsonObject templates) {
    return pool.preparedQuery(REPLACE).execute(Tuple.of(companyId, templates))
        .map(rows -> rows.iterator().next().getJsonObject(0));
  }
}
