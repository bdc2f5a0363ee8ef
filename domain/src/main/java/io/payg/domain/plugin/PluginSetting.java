package io.payg.domain.plugin;

import java.util.Objects;
import java.util.Optional;

/**
 * One setting a company gives a plugin.
 *
 * @param defaultValue what the adapter uses when the setting is absent; null when it has none
 * @param secret write-only: stored sealed, used, never returned by the API nor logged
 * @param sharedSecret chosen by the tenant and keying an HMAC or compared as a bearer secret, so
 *     a short one could be guessed offline: the gateway refuses one under its minimum length
 */
public record PluginSetting(
    String name, String defaultValue, String description, boolean secret, boolean sharedSecret) {

  public PluginSetting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    if (name.isBlank() || description.isBlank()) {
      throw new IllegalArgumentException("a setting needs a name and a description");
    }
    if (sharedSecret && !secret) {
      throw new IllegalArgumentException("shared secret " + name + " must be a secret");
    }
  }

  public static PluginSetting plain(String name, String description) {
    return new PluginSetting(name, null, description, false, false);
  }

  public static PluginSetting withDefault(String name, String defaultValue, String description) {
    return new PluginSetting(name, Objects.requireNonNull(defaultValue), description, false, false);
  }

  public static PluginSetting secret(String name, String description) {
    return new PluginSetting(name, null, description, true, false);
  }

  /** A secret the tenant picks (HMAC key, bearer secret): held to a minimum length. */
  public static PluginSetting sharedSecret(String name, String description) {
    return new PluginSetting(name, null, description, true, true);
  }

  public Optional<String> defaultOf() {
    return Optional.ofNullable(defaultValue);
  }
}
