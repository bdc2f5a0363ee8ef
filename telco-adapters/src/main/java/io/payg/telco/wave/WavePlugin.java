package io.payg.telco.wave;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** Wave webhooks, declared once. */
public final class WavePlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      WaveTelcoAdapter.NAME,
      PluginKind.TELCO,
      "Wave",
      "`POST /api/v1/telco/wave/{companyId}/webhook` (events `checkout.session.completed`, "
          + "`merchant.payment_received`; `merchant.payment_reversed` is unconfirmed). The customer is credited what "
          + "they paid: a checkout's `amount`, a merchant payment's `amount + fee`; an unknown reference is kept as "
          + "an unmatched payment and acknowledged",
      List.of(),
      List.of(
          PluginSetting.withDefault(
              "webhookStrategy",
              "SIGNING_SECRET",
              "the strategy chosen in Wave's portal: "
                  + "`SIGNING_SECRET` (`Wave-Signature` HMAC over timestamp + body, 5-minute window) or "
                  + "`SHARED_SECRET` (`Authorization: Bearer <secret>`)"),
          PluginSetting.sharedSecret("webhookSecret", "the webhook's secret (required)"),
          PluginSetting.sharedSecret(
              "previousWebhookSecret", "the secret being rotated out, still accepted"),
          PluginSetting.withDefault(
              "serialCustomField",
              WaveTelcoAdapter.DEFAULT_SERIAL_CUSTOM_FIELD,
              "the " + "merchant-payment custom field holding the serial")),
      (http, clock) -> PluginParts.telco(new WaveTelcoAdapter()),
      null);

  private WavePlugin() {}
}
