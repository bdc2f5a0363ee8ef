package io.payg.telco.mtn;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** MTN MoMo Collection (request-to-pay), declared once. */
public final class MtnMomoPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      MtnMomoTelcoAdapter.NAME,
      PluginKind.TELCO,
      "MTN MoMo Collection (request-to-pay)",
      "`PUT` or `POST /api/v1/telco/mtn-momo/{companyId}/callback` (sent by the gateway as `X-Callback-Url`); "
          + "callbacks are unsigned, so each is confirmed with MoMo's status API",
      List.of(),
      List.of(
          PluginSetting.secret("subscriptionKey", "the Collection product's subscription key"),
          PluginSetting.plain("apiUser", "the API user"),
          PluginSetting.secret("apiKey", "the API user's key"),
          PluginSetting.withDefault(
              "targetEnvironment",
              MtnMomoCollections.DEFAULT_TARGET_ENVIRONMENT,
              "MoMo's environment name (`mtnuganda`, ... in production)"),
          PluginSetting.withDefault(
              "baseUrl", MtnMomoCollections.DEFAULT_BASE_URL, "MoMo's API root"),
          PluginSetting.withDefault(
              "timeoutMs",
              Long.toString(MtnMomoCollections.DEFAULT_TIMEOUT_MS),
              "longest wait for one MoMo call")),
      (http, clock) -> PluginParts.telco(new MtnMomoTelcoAdapter())
          .withCollections(new MtnMomoCollections(http)),
      vertx -> MtnMomoSimulator.start(vertx, 0));

  private MtnMomoPlugin() {}
}
