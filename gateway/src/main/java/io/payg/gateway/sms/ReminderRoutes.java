package io.payg.gateway.sms;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;

/**
 * {@code GET|PUT /api/v1/sms/reminders}: the company's installment reminders
 * {@code {enabled, daysBefore, daysAfter, hourLocal, timeZone}}.
 */
public final class ReminderRoutes {

  private final ReminderStore store;

  public ReminderRoutes(ReminderStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.get("/api/v1/sms/reminders").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, store.settings(caller.companyId()).map(ReminderSettings::toJson));
    });
    router.put("/api/v1/sms/reminders").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN);
      ReminderSettings settings = ReminderSettings.parse(JsonInput.of(ctx).raw());
      Responses.json(ctx, 200, store.save(caller, settings).map(ReminderSettings::toJson));
    });
  }
}
