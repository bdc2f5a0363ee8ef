package io.payg.gateway.plugin;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.manufacturer.angaza.AngazaPlugin;
import io.payg.manufacturer.calin.CalinPlugin;
import io.payg.manufacturer.openpaygo.OpenPaygoPlugin;
import io.payg.manufacturer.sparkmeter.SparkMeterPlugin;
import io.payg.manufacturer.steama.SteamaPlugin;
import io.payg.manufacturer.sunking.SunKingPlugin;
import io.payg.sms.africastalking.AfricasTalkingPlugin;
import io.payg.telco.airtel.AirtelPlugin;
import io.payg.telco.generic.GenericPlugin;
import io.payg.telco.mtn.MtnMomoPlugin;
import io.payg.telco.safaricom.SafaricomPlugin;
import io.payg.telco.safaricom.SafaricomStkPlugin;
import io.payg.telco.vodacommz.VodacomMzPlugin;
import io.payg.telco.vodacomtz.VodacomTzPlugin;
import io.payg.telco.wave.WavePlugin;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plugins a company can enable, read from their descriptors: names, kinds, aliases, settings
 * (which are secrets: write-only, stored sealed, never returned nor logged), and how to build them.
 */
public final class PluginCatalog {

  /** Every provider the gateway ships: one line per provider package. */
  public static final List<PluginDescriptor<WebClient, Vertx>> BUILT_IN = List.of(
      GenericPlugin.DESCRIPTOR,
      SafaricomPlugin.DESCRIPTOR,
      SafaricomStkPlugin.DESCRIPTOR,
      WavePlugin.DESCRIPTOR,
      VodacomTzPlugin.DESCRIPTOR,
      VodacomMzPlugin.DESCRIPTOR,
      AirtelPlugin.DESCRIPTOR,
      MtnMomoPlugin.DESCRIPTOR,
      CalinPlugin.DESCRIPTOR,
      SparkMeterPlugin.DESCRIPTOR,
      SteamaPlugin.DESCRIPTOR,
      SunKingPlugin.DESCRIPTOR,
      AngazaPlugin.DESCRIPTOR,
      OpenPaygoPlugin.DESCRIPTOR,
      AfricasTalkingPlugin.DESCRIPTOR);

  private final Map<String, PluginDescriptor<WebClient, Vertx>> plugins;

  public PluginCatalog(Collection<PluginDescriptor<WebClient, Vertx>> descriptors) {
    Map<String, PluginDescriptor<WebClient, Vertx>> byName = new LinkedHashMap<>();
    Set<String> paths = new HashSet<>();
    for (var d : descriptors) {
      if (byName.putIfAbsent(d.name(), d) != null) {
        throw new IllegalArgumentException("two plugins are named " + d.name());
      }
      for (String path : d.aliases()) {
        paths.add(path);
      }
    }
    for (String alias : paths) {
      if (byName.containsKey(alias)) {
        throw new IllegalArgumentException("alias " + alias + " is also a plugin's name");
      }
    }
    this.plugins = Collections.unmodifiableMap(byName);
  }

  public static PluginCatalog builtIn() {
    return new PluginCatalog(BUILT_IN);
  }

  /** The built-in plugins and {@code more} (a test's fake provider). */
  @SafeVarargs
  public static PluginCatalog builtInAnd(PluginDescriptor<WebClient, Vertx>... more) {
    List<PluginDescriptor<WebClient, Vertx>> all = new ArrayList<>(BUILT_IN);
    all.addAll(List.of(more));
    return new PluginCatalog(all);
  }

  public Optional<PluginDescriptor<WebClient, Vertx>> find(String name) {
    return Optional.ofNullable(plugins.get(name));
  }

  /** The secrets that key an HMAC or are a shared secret: held to PLUGIN_SECRET_MIN_LENGTH. */
  public Set<String> sharedSecretKeys(String plugin) {
    return find(plugin).map(PluginDescriptor::sharedSecretKeys).orElse(Set.of());
  }

  public Set<String> names() {
    return plugins.keySet();
  }

  /** In declaration order. */
  public Collection<PluginDescriptor<WebClient, Vertx>> all() {
    return plugins.values();
  }
}
