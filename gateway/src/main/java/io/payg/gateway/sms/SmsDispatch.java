package io.payg.gateway.sms;

import io.payg.domain.port.SmsMessage;
import io.payg.domain.port.SmsSendException;
import io.payg.domain.port.SmsSender;
import io.payg.gateway.outbound.OutboundRefused;
import io.payg.gateway.outbound.PeerFailure;
import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.plugin.PluginSettings;
import io.payg.gateway.plugin.PluginStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;

/**
 * Sends one SMS for an outbox job through the company's enabled SMS plugin, else the log sink.
 * Shared by confirmations and installment reminders, so both choose and fail the same way.
 */
final class SmsDispatch {

  /** Who sent it and the provider's message id. */
  record Sent(String provider, String messageId) {}

  private final Vertx vertx;
  private final PluginStore plugins;
  private final Map<String, SmsSender> senders;
  private final SmsSender fallback = new LogSmsSender();

  SmsDispatch(Vertx vertx, PluginStore plugins, Map<String, SmsSender> senders) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.senders = Map.copyOf(senders);
  }

  /** {@code plugin} is the company's enabled SMS plugin, or null for none. */
  Future<Sent> send(
      UUID companyId, String plugin, String idempotencyKey, String phone, String text) {
    SmsSender sender = plugin == null ? fallback : senders.get(plugin);
    if (sender == null) {
      return Future.failedFuture(new JobFailure("no SMS adapter for plugin " + plugin, false));
    }
    Future<Map<String, String>> settings = plugin == null
        ? Future.succeededFuture(Map.of())
        : plugins.settings(companyId, plugin).map(PluginSettings::settings);
    return settings
        .compose(s -> Future.fromCompletionStage(
            sender.send(new SmsMessage(idempotencyKey, phone, text, s)),
            vertx.getOrCreateContext()))
        // a number the provider will never deliver to ends the job at once; anything else is
        // retried
        // the job's last error is shown to the tenant: a classified code, never the peer's answer
        .recover(err -> Future.failedFuture(new JobFailure(
            PeerFailure.of(sender.provider(), err).toString(),
            OutboundRefused.in(err) != null
                ? !OutboundRefused.in(err).permanent()
                : !(err instanceof SmsSendException e) || e.retryable())))
        .map(messageId -> new Sent(sender.provider(), messageId));
  }
}
