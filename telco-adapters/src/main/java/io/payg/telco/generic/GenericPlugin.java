package io.payg.telco.generic;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The generic signed-JSON plugin, declared once. */
public final class GenericPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      GenericTelcoAdapter.NAME,
      PluginKind.TELCO,
      "Generic (any aggregator)",
      "`POST /api/v1/telco/generic/{companyId}/validate` and `/process`; each body signed with "
          + "`X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`",
      List.of(),
      List.of(PluginSetting.sharedSecret("secret", "the HMAC-SHA256 key both sides share")),
      (http, clock) -> PluginParts.telco(new GenericTelcoAdapter()),
      null);

  private GenericPlugin() {}
}
