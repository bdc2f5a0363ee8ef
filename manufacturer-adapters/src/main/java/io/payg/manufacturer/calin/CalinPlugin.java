package io.payg.manufacturer.calin;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The Calin meter plugin, declared once. */
public final class CalinPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      CalinTokenIssuer.NAME,
      PluginKind.MANUFACTURER,
      "Calin (meters)",
      "`POST {baseUrl}/tokennew` `{user_id, password, meter_id, token_type: \"CreditToken\", amount: kWh with one "
          + "decimal}` → `{result_code, reason, result: token}`",
      List.of(),
      List.of(
          PluginSetting.plain(
              "baseUrl", "the API root (MPM default `http://api.calinhost.com/api`; required)"),
          PluginSetting.plain("userId", "the API account's user id (required)"),
          PluginSetting.secret("apiKey", "the API account's password (required)"),
          PluginSetting.withDefault(
              "timeoutMs",
              "10000",
              "longest wait for one call to the vendor (at most `OUTBOUND_TIMEOUT_MAX_MS`)")),
      (http, clock) -> PluginParts.issuer(new CalinTokenIssuer(http)),
      vertx -> CalinSimulator.start(vertx, 0));

  private CalinPlugin() {}
}
