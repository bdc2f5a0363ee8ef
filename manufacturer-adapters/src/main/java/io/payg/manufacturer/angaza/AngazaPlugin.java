package io.payg.manufacturer.angaza;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.manufacturer.simulator.AngazaSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The Angaza solar-home-system plugin, declared once. */
public final class AngazaPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      AngazaTokenIssuer.NAME,
      PluginKind.MANUFACTURER,
      "Angaza (solar home systems)",
      "`PUT {baseUrl}/unit_credit` desired `credit_until_dt` (Basic auth) → keycode",
      List.of(),
      List.of(
          PluginSetting.plain("baseUrl", "the API root (required)"),
          PluginSetting.plain("clientId", "the Basic-auth client id (required)"),
          PluginSetting.secret("clientSecret", "the Basic-auth client secret (required)"),
          PluginSetting.withDefault(
              "timeoutMs",
              "10000",
              "longest wait for one call to the vendor (at most `OUTBOUND_TIMEOUT_MAX_MS`)")),
      (http, clock) -> PluginParts.issuer(new AngazaTokenIssuer(http)),
      vertx -> AngazaSimulator.start(vertx, 0));

  private AngazaPlugin() {}
}
