package io.payg.telco.airtel;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.telco.simulator.AirtelSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** Airtel Money collections (request-to-pay), declared once. */
public final class AirtelPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      AirtelTelcoAdapter.NAME,
      PluginKind.TELCO,
      "Airtel Money (request-to-pay)",
      "`POST /api/v1/telco/airtel/{companyId}/callback` (set once in Airtel's portal); every callback is "
          + "confirmed with Airtel's enquiry API",
      List.of(),
      List.of(
          PluginSetting.plain("clientId", "the application's client id"),
          PluginSetting.secret("clientSecret", "the application's client secret"),
          PluginSetting.plain(
              "country", "the country code Airtel serves the account in (`UG`, `KE`, ...)"),
          PluginSetting.withDefault(
              "baseUrl", AirtelCollections.DEFAULT_BASE_URL, "Airtel's API root"),
          PluginSetting.withDefault(
              "timeoutMs",
              Long.toString(AirtelCollections.DEFAULT_TIMEOUT_MS),
              "longest wait for one Airtel call"),
          PluginSetting.withDefault(
              "apiVersion", "v1", "`v1` or `v2` (signed pushes: `x-signature` / `x-key`)"),
          PluginSetting.plain("signingPublicKey", "v2: Airtel's message-signing public key"),
          PluginSetting.withDefault("signingRsaPadding", "PKCS1", "v2: `PKCS1` or `OAEP`"),
          PluginSetting.sharedSecret(
              "callbackSecret",
              "when set, callbacks carry its hash (callback " + "authentication on)")),
      (http, clock) ->
          PluginParts.telco(new AirtelTelcoAdapter()).withCollections(new AirtelCollections(http)),
      vertx -> AirtelSimulator.start(vertx, 0));

  private AirtelPlugin() {}
}
