package io.payg.manufacturer.sparkmeter;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The SparkMeter meter plugin, declared once. */
public final class SparkMeterPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      SparkMeterTokenIssuer.NAME,
      PluginKind.MANUFACTURER,
      "SparkMeter (meters)",
      "ThunderCloud site API: `GET {baseUrl}/customers?meter_serial=`, `POST {baseUrl}/transaction/` (money, "
          + "`external_id` = our transaction); with the four Koios settings a retried token job first reads the "
          + "Koios transaction history for its `external_id` and stores the credit it finds instead of crediting "
          + "again (without them a retry after a lost answer credits twice)",
      List.of(),
      List.of(
          PluginSetting.plain("baseUrl", "the site URL + `api/v0` (required)"),
          PluginSetting.secret("apiToken", "the site's `Authentication-Token` (required)"),
          PluginSetting.plain(
              "koiosUrl", "the organisation's Koios API root (all four Koios settings or none)"),
          PluginSetting.plain("organizationId", "the Koios organisation id"),
          PluginSetting.secret("koiosApiKey", "the Koios `X-API-KEY`"),
          PluginSetting.secret("koiosApiSecret", "the Koios `X-API-SECRET`"),
          PluginSetting.withDefault(
              "timeoutMs",
              "10000",
              "longest wait for one call to the vendor (at most `OUTBOUND_TIMEOUT_MAX_MS`)")),
      (http, clock) -> PluginParts.issuer(new SparkMeterTokenIssuer(http)),
      vertx -> SparkMeterSimulator.start(vertx, 0));

  private SparkMeterPlugin() {}
}
