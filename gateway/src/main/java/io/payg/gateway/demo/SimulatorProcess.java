package io.payg.gateway.demo;

import io.payg.manufacturer.simulator.AngazaSimulator;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.payg.manufacturer.simulator.SimulatedPeer;
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.payg.manufacturer.simulator.SteamaSimulator;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The Calin simulator as a process of its own, so a gateway can be killed and restarted while
 * its manufacturer lives on (the fault scenarios, load-tests/faults.sh). Also serves a small
 * admin API on 127.0.0.1 only, to flip the simulator's failure knobs from outside:
 *
 * <ul>
 *   <li>{@code GET /calin}: {@code {"baseUrl", "userId", "apiKey", "vends", "down", "latencyMs", "inFlight",
 *       "maxInFlight"}} (requests open now, and the most ever open at once)</li>
 *   <li>{@code POST /calin?down=true|false&latencyMs=N&resetMax=true}: drop connections unanswered / answer N ms
 *       late / count {@code maxInFlight} again from now (token-storm.sh: the drain after a warm-up)</li>
 * </ul>
 *
 * The other manufacturers' simulators run beside it (faults.sh drives each): SparkMeter (with its
 * Koios history API), Steama, Sun King and Angaza, each under {@code GET /peer/<name>} ({@code vends},
 * {@code inFlight}, {@code maxInFlight}) and {@code POST /peer/<name>?down=&latencyMs=}; Steama knows
 * only the meters registered with {@code POST /peer/steama/register?first=<serial>&count=<n>}
 * (consecutive numbers).
 *
 * {@code java -cp payg-gateway.jar io.payg.gateway.demo.SimulatorProcess <calinPort> <adminPort>} (0 = any free port);
 * prints {@code calin <baseUrl> <userId> <apiKey>}, then {@code <name> <plugin settings as JSON>} for each other
 * manufacturer (SparkMeter's with the Koios settings), and {@code admin <url>} last, once listening.
 */
public final class SimulatorProcess {

  private final CalinSimulator calin;
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private SteamaSimulator steama;

  /** A manufacturer simulator beside Calin, and how many vends it made. */
  private record Peer(
      SimulatedPeer<?> simulator, IntSupplier vends, Map<String, String> settings) {}

  private volatile boolean down;
  private volatile long latencyMs;

  SimulatorProcess(CalinSimulator calin) {
    this.calin = calin;
  }

  public static void main(String[] args) throws Exception {
    int calinPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int adminPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    Vertx vertx = Vertx.vertx();
    SimulatorProcess sims = CalinSimulator.start(vertx, calinPort)
        .map(SimulatorProcess::new)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    SparkMeterSimulator spark = get(SparkMeterSimulator.start(vertx, 0));
    Map<String, String> sparkSettings = new LinkedHashMap<>(spark.settings());
    sparkSettings.putAll(spark.koiosSettings());
    sims.peers.put("sparkmeter", new Peer(spark, () -> spark.vends().size(), sparkSettings));
    SteamaSimulator steama = get(SteamaSimulator.start(vertx, 0));
    sims.steama = steama;
    sims.peers.put("steama", new Peer(steama, () -> steama.vends().size(), steama.settings()));
    SunKingSimulator sunking = get(SunKingSimulator.start(vertx, 0));
    sims.peers.put("sunking", new Peer(sunking, () -> sunking.vends().size(), sunking.settings()));
    AngazaSimulator angaza = get(AngazaSimulator.start(vertx, 0));
    sims.peers.put("angaza", new Peer(angaza, () -> angaza.vends().size(), angaza.settings()));
    int admin = sims.admin(vertx, adminPort)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    System.out.println("calin " + sims.calin.baseUrl() + " " + CalinSimulator.DEFAULT_USER_ID + " "
        + CalinSimulator.DEFAULT_API_KEY);
    sims.peers.forEach((name, peer) ->
        System.out.println(name + " " + new JsonObject(Map.copyOf(peer.settings())).encode()));
    System.out.println("admin http://127.0.0.1:" + admin);
    System.out.flush();
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The admin API, bound to loopback only: it is a test harness, never a production surface. */
  Future<Integer> admin(Vertx vertx, int port) {
    Router router = Router.router(vertx);
    router.get("/peer/:name").handler(ctx -> peer(ctx, false));
    router.post("/peer/steama/register").handler(ctx -> {
      try {
        long first = Long.parseLong(ctx.request().getParam("first"));
        int count = Integer.parseInt(ctx.request().getParam("count"));
        if (steama == null || count < 1 || count > 100_000) {
          throw new NumberFormatException();
        }
        for (int i = 0; i < count; i++) {
          steama.register(Long.toString(first + i));
        }
        ctx.response().end("registered " + count + "\n");
      } catch (NumberFormatException e) {
        ctx.response()
            .setStatusCode(400)
            .end("first (a number) and count (1 to 100000) are required\n");
      }
    });
    router.post("/peer/:name").handler(ctx -> peer(ctx, true));
    router.get("/calin").handler(this::state);
    router.post("/calin").handler(ctx -> {
      String downParam = ctx.request().getParam("down");
      String latencyParam = ctx.request().getParam("latencyMs");
      try {
        if (latencyParam != null) {
          long ms = Long.parseLong(latencyParam);
          if (ms < 0 || ms > 600_000) {
            throw new NumberFormatException();
          }
          latencyMs = ms;
          calin.setLatency(Duration.ofMillis(ms));
        }
      } catch (NumberFormatException e) {
        ctx.response()
            .setStatusCode(400)
            .end("latencyMs must be a whole number of ms, 0 to 600000\n");
        return;
      }
      if (downParam != null) {
        down = Boolean.parseBoolean(downParam);
        calin.setDown(down);
      }
      if (Boolean.parseBoolean(ctx.request().getParam("resetMax"))) {
        calin.resetMaxConcurrentRequests();
      }
      state(ctx);
    });
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, "127.0.0.1")
        .map(s -> s.actualPort());
  }

  private void peer(RoutingContext ctx, boolean change) {
    Peer peer = peers.get(ctx.pathParam("name"));
    if (peer == null) {
      ctx.response().setStatusCode(404).end("no such simulator\n");
      return;
    }
    if (change) {
      String latency = ctx.request().getParam("latencyMs");
      try {
        if (latency != null) {
          long ms = Long.parseLong(latency);
          if (ms < 0 || ms > 600_000) {
            throw new NumberFormatException();
          }
          peer.simulator().setLatency(Duration.ofMillis(ms));
        }
      } catch (NumberFormatException e) {
        ctx.response()
            .setStatusCode(400)
            .end("latencyMs must be a whole number of ms, 0 to 600000\n");
        return;
      }
      if (ctx.request().getParam("down") != null) {
        peer.simulator().setDown(Boolean.parseBoolean(ctx.request().getParam("down")));
      }
    }
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject()
            .put("vends", peer.vends().getAsInt())
            .put("inFlight", peer.simulator().requestsInFlight())
            .put("maxInFlight", peer.simulator().maxConcurrentRequests())
            .encode());
  }

  private void state(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject()
            .put("baseUrl", calin.baseUrl())
            .put("userId", CalinSimulator.DEFAULT_USER_ID)
            .put("apiKey", CalinSimulator.DEFAULT_API_KEY)
            .put("vends", calin.vends().size())
            .put("down", down)
            .put("latencyMs", latencyMs)
            .put("inFlight", calin.requestsInFlight())
            .put("maxInFlight", calin.maxConcurrentRequests())
            .encode());
  }
}
