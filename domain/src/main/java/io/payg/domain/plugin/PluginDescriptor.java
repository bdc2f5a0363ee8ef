package io.payg.domain.plugin;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A plugin as its provider package declares it, once: the name companies enable, its kind, the
 * other path names it answers on, its settings, how its ports are built and how its simulator
 * starts. The catalog, the gateway's wiring and the README's provider tables are read from it.
 *
 * <p>{@code H} is the outbound HTTP client the gateway hands every adapter that calls out (one
 * client under the outbound policy); {@code V} what a simulator starts on. Both are left open so
 * this type stays free of any I/O library.
 *
 * @param title who the provider is, for people ("Wave", "Calin")
 * @param summary what the gateway does with the provider (callback URLs, calls made), for the README
 * @param aliases other names the plugin's callback paths answer on (Daraja refuses URLs with "safaricom")
 * @param parts builds the plugin's ports from the outbound client and the gateway's clock
 * @param simulator starts the provider's simulator on a free loopback port and answers its start
 *     (a Vert.x {@code Future} of the running simulator); null when the
 *     simulator is a client a test drives (providers that push to the gateway) or there is none
 */
public record PluginDescriptor<H, V>(
    String name,
    PluginKind kind,
    String title,
    String summary,
    List<String> aliases,
    List<PluginSetting> settings,
    BiFunction<H, Clock, PluginParts> parts,
    Function<V, ?> simulator) {

  public PluginDescriptor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(parts, "parts");
    aliases = List.copyOf(aliases);
    settings = List.copyOf(settings);
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "plugin name must be lower-case letters, digits and dashes: " + name);
    }
    Set<String> seen = new HashSet<>();
    for (PluginSetting s : settings) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException(name + " declares setting " + s.name() + " twice");
      }
    }
  }

  public Set<String> secretKeys() {
    return settings.stream()
        .filter(PluginSetting::secret)
        .map(PluginSetting::name)
        .collect(Collectors.toUnmodifiableSet());
  }

  public Set<String> sharedSecretKeys() {
    return settings.stream()
        .filter(PluginSetting::sharedSecret)
        .map(PluginSetting::name)
        .collect(Collectors.toUnmodifiableSet());
  }

  public Optional<PluginSetting> setting(String key) {
    return settings.stream().filter(s -> s.name().equals(key)).findFirst();
  }

  /** The plugin's ports, built for one gateway. */
  public PluginParts build(H http, Clock clock) {
    return Objects.requireNonNull(parts.apply(http, clock), name + " built no parts");
  }

  public Optional<Function<V, ?>> simulatorStart() {
    return Optional.ofNullable(simulator);
  }
}
