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

  private static final Map<String, Plugin> PLUGINS = java.util.stream.Stream.of(
      new Plugin("generic", PluginKind.TELCO, Set.of("secret")),
      new Plugin("safaricom", PluginKind.TELCO, Set.of("consumerSecret", "securityCredential")),
      new Plugin("safaricom-stk", PluginKind.TELCO, Set.of("consumerSecret", "passkey")),
      new Plugin("wave", PluginKind.TELCO, Set.of("webhookSecret", "previousWebhookSecret")),
      new Plugin("mtn-momo", PluginKind.TELCO, Set.of("apiKey", "subscriptionKey")),
      new Plugin("airtel", PluginKind.TELCO, Set.of("clientSecret", "callbackSecret")),
      new Plugin("vodacom-tz", PluginKind.TELCO, Set.of("password", "clientKey")),
      new Plugin("vodacom-mz", PluginKind.TELCO, Set.of("apiKey")),
      new Plugin("calin", PluginKind.MANUFACTURER, Set.of("apiKey")),
      new Plugin("openpaygo", PluginKind.MANUFACTURER, Set.of()),
      new Plugin("sparkmeter", PluginKind.MANUFACTURER, Set.of("apiToken", "koiosApiKey", "koiosApiSecret")),
      new Plugin("steama", PluginKind.MANUFACTURER, Set.of("password")),
      new Plugin("sunking", PluginKind.MANUFACTURER, Set.of("clientSecret")),
      new Plugin("angaza", PluginKind.MANUFACTURER, Set.of("clientSecret")),
      new Plugin("africastalking", PluginKind.SMS, Set.of("apiKey")))
      .collect(java.util.stream.Collectors.toUnmodifiableMap(Plugin::name, p -> p));

  /**
   * The secrets that key an HMAC or are compared as a shared secret, chosen by the tenant rather
   * than issued by the provider: a short one can be guessed offline from one signed message, so
   * each is at least PLUGIN_SECRET_MIN_LENGTH characters.
   */
  private static final Map<String, Set<String>> SHARED_SECRETS = Map.of(
      "generic", Set.of("secret"),
      "wave", Set.of("webhookSecret", "previousWebhookSecret"),
      "airtel", Set.of("callbackSecret"));

  private PluginCatalog() {
  }

  public static Set<String> sharedSecretKeys(String plugin) {
    return SHARED_SECRETS.getOrDefault(plugin, Set.of());
  }

  public static Optional<Plugin> find(String name) {
    return Optional.ofNullable(PLUGINS.get(name));
  }

  public static Set<String> names() {
    return PLUGINS.keySet();
  }
}
