package io.payg.domain.port;

import java.nio.charset.StandardCharsets;

/** What the gateway answers a provider, in the provider's own format. */
public record TelcoResponse(int status, String contentType, byte[] body) {

  public static TelcoResponse json(int status, String json) {
    return new TelcoResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public static TelcoResponse xml(int status, String xml) {
    return new TelcoResponse(status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
  }
}
