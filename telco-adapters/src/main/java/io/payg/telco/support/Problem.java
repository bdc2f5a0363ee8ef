package io.payg.telco.support;

import io.payg.domain.port.TelcoResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** RFC 9457 problem documents, for the providers whose own format is ours (generic). */
public final class Problem {

  private Problem() {}

  public static TelcoResponse of(int status, String code, String title, String detail) {
    JsonObject body = new JsonObject()
        .put("type", "https://payg-gateway.dev/problems/" + code.toLowerCase().replace('_', '-'))
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code);
    return new TelcoResponse(
        status, "application/problem+json", body.encode().getBytes(StandardCharsets.UTF_8));
  }
}
