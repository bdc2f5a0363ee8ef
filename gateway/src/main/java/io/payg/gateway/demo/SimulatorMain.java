package io.payg.gateway.demo;

import io.payg.manufacturer.simulator.AngazaSimulator;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.payg.manufacturer.simulator.SimulatedPeer;
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.payg.manufacturer.simulator.SteamaSimulator;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.payg.telco.simulator.AirtelSimulator;
import io.payg.telco.simulator.CollectionsSimulator;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.payg.telco.simulator.VodacomMzSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Any one provider or manufacturer simulator as a sandbox process of its own, so an integrator
 * can develop against our Daraja, MoMo or Calin without an account:
 *
 * <pre>
 * java -cp gateway/target/payg-gateway.jar io.payg.gateway.demo.SimulatorMain &lt;name&gt; [port] [adminPort]
 * </pre>
 *
 * (port 0 or absent = any free port). It prints {@code <name> <baseUrl>}, {@code settings <json>}
 * (the plugin settings the simulator accepts) and {@code admin <url>} once listening. The admin
 * API, on 127.0.0.1 only, turns the knobs: {@code GET /knobs} shows them, {@code POST
 * /knobs?down=true&latencyMs=250&failNext=2} sets them (400 on an unknown knob or a bad value).
 * The simulators that only send to the gateway (Daraja C2B, Wave, Vodacom Tanzania's broker) are
 * not servers and are not listed: they are driven from the tests and the demo.
 */
public final class SimulatorMain {

  /** A started simulator: where it listens, the settings it accepts, and its knobs by name. */
  record Sandbox(String baseUrl, Map<String, String> settings, Map<String, Knob> knobs) {}

  /** One admin knob: parses and applies a value, remembering it to show. */
  static final class Knob {
    private final Consumer<String> apply;
    private final String description;
    private volatile String value;

    Knob(String initial, String description, Consumer<String> apply) {
      this.value = initial;
      this.description = description;
      this.apply = apply;
    }

    void set(String raw) {
      apply.accept(raw);
      value = raw;
    }
  }

  /** The simulators by sandbox name: the only place a new or moved simulator is added. */
  static final Map<String, BiFunction<Vertx, Integer, Future<Sandbox>>> SIMULATORS;

  static {
    Map<String, BiFunction<Vertx, Integer, Future<Sandbox>>> m = new TreeMap<>();
    m.put(
        "calin",
        (vertx, port) -> CalinSimulator.start(vertx, port).map(s -> peer(s, s.settings())));
    m.put(
        "sparkmeter",
        (vertx, port) -> SparkMeterSimulator.start(vertx, port).map(s -> peer(s, s.settings())));
    m.put(
        "steama",
        (vertx, port) -> SteamaSimulator.start(vertx, port).map(s -> peer(s, s.settings())));
    m.put(
        "sunking",
        (vertx, port) -> SunKingSimulator.start(vertx, port).map(s -> peer(s, s.settings())));
    m.put(
        "angaza",
        (vertx, port) -> AngazaSimulator.start(vertx, port).map(s -> peer(s, s.settings())));
    m.put(
        "africastalking",
        (vertx, port) ->
            AfricasTalkingSimulator.start(vertx, port).map(s -> peer(s, s.settings())));
    m.put(
        "mtn",
        (vertx, port) ->
            MtnMomoSimulator.start(vertx, port).map(s -> collections(s, s.settings())));
    m.put(
        "airtel",
        (vertx, port) -> AirtelSimulator.start(vertx, port).map(s -> collections(s, s.settings())));
    m.put(
        "daraja",
        (vertx, port) ->
            SafaricomStkSimulator.start(vertx, port).map(s -> collections(s, s.settings())));
    m.put(
        "vodacommz",
        (vertx, port) -> VodacomMzSimulator.start(vertx, port).map(s -> {
          Map<String, Knob> knobs = new LinkedHashMap<>();
          knobs.put(
              "holdPushes",
              new Knob(
                  "false",
                  "true: pushes wait for the payer (answered late)",
                  v -> s.holdPushes(bool(v))));
          return new Sandbox(s.baseUrl(), s.settings(), knobs);
        }));
    SIMULATORS = Collections.unmodifiableMap(m);
  }

  private SimulatorMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !SIMULATORS.containsKey(args[0])) {
      System.err.println("usage: SimulatorMain <" + String.join("|", SIMULATORS.keySet())
          + "> [port] [adminPort]");
      System.exit(2);
    }
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int adminPort = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Vertx vertx = Vertx.vertx();
    Sandbox sandbox = await(SIMULATORS.get(args[0]).apply(vertx, port));
    int admin = await(admin(vertx, args[0], sandbox, adminPort));
    System.out.println(args[0] + " " + sandbox.baseUrl());
    System.out.println("settings " + new JsonObject(new TreeMap<>(sandbox.settings())).encode());
    System.out.println("admin http://127.0.0.1:" + admin);
    System.out.flush();
  }

  /** The admin API, bound to loopback only: a test harness, never a production surface. */
  static Future<Integer> admin(Vertx vertx, String name, Sandbox sandbox, int port) {
    Router router = Router.router(vertx);
    router.get("/knobs").handler(ctx -> state(ctx, name, sandbox));
    router.post("/knobs").handler(ctx -> {
      for (String knob : ctx.queryParams().names()) {
        if (!sandbox.knobs().containsKey(knob)) {
          ctx.response()
              .setStatusCode(400)
              .end("unknown knob " + knob + "; knobs: " + sandbox.knobs().keySet() + "\n");
          return;
        }
      }
      for (String knob : ctx.queryParams().names()) {
        try {
          sandbox.knobs().get(knob).set(ctx.queryParams().get(knob));
        } catch (IllegalArgumentException e) {
          ctx.response().setStatusCode(400).end(knob + ": " + e.getMessage() + "\n");
          return;
        }
      }
      state(ctx, name, sandbox);
    });
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, "127.0.0.1")
        .map(s -> s.actualPort());
  }

  private static void state(RoutingContext ctx, String name, Sandbox sandbox) {
    JsonObject knobs = new JsonObject();
    sandbox
        .knobs()
        .forEach((k, v) ->
            knobs.put(k, new JsonObject().put("value", v.value).put("what", v.description)));
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject()
            .put("simulator", name)
            .put("baseUrl", sandbox.baseUrl())
            .put("settings", new JsonObject(new TreeMap<>(sandbox.settings())))
            .put("knobs", knobs)
            .encode());
  }

  private static Sandbox peer(SimulatedPeer<?> s, Map<String, String> settings) {
    Map<String, Knob> knobs = common(s::setDown, d -> s.setLatency(d), s::setFailNext);
    return new Sandbox(s.baseUrl(), settings, knobs);
  }

  private static Sandbox collections(CollectionsSimulator<?> s, Map<String, String> settings) {
    Map<String, Knob> knobs = common(s::setDown, d -> s.setLatency(d), s::setFailNext);
    knobs.put(
        "approveAll",
        new Knob(
            "false",
            "true: every new request is approved at once and called back",
            v -> s.approveAll(bool(v))));
    knobs.put(
        "callbacks",
        new Knob(
            "true",
            "false: settled requests are never called back (lost callbacks)",
            v -> s.setCallbacks(bool(v))));
    return new Sandbox(s.baseUrl(), settings, knobs);
  }

  private static Map<String, Knob> common(
      Consumer<Boolean> down, Consumer<Duration> latency, Consumer<Integer> failNext) {
    Map<String, Knob> knobs = new LinkedHashMap<>();
    knobs.put(
        "down",
        new Knob(
            "false", "true: connections are closed without an answer", v -> down.accept(bool(v))));
    knobs.put(
        "latencyMs",
        new Knob(
            "0",
            "every answer this many ms late (0 to 600000)",
            v -> latency.accept(Duration.ofMillis(number(v, 600_000)))));
    knobs.put(
        "failNext",
        new Knob(
            "0",
            "the next N requests fail with the peer's outage answer (5xx), changing nothing",
            v -> failNext.accept((int) number(v, 1_000_000))));
    return knobs;
  }

  private static boolean bool(String v) {
    if (!"true".equals(v) && !"false".equals(v)) {
      throw new IllegalArgumentException("true or false");
    }
    return Boolean.parseBoolean(v);
  }

  private static long number(String v, long max) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("a whole number, 0 to " + max);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
