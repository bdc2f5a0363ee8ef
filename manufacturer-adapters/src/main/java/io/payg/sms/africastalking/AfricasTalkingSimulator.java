package io.payg.sms.africastalking;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An in-process Africa's Talking SMS endpoint on 127.0.0.1 ({@code POST /version1/messaging}),
 * for the gateway's demo mode and for tests. It checks the {@code apiKey} header and username
 * (default {@link #DEFAULT_USERNAME} / {@link #DEFAULT_API_KEY}; HTTP 401 otherwise, as the
 * real API), answers the documented {@code SMSMessageData} JSON (status 101 per valid number,
 * 403 InvalidPhoneNumber otherwise) and records every sent message in {@link #messages()}.
 * Like the real API it has no idempotency key: each request is a new message.
 *
 * <p>Failure knobs: {@link #setDown(boolean)} drops connections without answering,
 * {@link #setFailNext(int)} answers HTTP 503.
 */
public final class AfricasTalkingSimulator {

  public static final String DEFAULT_USERNAME = "payg-sim";
  public static final String DEFAULT_API_KEY = "at-sim-key";

  /** One message accepted for one recipient. */
  public record Sms(String to, String text, String messageId) {
  }

  // Loose E.164: what the simulator needs to tell "valid" from "garbage" in tests.
  private static final Pattern NUMBER = Pattern.compile("\\+?[1-9]\\d{7,14}");

  private final String username;
  private final String apiKey;
  private final List<Sms> messages = new CopyOnWriteArrayList<>();
  private final AtomicLong counter = new AtomicLong();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile boolean down;
  private HttpServer server;

  private AfricasTalkingSimulator(String username, String apiKey) {
    this.username = username;
    this.apiKey = apiKey;
  }

  /** Starts listening on 127.0.0.1 with the default credentials; port 0 picks a free port. */
  public static Future<AfricasTalkingSimulator> start(Vertx vertx, int port) {
    return start(vertx, port, DEFAULT_USERNAME, DEFAULT_API_KEY);
  }

  public static Future<AfricasTalkingSimulator> start(Vertx vertx, int port, String username,
      String apiKey) {
    AfricasTalkingSimulator simulator = new AfricasTalkingSimulator(
        Objects.requireNonNull(username, "username"), Objects.requireNonNull(apiKey, "apiKey"));
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.post(AfricasTalkingSmsSender.MESSAGING_PATH).handler(simulator::handle);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port, "127.0.0.1")
        .map(server -> {
          simulator.server = server;
          return simulator;
        });
  }

  public int port() {
    return server.actualPort();
  }

  /** The value for the sender's {@code baseUrl} setting. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Sender settings (baseUrl, username, apiKey) that this simulator accepts. */
  public Map<String, String> settings() {
    return Map.of(
        AfricasTalkingSmsSender.SETTING_BASE_URL, baseUrl(),
        AfricasTalkingSmsSender.SETTING_USERNAME, username,
        AfricasTalkingSmsSender.SETTING_API_KEY, apiKey);
  }

  public Future<Void> stop() {
    return server.close();
  }

  /** While down, connections are closed without an answer. */
  public AfricasTalkingSimulator setDown(boolean down) {
    this.down = down;
    return this;
  }

  /** The next {@code n} requests get HTTP 503 without sending. */
  public AfricasTalkingSimulator setFailNext(int n) {
    failNext.set(n);
    return this;
  }

  /** Every message sent, one entry per accepted recipient, oldest first. */
  public List<Sms> messages() {
    return List.copyOf(messages);
  }

  private void handle(RoutingContext ctx) {
    if (down) {
      ctx.request().connection().close();
      return;
    }
    if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      ctx.response().setStatusCode(503).end("Service Unavailable");
      return;
    }
    MultiMap form = ctx.request().formAttributes();
    if (!apiKey.equals(ctx.request().getHeader("apiKey"))
        || !username.equals(form.get("username"))) {
      ctx.response().setStatusCode(401).end("The supplied authentication is invalid");
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.contains("application/json")) {
      // the real API falls back to XML; the simulator only speaks JSON
      ctx.response().setStatusCode(406).end("send Accept: application/json");
      return;
    }
    String to = form.get("to");
    String text = form.get("message");
    if (to == null || to.isBlank() || text == null || text.isEmpty()) {
      ctx.response().setStatusCode(400).end("Must have to and message to send");
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
    JsonObject body = new JsonObject().put("SMSMessageData", new JsonObject()
        .put("Message", "Sent to " + accepted.size() + "/" + recipients.size()
            + " Total Cost: KES " + String.format(Locale.ROOT, "%.4f", 0.8 * accepted.size()))
        .put("Recipients", recipients));
    ctx.response().setStatusCode(201)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static JsonObject recipient(int code, String status, String number, String cost,
      String messageId) {
    return new JsonObject()
        .put("statusCode", code)
        .put("number", number)
        .put("status", status)
        .put("cost", cost)
        .put("messageId", messageId);
  }
}
