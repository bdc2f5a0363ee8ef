package io.payg.telco.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Reading a request-to-pay provider's HTTP answer: which codes are worth asking again, the body as
 * JSON, and provider text made safe to put in a failure reason or a log line.
 */
public final class ProviderAnswer {

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final int MAX_REASON = 200;

  private ProviderAnswer() {
  }

  /** 408, 429 and 5xx: the provider may answer otherwise later. */
  public static boolean isTransient(int code) {
    return code >= 500 || code == 408 || code == 429;
  }

  /** The body as one JSON object; null when empty, not JSON or not an object. */
  public static JsonObject jsonObject(HttpResponse<Buffer> response) {
    try {
      Buffer body = response.body();
      return body == null || body.length() == 0 ? null : body.toJsonValue() instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The raw body as one clean line, "(empty)" when there is none. */
  public static String snippet(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    return body == null || body.length() == 0 ? "(empty)" : clean(body.toString(StandardCharsets.UTF_8));
  }

  /** One line without control characters, at most 200 characters (then "..."). */
  public static String clean(String text) {
    String line = CONTROL.matcher(text).replaceAll(" ").trim();
    return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line;
  }

  /** Whether the text holds a control character (a header value must not). */
  public static boolean hasControl(String text) {
    return CONTROL.matcher(text).find();
  }
}
