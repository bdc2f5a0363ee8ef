package io.payg.sms.simulator;

import io.payg.manufacturer.simulator.SimulatedPeer;
import io.payg.sms.africastalking.AfricasTalkingSmsSender;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An in-process Africa's Talking SMS endpoint on 127.0.0.1 ({@code POST /version1/messaging}),
 * for the gateway's demo mode and for tests. Sources: the official PHP SDK MicroPowerManager uses
 * (github AfricasTalkingLtd/africastalking-php {@code src/AfricasTalking.php}: base
 * {@code https://api.africastalking.com/version1/}, headers {@code apikey}, form encoding,
 * {@code Accept: application/json}; {@code src/SMS.php}: {@code messaging} with
 * {@code username, to, message[, from]}) and MicroPowerManager's reading of the answer
 * ({@code src/backend/app/Plugins/AfricasTalking/AfricasTalkingGateway.php:48-75}:
 * {@code SMSMessageData.Recipients[].status "Success", messageId, statusCode}). It checks the {@code apiKey} header
 * and username
 * (default {@link #DEFAULT_USERNAME} / {@link #DEFAULT_API_KEY}; HTTP 401 otherwise, as the
 * real API), answers the documented {@code SMSMessageData} JSON (status 101 per valid number,
 * 403 InvalidPhoneNumber otherwise) and records every sent message in {@link #messages()}.
 * Like the real API it has no idempotency key: each request is a new message.
 *
 * <p>Failure knobs (shared with the manufacturer simulators, {@link SimulatedPeer}):
 * {@link #setDown(boolean)} drops connections without answering, {@link #setFailNext(int)}
 * answers HTTP 503, {@link #setLatency(java.time.Duration)} delays the answer (the message is
 * recorded first).
 */
public final class AfricasTalkingSimulator extends SimulatedPeer<AfricasTalkingSimulator> {

  // africastalking-php src/AfricasTalking.php (base .../version1/) + src/SMS.php ('messaging')
  private static final String MESSAGING_PATH = "/version1/messaging";

  public static final String DEFAULT_USERNAME = "payg-sim";
  public static final String DEFAULT_API_KEY = "at-sim-key";

  /** One message accepted for one recipient. */
  public record Sms(String to, String text, String messageId) {}

  // Loose E.164: what the simulator needs to tell "valid" from "garbage" in tests.
  private static final Pattern NUMBER = Pattern.compile("\\+?[1-9]\\d{7,14}");

  private final String username;
  private final String apiKey;
  private final List<Sms> messages = new CopyOnWriteArrayList<>();
  private final AtomicLong counter = new AtomicLong();

  private AfricasTalkingSimulator(Vertx vertx, String username, String apiKey) {
    super(vertx);
    this.username = username;
    this.apiKey = apiKey;
  }

  /** Starts listening on 127.0.0.1 with the default credentials; port 0 picks a free port. */
  public static Future<AfricasTalkingSimulator> start(Vertx vertx, int port) {
    return start(vertx, port, DEFAULT_USERNAME, DEFAULT_API_KEY);
  }

  public static Future<AfricasTalkingSimulator> start(
      Vertx vertx, int port, String username, String apiKey) {
    AfricasTalkingSimulator simulator = new AfricasTalkingSimulator(
        vertx,
        Objects.requireNonNull(username, "username"),
        Objects.requireNonNull(apiKey, "apiKey"));
    Router router = simulator.router();
    router.post(MESSAGING_PATH).handler(simulator::handle);
    return simulator.listen(router, port);
  }

  /** Sender settings (baseUrl, username, apiKey) that this simulator accepts. */
  public Map<String, String> settings() {
    return Map.of(
        AfricasTalkingSmsSender.SETTING_BASE_URL, baseUrl(),
        AfricasTalkingSmsSender.SETTING_USERNAME, username,
        AfricasTalkingSmsSender.SETTING_API_KEY, apiKey);
  }

  /** Every message sent, one entry per accepted recipient, oldest first. */
  public List<Sms> messages() {
    return List.copyOf(messages);
  }

  private void handle(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    if (!apiKey.equals(ctx.request().getHeader("apiKey"))
        || !username.equals(form.get("username"))) {
      send(ctx, 401, null, "The supplied authentication is invalid");
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.contains("application/json")) {
      // the real API falls back to XML; the simulator only speaks JSON
      send(ctx, 406, null, "send Accept: application/json");
      return;
    }
    String to = form.get("to");
    String text = form.get("message");
    if (to == null || to.isBlank() || text == null || text.isEmpty()) {
      send(ctx, 400, null, "Must have to and message to send");
      return;
    }

    JsonArray recipients = new JsonArray();
    List<Sms> accepted = new ArrayList<>();
    for (String raw : to.split(",")) {
      String number = raw.trim();
      if (NUMBER.matcher(number).matches()) {
        String id = String.format("ATXid_%032x", counter.incrementAndGet());
        accepted.add(new Sms(number, text, id));
        recipients.add(recipient(101, "Success", number, "KES 0.8000", id));
      } else {
        recipients.add(recipient(403, "InvalidPhoneNumber", number, "0", "None"));
      }
    }
    messages.addAll(accepted);
    JsonObject body = new JsonObject()
        .put(
            "SMSMessageData",
            new JsonObject()
                .put(
                    "Message",
                    "Sent to " + accepted.size() + "/" + recipients.size() + " Total Cost: KES "
                        + String.format(Locale.ROOT, "%.4f", 0.8 * accepted.size()))
                .put("Recipients", recipients));
    send(ctx, 201, "application/json", body.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    send(ctx, 503, null, "Service Unavailable");
  }

  private static JsonObject recipient(
      int code, String status, String number, String cost, String messageId) {
    return new JsonObject()
        .put("statusCode", code)
        .put("number", number)
        .put("status", status)
        .put("cost", cost)
        .put("messageId", messageId);
  }
}
