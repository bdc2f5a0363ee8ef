package io.payg.gateway.sms;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of a company's SMS templates (a JSON column of companies: kind → text). */
public final class SmsTemplateStore {

  static final String READ = """
      SELECT sms_templates FROM companies WHERE id = $1""";

  /** The templates before and after, for the audit row. */
  static final String REPLACE = """
      WITH old AS (SELECT sms_templates FROM companies WHERE id = $1 FOR UPDATE)
      UPDATE companies SET sms_templates = $2 FROM old WHERE id = $1
      RETURNING old.sms_templates, companies.sms_templates""";

  private final Pool pool;

  public SmsTemplateStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> templates(UUID companyId) {
    return pool.preparedQuery(READ)
        .execute(Tuple.of(companyId))
        .map(rows -> rows.iterator().next().getJsonObject(0));
  }

  /** Replaces the caller's company's templates with {@code templates}, audited; answers what is stored. */
  public Future<JsonObject> replace(Caller caller, JsonObject templates) {
    return AuditStore.inTransaction(
            pool,
            caller,
            conn -> conn.preparedQuery(REPLACE)
                .execute(Tuple.of(caller.companyId(), templates))
                .map(rows -> rows.iterator().next()),
            r -> new AuditStore.Entry(
                "sms_templates.saved",
                "company",
                caller.companyId().toString(),
                r.getJsonObject(0),
                r.getJsonObject(1)))
        .map(r -> r.getJsonObject(1));
  }
}
