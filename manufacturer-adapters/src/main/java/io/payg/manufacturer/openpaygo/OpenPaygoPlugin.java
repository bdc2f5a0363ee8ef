package io.payg.manufacturer.openpaygo;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/**
 * OpenPAYGO, declared once. No peer and no port: the gateway generates each token itself in the
 * transaction that advances the device's token count.
 */
public final class OpenPaygoPlugin {

  public static final String NAME = "openpaygo";

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      NAME,
      PluginKind.MANUFACTURER,
      "OpenPAYGO (solar home systems, e-bikes)",
      "tokens generated in the gateway from the device's `openPaygo.secretKey` and `startingCode`",
      List.of(),
      List.of(),
      (http, clock) -> PluginParts.NONE,
      null);

  private OpenPaygoPlugin() {}
}
