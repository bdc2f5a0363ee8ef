package io.payg.gateway.plugin;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plugins a company can enable, with the setting keys that are secrets (write-only:
 * stored, used, never returned by the API nor logged).
 */
public final class PluginCatalog {

  public record Plugin(String name, PluginKind kind, Set<String> secretKeys) {
  }

  private static final Map<String, Plugin> PLUGINS = Map.of(
      "generic", new Plugin("generic", PluginKind.TELCO, Set.of("secret")),
      "safaricom", new Plugin("safaricom", PluginKind.TELCO, Set.of()),
      "wave", new Plugin("wave", PluginKind.TELCO, Set.of("webhookSecret", "previousWebhookSecret")),
      "mtn-momo", new Plugin("mtn-momo", PluginKind.TELCO, Set.of("apiKey", "subscriptionKey")),
      "calin", new Plugin("calin", PluginKind.MANUFACTURER, Set.of("apiKey")),
      "openpaygo", new Plugin("openpaygo", PluginKind.MANUFACTURER, Set.of()),
      "africastalking", new Plugin("africastalking", PluginKind.SMS, Set.of("apiKey")));

  private PluginCatalog() {
  }

  public static Optional<Plugin> find(String name) {
    return Optional.ofNullable(PLUGINS.get(name));
  }

  public static Set<String> names() {
    return PLUGINS.keySet();
  }
}
