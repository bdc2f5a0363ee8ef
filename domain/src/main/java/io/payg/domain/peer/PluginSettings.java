package io.payg.domain.peer;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One plugin's settings as an adapter reads them, checked the same way for every plugin; a value
 * that cannot be used throws {@link UnusableSetting} naming the plugin and the setting
 * ({@code "calin setting timeoutMs is not a number"}).
 */
public final class PluginSettings {

  private final String plugin;
  private final Map<String, String> values;

  /** @param plugin the plugin's name, as failure messages start ("calin", "mtn-momo") */
  public PluginSettings(String plugin, Map<String, String> values) {
    this.plugin = Objects.requireNonNull(plugin, "plugin");
    this.values = Objects.requireNonNull(values, "values");
  }

  public static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** {@code value} trimmed; {@code fallback} when blank. */
  public static String orDefault(String value, String fallback) {
    return isBlank(value) ? fallback : value.trim();
  }

  /** The value as stored, null when absent. */
  public String get(String name) {
    return values.get(name);
  }

  /** The value trimmed, {@code fallback} when blank. */
  public String get(String name, String fallback) {
    return orDefault(values.get(name), fallback);
  }

  /** Fails unless every one of {@code names} has a value: "calin settings incomplete: a, b and c are required". */
  public PluginSettings require(String... names) {
    for (String name : names) {
      if (isBlank(values.get(name))) {
        throw new UnusableSetting(
            plugin + " settings incomplete: " + listed(List.of(names)) + " required");
      }
    }
    return this;
  }

  /** Milliseconds, positive; {@code fallback} when blank. */
  public long timeoutMs(String name, long fallback) {
    long value = number(name, fallback);
    if (value <= 0) {
      throw new UnusableSetting(plugin + " setting " + name + " must be positive");
    }
    return value;
  }

  /** A whole number, zero or more; {@code fallback} when blank. */
  public long nonNegative(String name, long fallback) {
    long value = number(name, fallback);
    if (value < 0) {
      throw new UnusableSetting(plugin + " setting " + name + " must not be negative");
    }
    return value;
  }

  /** An http(s) URL with a host, without trailing slashes; {@code fallback} when blank. */
  public String httpUrl(String name, String fallback) {
    String url = withoutTrailingSlash(get(name, fallback));
    try {
      URI uri = new URI(url);
      if (uri.getHost() != null
          && ("https".equalsIgnoreCase(uri.getScheme())
              || "http".equalsIgnoreCase(uri.getScheme()))) {
        return url;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw new UnusableSetting(plugin + " setting " + name + " must be an http(s) URL");
  }

  /** A configured root URL without its trailing slashes, so paths can be appended. */
  public static String withoutTrailingSlash(String url) {
    String trimmed = url;
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  private long number(String name, long fallback) {
    try {
      return Long.parseLong(get(name, Long.toString(fallback)));
    } catch (NumberFormatException e) {
      throw new UnusableSetting(plugin + " setting " + name + " is not a number");
    }
  }

  private static String listed(List<String> names) {
    if (names.size() == 1) {
      return names.get(0) + " is";
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " and "
        + names.get(names.size() - 1) + " are";
  }
}
