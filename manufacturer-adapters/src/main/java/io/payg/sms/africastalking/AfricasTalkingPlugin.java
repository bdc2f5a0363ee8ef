package io.payg.sms.africastalking;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** The Africa's Talking SMS plugin, declared once. */
public final class AfricasTalkingPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      AfricasTalkingSmsSender.NAME,
      PluginKind.SMS,
      "Africa's Talking (SMS)",
      "form `POST {baseUrl}/version1/messaging` (`username, to, message[, from]`, header `apikey`) → "
          + "`SMSMessageData.Recipients[]`",
      List.of(),
      List.of(
          PluginSetting.plain(
              "username", "the app username (required; `sandbox` selects the sandbox)"),
          PluginSetting.secret("apiKey", "the app's API key (required)"),
          PluginSetting.withDefault(
              "baseUrl",
              AfricasTalkingSmsSender.DEFAULT_BASE_URL,
              "the API root (the sandbox's " + "for username `sandbox`)"),
          PluginSetting.plain(
              "senderId", "an approved sender id or short code (default: the account's)"),
          PluginSetting.withDefault(
              "timeoutMs",
              Long.toString(AfricasTalkingSmsSender.DEFAULT_TIMEOUT_MS),
              "longest wait for one send")),
      (http, clock) -> PluginParts.sms(new AfricasTalkingSmsSender(http)),
      vertx -> AfricasTalkingSimulator.start(vertx, 0));

  private AfricasTalkingPlugin() {}
}
