package io.payg.sms.africastalking;

import static io.payg.domain.peer.PluginSettings.withoutTrailingSlash;

import io.payg.domain.peer.PeerText;
import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.SmsMessage;
import io.payg.domain.port.SmsSendException;
import io.payg.domain.port.SmsSender;
import io.payg.peer.PeerCalls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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
 * transport errors, HTTP 5xx/408/429 and recipient codes 405 (InsufficientBalance), 500, 501 are
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
  private final PeerCalls calls = new PeerCalls(NAME, SmsSendException::new, LOG);

  public AfricasTalkingSmsSender(WebClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public CompletionStage<String> send(SmsMessage message) {
    return calls.checked(() -> post(message)).toCompletionStage();
  }

  private Future<String> post(SmsMessage message) {
    PluginSettings settings =
        new PluginSettings(NAME, message.settings()).require(SETTING_USERNAME, SETTING_API_KEY);
    String username = settings.get(SETTING_USERNAME);
    String baseUrl = settings.get(
        SETTING_BASE_URL, "sandbox".equals(username) ? SANDBOX_BASE_URL : DEFAULT_BASE_URL);
    long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);

    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("username", username)
        .add("to", message.to())
        .add("message", message.text());
    String senderId = settings.get(SETTING_SENDER_ID);
    if (!PluginSettings.isBlank(senderId)) {
      form.add("from", senderId);
    }
    String url = withoutTrailingSlash(baseUrl) + MESSAGING_PATH;
    // 401 is "The supplied authentication is invalid": retrying cannot help
    return calls
        .accepted(
            "sms",
            message.idempotencyKey(),
            () -> client
                .postAbs(url)
                .timeout(timeoutMs)
                .putHeader("apiKey", settings.get(SETTING_API_KEY))
                // without it Africa's Talking answers XML
                .putHeader("Accept", "application/json")
                .sendForm(form))
        .compose(response -> answer(response, message));
  }

  private Future<String> answer(HttpResponse<Buffer> response, SmsMessage message) {
    JsonObject recipient;
    String summary;
    try {
      JsonObject data = response.bodyAsJsonObject().getJsonObject("SMSMessageData");
      summary = data.getString("Message", "");
      JsonArray recipients = data.getJsonArray("Recipients");
      recipient = recipients == null || recipients.isEmpty() ? null : recipients.getJsonObject(0);
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      return calls.fail(
          "africastalking answer is not an SMSMessageData response: " + PeerCalls.snippet(response),
          false);
    }
    if (recipient == null) {
      // e.g. {"Message":"InvalidSenderId","Recipients":[]}: the request itself was refused
      return calls.fail("africastalking sent nothing: " + PeerText.clean(summary), false);
    }
    int code = recipient.getValue("statusCode") instanceof Number n ? n.intValue() : -1;
    String messageId = recipient.getString("messageId");
    if (ACCEPTED.contains(code)
        && !PluginSettings.isBlank(messageId)
        && !"None".equals(messageId)) {
      return Future.succeededFuture(messageId);
    }
    String reason =
        "africastalking status " + code + " " + PeerText.clean(recipient.getString("status", ""));
    LOG.warn("africastalking refused sms {}: {}", message.idempotencyKey(), reason);
    return calls.fail(reason, RETRYABLE_RECIPIENT_CODES.contains(code));
  }
}
