package io.payg.domain.port;

import java.time.Instant;
import java.util.Map;

/**
 * A provider's HTTP call, as raw as the adapter needs it to authenticate and parse.
 *
 * @param operation     the last path segment: "validate", "process", "confirmation", ...
 * @param headers       header names in lower case
 * @param body          the raw body (signatures are computed over these bytes)
 * @param remoteAddress the peer address, for source allow-lists
 * @param receivedAt    when the gateway received it, for replay windows
 */
public record TelcoRequest(
    String operation,
    Map<String, String> headers,
    byte[] body,
    String remoteAddress,
    Instant receivedAt) {

  public TelcoRequest {
    headers = Map.copyOf(headers);
  }

  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
