package io.payg.domain.port;

import java.util.Map;

/**
 * One SMS to a customer.
 *
 * @param idempotencyKey stable per message, so a retried send is recognisable
 * @param to             E.164-ish phone number
 * @param text           the rendered text
 * @param settings       the company's SMS plugin configuration; never logged
 */
public record SmsMessage(
    String idempotencyKey, String to, String text, Map<String, String> settings) {

  public SmsMessage {
    settings = Map.copyOf(settings);
  }

  @Override
  public String toString() {
    return "SmsMessage[" + idempotencyKey + " to " + to + "]";
  }
}
