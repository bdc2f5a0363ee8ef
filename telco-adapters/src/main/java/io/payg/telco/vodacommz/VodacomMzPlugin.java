package io.payg.telco.vodacommz;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.telco.simulator.VodacomMzSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** M-Pesa Mozambique (Open API, C2B single stage), declared once. */
public final class VodacomMzPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      VodacomMzCollections.NAME,
      PluginKind.TELCO,
      "Vodacom M-Pesa Mozambique (Open API, C2B single stage)",
      "no callback: the gateway pushes through `POST /api/v1/collections`, M-Pesa answers that call once the "
          + "payer typed the PIN (INS-0 is booked from that answer, under M-Pesa's `output_TransactionID`); the "
          + "query API covers INS-9 / INS-10 and lost answers",
      List.of(),
      List.of(
          PluginSetting.secret(
              "apiKey", "the OpenAPI portal's API key (the bearer is it, RSA-encrypted)"),
          PluginSetting.plain("publicKey", "the portal's public key"),
          PluginSetting.plain("serviceProviderCode", "the service provider (short) code"),
          PluginSetting.withDefault(
              "baseUrl", VodacomMzCollections.DEFAULT_BASE_URL, "the push host (port 18352)"),
          PluginSetting.plain(
              "queryBaseUrl", "the query host (port 18353; default: `baseUrl` on 18353)"),
          PluginSetting.withDefault(
              "timeoutMs",
              Long.toString(VodacomMzCollections.DEFAULT_PUSH_TIMEOUT_MS),
              "longest wait for the push's answer (the payer types the PIN meanwhile)")),
      (http, clock) -> PluginParts.collections(new VodacomMzCollections(http)),
      vertx -> VodacomMzSimulator.start(vertx, 0));

  private VodacomMzPlugin() {}
}
