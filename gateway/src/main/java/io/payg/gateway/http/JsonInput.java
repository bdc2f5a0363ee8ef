package io.payg.gateway.http;

import io.payg.domain.Money;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads a JSON request body field by field, failing with a 400 problem that names the field.
 * Money fields must be JSON integers (minor units): 12.5, "12", 1e3 and out-of-range numbers
 * are refused, never rounded.
 */
public final class JsonInput {

  private final JsonObject json;

  private JsonInput(JsonObject json) {
    this.json = json;
  }

  public static JsonInput of(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    if (ct == null || !ct.toLowerCase().startsWith("application/json")) {
      throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
    }
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw ApiException.badRequest("A JSON object body is required");
    }
    try {
      Object parsed = ctx.body().buffer().toJsonValue();
      if (!(parsed instanceof JsonObject o)) {
        throw ApiException.badRequest("The body must be a JSON object");
      }
      return new JsonInput(o);
    } catch (DecodeException e) {
      throw new ApiException(400, "MALFORMED_JSON", "The body is not valid JSON");
    }
  }

  public static JsonInput wrap(JsonObject json) {
    return new JsonInput(json == null ? new JsonObject() : json);
  }

  public JsonObject raw() {
    return json;
  }

  public boolean has(String field) {
    return json.getValue(field) != null;
  }

  public String string(String field, int maxLength) {
    String s = optionalString(field, maxLength);
    if (s == null || s.isBlank()) {
      throw ApiException.badRequest("'" + field + "' is required");
    }
    return s;
  }

  public String optionalString(String field, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest("'" + field + "' must be a string");
    }
    String t = s.strip();
    if (t.length() > maxLength) {
      throw ApiException.badRequest("'" + field + "' must be at most " + maxLength + " characters");
    }
    if (t.chars().anyMatch(c -> c < 0x20)) {
      throw ApiException.badRequest("'" + field + "' must not contain control characters");
    }
    return t;
  }

  public UUID uuid(String field) {
    String s = string(field, 64);
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("'" + field + "' must be an id");
    }
  }

  public UUID optionalUuid(String field) {
    return has(field) ? uuid(field) : null;
  }

  public long integer(String field, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) {
      throw ApiException.badRequest("'" + field + "' is required");
    }
    return checkInteger(field, v, min, max);
  }

  public Long optionalInteger(String field, long min, long max) {
    Object v = json.getValue(field);
    return v == null ? null : checkInteger(field, v, min, max);
  }

  public JsonInput object(String field) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonObject o)) {
      throw ApiException.badRequest("'" + field + "' must be an object");
    }
    return new JsonInput(o);
  }

  public JsonInput optionalObject(String field) {
    return has(field) ? object(field) : null;
  }

  public String currency(String field) {
    String c = string(field, 3);
    if (!Money.isCurrencyCode(c)) {
      throw ApiException.badRequest("'" + field + "' must be an ISO 4217 code such as KES");
    }
    return c;
  }

  public <E extends Enum<E>> E enumValue(String field, Class<E> type) {
    String s = string(field, 32);
    try {
      return Enum.valueOf(type, s);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "'" + field + "' must be one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  private static long checkInteger(String field, Object v, long min, long max) {
    // Jackson gives Integer/Long for integral JSON numbers; Double/BigInteger/BigDecimal otherwise
    if (!(v instanceof Integer || v instanceof Long)) {
      throw ApiException.badRequest("'" + field + "' must be a whole number (minor units)");
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      throw ApiException.badRequest("'" + field + "' must be between " + min + " and " + max);
    }
    return n;
  }
}
