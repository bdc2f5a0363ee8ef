package io.payg.telco.support;

import io.payg.domain.payment.Refusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A provider's raw body read as one JSON object, or a {@link Rejection} saying why not. */
public final class JsonBody {

  private JsonBody() {
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
