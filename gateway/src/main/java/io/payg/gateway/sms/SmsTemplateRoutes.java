package io.payg.gateway.sms;

import io.payg.gateway.audit.AuditLog;
import io.payg.domain.notification.SmsTemplate;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * {@code GET|PUT /api/v1/sms-templates}: the company's confirmation texts, {@code token} (a
 * payment that bought a token) and {@code receipt} (a payment that only cleared debts), and its
 * installment reminders {@code installmentDueSoon} and {@code installmentOverdue}.
 */
public final class SmsTemplateRoutes {

  private final Pool pool;

  public SmsTemplateRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/api/v1/sms-templates").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, pool.preparedQuery("SELECT sms_templates FROM companies WHERE id = $1")
          .execute(Tuple.of(caller.companyId())).map(rows -> view(rows.iterator().next().getJsonObject(0))));
    });
    router.put("/api/v1/sms-templates").handler(this::put);
  }

  private void put(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    JsonInput in = JsonInput.of(ctx);
    JsonObject templates = new JsonObject();
    for (String kind : new String[] {"token", "receipt", "installmentDueSoon", "installmentOverdue"}) {
      String text = in.optionalString(kind, SmsTemplate.MAX_LENGTH + 1);
      if (text != null) {
        try {
          templates.put(kind, new SmsTemplate(text).text());
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("'" + kind + "': " + e.getMessage());
        }
      }
    }
    Responses.json(ctx, 200, AuditLog.inTransaction(pool, caller, conn -> conn.preparedQuery("""
            WITH old AS (SELECT sms_templates FROM companies WHERE id = $1 FOR UPDATE)
            UPDATE companies SET sms_templates = $2 FROM old WHERE id = $1
            RETURNING old.sms_templates, companies.sms_templates""")
        .execute(Tuple.of(caller.companyId(), templates)).map(rows -> rows.iterator().next()),
        r -> new AuditLog.Entry("sms_templates.saved", "company", caller.companyId().toString(), r.getJsonObject(0),
            r.getJsonObject(1)))
        .map(r -> view(r.getJsonObject(1))));
  }

  private static JsonObject view(JsonObject stored) {
    return new JsonObject().put("token", stored.getString("token")).put("receipt", stored.getString("receipt"))
        .put("installmentDueSoon", stored.getString("installmentDueSoon"))
        .put("installmentOverdue", stored.getString("installmentOverdue"))
        .put("placeholders", new io.vertx.core.json.JsonArray(SmsTemplate.PLACEHOLDERS.stream().sorted().toList()));
  }
}
