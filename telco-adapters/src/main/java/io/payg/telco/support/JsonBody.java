package io.payg.telco.support;

import io.payg.domain.payment.Refusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** A provider's raw body read as one JSON object, or a {@link Rejection} saying why not. */
public final class JsonBody {

  private JsonBody() {}

  /** Whether a Content-Type header says JSON (application/json or a +json type; parameters ignored). */
  public static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
    return type.equals("application/json")
        || type.startsWith("application/") && type.endsWith("+json");
  }

  /** The body as one JSON object, refused unless the content type says JSON (the providers all send it so). */
  public static JsonObject object(String contentType, byte[] body) {
    if (!isJson(contentType)) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "send the body as application/json");
    }
    return object(body);
  }

  public static JsonObject object(byte[] body) {
    Object parsed;
    try {
      parsed = body == null ? null : Buffer.buffer(body).toJsonValue();
    } catch (RuntimeException e) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "the body must be a JSON object");
    }
    return json;
  }
}
