package io.payg.gateway.sms;

import io.payg.domain.port.SmsMessage;
import io.payg.domain.port.SmsSender;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMS sink used when a company has no SMS plugin enabled: the message is stored in
 * sms_messages (by the job) and logged without its text (a token is as good as money).
 */
public final class LogSmsSender implements SmsSender {

  public static final String PROVIDER = "log";
  private static final Logger LOG = LoggerFactory.getLogger(LogSmsSender.class);

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public CompletionStage<String> send(SmsMessage message) {
    String to = message.to();
    String masked =
        to.length() <= 4 ? "****" : "*".repeat(to.length() - 4) + to.substring(to.length() - 4);
    LOG.info(
        "SMS {} to {} ({} characters) kept in sms_messages",
        message.idempotencyKey(),
        masked,
        message.text().length());
    return CompletableFuture.completedFuture("log-" + UUID.randomUUID());
  }
}
