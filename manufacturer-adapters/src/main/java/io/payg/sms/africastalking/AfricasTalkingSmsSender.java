package io.payg.sms.africastalking;

import static io.payg.manufacturer.support.HttpPeer.snippet;
import static io.payg.manufacturer.support.HttpPeer.trimSlash;

import io.payg.domain.port.SmsSendException;
import io.payg.domain.port.SmsMessage;
import io.payg.domain.port.SmsSender;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SMS through Africa's Talking's bulk SMS API: {@code POST {baseUrl}/version1/messaging},
 * form-encoded {@code username, to, message[, from]}, headers {@code apiKey} and
 * {@code Accept: application/json}. The answer is
 * {@code {"SMSMessageData":{"Message":"Sent to 1/1 ...","Recipients":[{"statusCode":101,
 * "number":"+254...","status":"Success","cost":"KES 0.8000","messageId":"ATXid_..."}]}}}.
 *
 * <p>Settings ({@link SmsMessage#settings()}):
 * <ul>
 *   <li>{@code username} (required): the Africa's Talking app username</li>
 *   <li>{@code apiKey} (required): sent in the {@code apiKey} header</li>
 *   <li>{@code baseUrl} (optional): default {@value #DEFAULT_BASE_URL}, or
 *       {@value #SANDBOX_BASE_URL} when username is {@code sandbox} (as the official SDKs do)</li>
 *   <li>{@code senderId} (optional): approved alphanumeric sender id or short code, sent as
 *       {@code from}; omitted means the account default</li>
 *   <li>{@code timeoutMs} (optional, default 10000): whole-request timeout</li>
 * </ul>
 *
 * <p>Completes with the recipient's {@code messageId}. Recipient status 101 (Sent) is success;
 * 100 (Processed) and 102 (Queued) are accepted too, since the provider already owns the message
 * and failing them would make the caller send it twice. Failures are {@link SmsSendException}:
 * transport errors, HTTP 5xx/429 and recipient codes 405 (InsufficientBalance), 500, 501 are
 * retryable; refused credentials (HTTP 401), other 4xx and other recipient codes are not.
 *
 * <p>Africa's Talking takes no idempotency key, so a retry after a lost answer can deliver the
 * SMS twice; the message's idempotency key is only logged.
 */
public final class AfricasTalkingSmsSender implements SmsSender {

  public static final String NAME = "africastalking";

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_USERNAME = "username";
  public static final String SETTING_API_KEY = "apiKey";
  public static final String SETTING_SENDER_ID = "senderId";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";

  public static final String DEFAULT_BASE_URL = "https://api.africastalking.com";
  public static final String SANDBOX_BASE_URL = "https://api.sandbox.africastalking.com";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  static final String MESSAGING_PATH = "/version1/messaging";

  private static final Set<Integer> ACCEPTED = Set.of(100, 101, 102);
  private static final Set<Integer> RETRYABLE_RECIPIENT_CODES = Set.of(405, 500, 501);

  private static final Logger LOG = LoggerFactory.getLogger(AfricasTalkingSmsSender.class);

  private final WebClient client;

  public AfricasTalkingSmsSender(WebClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public CompletionStage<String> send(SmsMessage message) {
    return post(message).toCompletionStage();
  }

  private Future<String> post(SmsMessage message) {
    Map<String, String> settings = message.settings();
    String username = settings.get(SETTING_USERNAME);
    String apiKey = settings.get(SETTING_API_KEY);
    if (isBlank(username) || isBlank(apiKey)) {
      return fail("africastalking settings incomplete: username and apiKey are required", false);
    }
    String baseUrl = settings.get(SETTING_BASE_URL);
    if (isBlank(baseUrl)) {
      baseUrl = "sandbox".equals(username) ? SANDBOX_BASE_URL : DEFAULT_BASE_URL;
    }
    long timeoutMs;
    try {
      timeoutMs = Long.parseLong(settings.getOrDefault(SETTING_TIMEOUT_MS, "" + DEFAULT_TIMEOUT_MS));
    } catch (NumberFormatException e) {
      return fail("africastalking setting timeoutMs is not a number", false);
    }
    if (timeoutMs <= 0) {
      return fail("africastalking setting timeoutMs must be positive", false);
    }

    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("username", username)
        .add("to", message.to())
        .add("message", message.text());
    String senderId = settings.get(SETTING_SENDER_ID);
    if (!isBlank(senderId)) {
      form.add("from", senderId);
    }
    Future<HttpResponse<Buffer>> sent;
    try {
      sent = client.postAbs(trimSlash(baseUrl) + MESSAGING_PATH)
          .timeout(timeoutMs)
          .putHeader("apiKey", apiKey)
          // without it Africa's Talking answers XML
          .putHeader("Accept", "application/json")
          .sendForm(form);
    } catch (RuntimeException e) {
      return fail("africastalking baseUrl unusable: " + e.getMessage(), false);
    }
    return sent.transform(ar -> answer(ar, message));
  }

  private Future<String> answer(AsyncResult<HttpResponse<Buffer>> ar, SmsMessage message) {
    if (ar.failed()) {
      LOG.warn("africastalking sms {} failed in transport: {}", message.idempotencyKey(),
          ar.cause().toString());
      return fail("africastalking unreachable: " + ar.cause(), true, ar.cause());
    }
    HttpResponse<Buffer> response = ar.result();
    int status = response.statusCode();
    if (status >= 500 || status == 429) {
      LOG.warn("africastalking sms {}: HTTP {}", message.idempotencyKey(), status);
      return fail("africastalking HTTP " + status, true);
    }
    if (status < 200 || status >= 300) {
      // 401 is "The supplied authentication is invalid": retrying cannot help.
      return fail("africastalking HTTP " + status + ": " + snippet(response), false);
    }
    JsonObject recipient;
    String summary;
    try {
      JsonObject data = response.bodyAsJsonObject().getJsonObject("SMSMessageData");
      summary = data.getString("Message", "");
      JsonArray recipients = data.getJsonArray("Recipients");
      recipient = recipients == null || recipients.isEmpty() ? null : recipients.getJsonObject(0);
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      return fail("africastalking answer is not an SMSMessageData response: "
          + snippet(response), false);
    }
    if (recipient == null) {
      // e.g. {"Message":"InvalidSenderId","Recipients":[]}: the request itself was refused
      return fail("africastalking sent nothing: " + summary, false);
    }
    int code = recipient.getValue("statusCode") instanceof Number n ? n.intValue() : -1;
    String messageId = recipient.getString("messageId");
    if (ACCEPTED.contains(code) && !isBlank(messageId) && !"None".equals(messageId)) {
      return Future.succeededFuture(messageId);
    }
    String reason = "africastalking status " + code + " " + recipient.getString("status", "");
    LOG.warn("africastalking refused sms {}: {}", message.idempotencyKey(), reason);
    return fail(reason, RETRYABLE_RECIPIENT_CODES.contains(code));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static <T> Future<T> fail(String reason, boolean retryable) {
    return Future.failedFuture(new SmsSendException(reason, retryable));
  }

  private static <T> Future<T> fail(String reason, boolean retryable, Throwable cause) {
    return Future.failedFuture(new SmsSendException(reason, retryable, cause));
  }
}
