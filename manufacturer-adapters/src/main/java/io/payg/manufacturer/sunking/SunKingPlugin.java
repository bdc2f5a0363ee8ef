package io.payg.manufacturer.sunking;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The SunKing solar-home-system plugin, declared once. */
public final class SunKingPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      SunKingTokenIssuer.NAME,
      PluginKind.MANUFACTURER,
      "SunKing (solar home systems)",
      "OAuth client credentials, `POST {apiUrl}/token` `add_credit` days / `unlock` → keypad code",
      List.of(),
      List.of(
          PluginSetting.plain(
              "authUrl",
              "the OAuth2 token endpoint (MPM's production: " + "`"
                  + SunKingTokenIssuer.PRODUCTION_AUTH_URL + "`; required)"),
          PluginSetting.plain(
              "apiUrl",
              "the API root (MPM's production: `" + SunKingTokenIssuer.PRODUCTION_API_URL
                  + "`; required)"),
          PluginSetting.plain("clientId", "the OAuth client id (required)"),
          PluginSetting.secret("clientSecret", "the OAuth client secret (required)"),
          PluginSetting.withDefault(
              "timeoutMs",
              "10000",
              "longest wait for one call to the vendor (at most `OUTBOUND_TIMEOUT_MAX_MS`)")),
      (http, clock) -> PluginParts.issuer(new SunKingTokenIssuer(http)),
      vertx -> SunKingSimulator.start(vertx, 0));

  private SunKingPlugin() {}
}
