package io.payg.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** The {@code Idempotency-Key} header of a money write: absent (null) or well formed, else 400. */
public final class IdempotencyKey {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{8,100}");

  /** What a missing or malformed key is told (the contract's validator says the same). */
  static final String REQUIRED =
      "an Idempotency-Key header of 8 to 100 letters, digits, '.', '_', ':' or '-' is required";

  private IdempotencyKey() {}

  /** The key, or 400: every money write of an agent or a collection request must carry one. */
  public static String required(RoutingContext ctx) {
    String key = optional(ctx);
    if (key == null) {
      throw ApiException.badRequest(REQUIRED);
    }
    return key;
  }

  /** The key, or null when the caller sent none (operator writes take one but do not require it). */
  public static String optional(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && !KEY.matcher(key).matches()) {
      throw ApiException.badRequest(REQUIRED);
    }
    return key;
  }
}
