package io.payg.gateway.plugin;

import java.util.Map;

/**
 * A company's view of one plugin, as the hot paths need it.
 *
 * @param companyExists false when the company id is unknown
 * @param currency      the company's currency
 * @param enabled       whether the plugin is enabled for the company
 * @param settings      the plugin's configuration, secrets included; never logged
 */
public record PluginSettings(
    boolean companyExists, String currency, boolean enabled, Map<String, String> settings) {

  public static final PluginSettings NO_COMPANY = new PluginSettings(false, null, false, Map.of());

  @Override
  public String toString() {
    return "PluginSettings[enabled=" + enabled + ", keys=" + settings.keySet() + "]";
  }
}
