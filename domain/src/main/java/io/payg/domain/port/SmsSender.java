package io.payg.domain.port;

import java.util.concurrent.CompletionStage;

/** The SMS port: one implementation per SMS provider. Never blocks the calling thread. */
public interface SmsSender {

  /** The plugin name ("sms-simulator", "africastalking", ...). */
  String provider();

  /** Completes with the provider's message id. */
  CompletionStage<String> send(SmsMessage message);
}
