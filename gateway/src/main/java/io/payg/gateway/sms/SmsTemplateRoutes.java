package io.payg.gateway.sms;

import io.payg.domain.notification.SmsTemplate;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET|PUT /api/v1/sms-templates}: the company's confirmation texts, {@code token} (a
 * payment that bought a token) and {@code receipt} (a payment that only cleared debts), and its
 * installment reminders {@code installmentDueSoon} and {@code installmentOverdue}.
 */
public final class SmsTemplateRoutes {

  private final SmsTemplateStore store;

  public SmsTemplateRoutes(SmsTemplateStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.get("/api/v1/sms-templates").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, store.templates(caller.companyId()).map(SmsTemplateRoutes::view));
    });
    router.put("/api/v1/sms-templates").handler(this::put);
  }

  private void put(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    JsonInput in = JsonInput.of(ctx);
    JsonObject templates = new JsonObject();
    for (String kind :
        new String[] {"token", "receipt", "installmentDueSoon", "installmentOverdue"}) {
      String text = in.optionalString(kind, SmsTemplate.MAX_LENGTH + 1);
      if (text != null) {
        try {
          templates.put(kind, new SmsTemplate(text).text());
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("'" + kind + "': " + e.getMessage());
        }
      }
    }
    Responses.json(ctx, 200, store.replace(caller, templates).map(SmsTemplateRoutes::view));
  }

  private static JsonObject view(JsonObject stored) {
    return new JsonObject()
        .put("token", stored.getString("token"))
        .put("receipt", stored.getString("receipt"))
        .put("installmentDueSoon", stored.getString("installmentDueSoon"))
        .put("installmentOverdue", stored.getString("installmentOverdue"))
        .put(
            "placeholders",
            new JsonArray(SmsTemplate.PLACEHOLDERS.stream().sorted().toList()));
  }
}
