package io.payg.manufacturer.steama;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.manufacturer.simulator.SteamaSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The Steama meter plugin, declared once. */
public final class SteamaPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      SteamaTokenIssuer.NAME,
      PluginKind.MANUFACTURER,
      "Steama (meters)",
      "`POST /get-token/`, pages `GET /meters?page=1&page_size=100` (following `next`) to find the meter's "
          + "customer, `POST /customers/{id}/transactions/` (money, `PAY`)",
      List.of(),
      List.of(
          PluginSetting.plain("baseUrl", "the API root (`https://api.steama.co`; required)"),
          PluginSetting.plain("username", "the API account's username (required)"),
          PluginSetting.secret("password", "the API account's password (required)"),
          PluginSetting.withDefault(
              "meterCacheSeconds",
              "0",
              "keep the serial → customer map from the pages this "
                  + "long, at most 20000 meters (0 = off)"),
          PluginSetting.withDefault(
              "timeoutMs",
              "10000",
              "longest wait for one call to the vendor (at most `OUTBOUND_TIMEOUT_MAX_MS`)")),
      (http, clock) -> PluginParts.issuer(new SteamaTokenIssuer(http)),
      vertx -> SteamaSimulator.start(vertx, 0));

  private SteamaPlugin() {}
}
