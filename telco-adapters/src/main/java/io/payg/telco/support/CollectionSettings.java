package io.payg.telco.support;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The plugin settings MTN MoMo and Airtel Money read alike ({@code baseUrl}, {@code timeoutMs}),
 * checked; a bad value fails with a not retryable {@link CollectionCallException} naming the
 * plugin ({@code "mtn-momo setting timeoutMs is not a number"}).
 */
public final class CollectionSettings {

  private CollectionSettings() {
  }

  /** An http(s) URL with a host, without trailing slashes; {@code fallback} when blank. */
  public static String baseUrl(String plugin, String value, String fallback) {
    String baseUrl = orDefault(value, fallback);
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    try {
      URI uri = new URI(baseUrl);
      if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
        throw new CollectionCallException(plugin + " setting baseUrl must be an http(s) URL", false);
      }
    } catch (URISyntaxException e) {
      throw new CollectionCallException(plugin + " setting baseUrl must be an http(s) URL", false);
    }
    return baseUrl;
  }

  /** Milliseconds, positive; {@code fallback} when blank. */
  public static long timeoutMs(String plugin, String value, long fallback) {
    long timeoutMs;
    try {
      timeoutMs = Long.parseLong(orDefault(value, Long.toString(fallback)).trim());
    } catch (NumberFormatException e) {
      throw new CollectionCallException(plugin + " setting timeoutMs is not a number", false);
    }
    if (timeoutMs <= 0) {
      throw new CollectionCallException(plugin + " setting timeoutMs must be positive", false);
    }
    return timeoutMs;
  }

  public static String orDefault(String value, String fallback) {
    return isBlank(value) ? fallback : value.trim();
  }

  public static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
