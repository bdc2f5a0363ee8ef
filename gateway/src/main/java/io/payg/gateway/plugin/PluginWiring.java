package io.payg.gateway.plugin;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.PaymentStatusQuery;
import io.payg.domain.port.SmsSender;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TokenIssuer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every catalog plugin's ports, built once for one gateway and keyed as the routes and workers
 * look them up: inbound telco adapters by plugin name and by each alias path, the rest by name.
 */
public record PluginWiring(
    Map<String, TelcoAdapter> telcos,
    Map<String, CollectionProvider> collections,
    Map<String, PaymentStatusQuery> statusQueries,
    Map<String, String> callbackPaths,
    Map<String, TokenIssuer> issuers,
    Map<String, SmsSender> smsSenders) {

  public static PluginWiring build(PluginCatalog catalog, WebClient http, Clock clock) {
    Map<String, TelcoAdapter> telcos = new LinkedHashMap<>();
    Map<String, CollectionProvider> collections = new LinkedHashMap<>();
    Map<String, PaymentStatusQuery> statusQueries = new LinkedHashMap<>();
    Map<String, String> callbackPaths = new LinkedHashMap<>();
    Map<String, TokenIssuer> issuers = new LinkedHashMap<>();
    Map<String, SmsSender> smsSenders = new LinkedHashMap<>();
    for (PluginDescriptor<WebClient, Vertx> d : catalog.all()) {
      PluginParts parts = d.build(http, clock);
      parts.telcoAdapter().ifPresent(t -> {
        telcos.put(d.name(), t);
        d.aliases().forEach(alias -> telcos.put(alias, t));
      });
      parts.collectionProvider().ifPresent(c -> collections.put(d.name(), c));
      parts.paymentStatusQuery().ifPresent(q -> {
        statusQueries.put(d.name(), q);
        // the provider's results are posted back on the path operators register (its first alias)
        if (!d.aliases().isEmpty()) {
          callbackPaths.put(d.name(), d.aliases().get(0));
        }
      });
      parts.tokenIssuer().ifPresent(i -> issuers.put(d.name(), i));
      parts.smsSender().ifPresent(s -> smsSenders.put(d.name(), s));
    }
    return new PluginWiring(
        Map.copyOf(telcos),
        Map.copyOf(collections),
        Map.copyOf(statusQueries),
        Map.copyOf(callbackPaths),
        Map.copyOf(issuers),
        Map.copyOf(smsSenders));
  }
}
