package io.payg.manufacturer.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

/** Small things every HTTP adapter (manufacturers, SMS) needs when talking to its peer. */
public final class HttpPeer {

  private HttpPeer() {
  }

  /** The start of a peer's answer, for logs and failure reasons (never the whole body). */
  public static String snippet(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null) {
      return "(empty)";
    }
    String text = body.toString();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /** A configured base URL without its trailing slash, so paths can be appended. */
  public static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
