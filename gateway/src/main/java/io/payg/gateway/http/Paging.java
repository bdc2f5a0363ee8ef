package io.payg.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Keyset paging as the transaction list does it: {@code ?limit=1..500 (50)&before=<createdAt of the last item>}. */
public final class Paging {

  private Paging() {}

  public static int limit(RoutingContext ctx) {
    String l = ctx.queryParams().get("limit");
    if (l == null) {
      return 50;
    }
    try {
      int n = Integer.parseInt(l);
      if (n >= 1 && n <= 500) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("'limit' must be between 1 and 500");
  }

  public static OffsetDateTime before(RoutingContext ctx) {
    String v = ctx.queryParams().get("before");
    try {
      return v == null ? null : OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "'before' must be an ISO 8601 time such as 2026-01-16T00:00:00Z");
    }
  }

  /**
   * One page of a list: {@code items}, and {@code nextBefore} (the last item's {@code cursor}
   * field) when the page is full, so the client asks for the next one.
   */
  public static JsonObject page(JsonArray items, int limit, String cursor) {
    JsonObject page = new JsonObject().put("items", items);
    if (items.size() == limit && !items.isEmpty()) {
      page.put("nextBefore", items.getJsonObject(items.size() - 1).getString(cursor));
    }
    return page;
  }
}
