package io.payg.telco.support;

import io.payg.domain.peer.PluginSettings;
import io.payg.domain.peer.UnusableSetting;
import java.util.Map;

/**
 * The plugin settings MTN MoMo and Airtel Money read alike ({@code baseUrl}, {@code timeoutMs}),
 * checked by {@link PluginSettings}; a bad value fails with a not retryable
 * {@link CollectionCallException} naming the plugin ({@code "mtn-momo setting timeoutMs is not a number"}).
 */
public final class CollectionSettings {

  private CollectionSettings() {}

  /** An http(s) URL with a host, without trailing slashes; {@code fallback} when blank. */
  public static String baseUrl(String plugin, String value, String fallback) {
    try {
      return new PluginSettings(plugin, Map.of("baseUrl", value == null ? "" : value))
          .httpUrl("baseUrl", fallback);
    } catch (UnusableSetting e) {
      throw new CollectionCallException(e.getMessage(), false);
    }
  }

  /** Milliseconds, positive; {@code fallback} when blank. */
  public static long timeoutMs(String plugin, String value, long fallback) {
    try {
      return new PluginSettings(plugin, Map.of("timeoutMs", value == null ? "" : value))
          .timeoutMs("timeoutMs", fallback);
    } catch (UnusableSetting e) {
      throw new CollectionCallException(e.getMessage(), false);
    }
  }
}
