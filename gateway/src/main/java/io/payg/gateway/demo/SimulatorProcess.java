package io.payg.gateway.demo;

import io.payg.manufacturer.simulator.CalinSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Calin simulator as a process of its own, so a gateway can be killed and restarted while
 * its manufacturer lives on (the fault scenarios, load-tests/faults.sh). Also serves a small
 * admin API on 127.0.0.1 only, to flip the simulator's failure knobs from outside:
 *
 * <ul>
 *   <li>{@code GET /calin}: {@code {"baseUrl", "userId", "apiKey", "vends", "down", "latencyMs"}}</li>
 *   <li>{@code POST /calin?down=true|false&latencyMs=N}: drop connections unanswered / answer N ms late</li>
 * </ul>
 *
 * {@code java -cp payg-gateway.jar io.payg.gateway.demo.SimulatorProcess <calinPort> <adminPort>} (0 = any free port);
 * prints {@code calin <baseUrl> <userId> <apiKey>} and {@code admin <url>} once listening.
 */
public final class SimulatorProcess {

  private final CalinSimulator calin;
  private volatile boolean down;
  private volatile long latencyMs;

  SimulatorProcess(CalinSimulator calin) {
    this.calin = calin;
  }

  public static void main(String[] args) throws Exception {
    int calinPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int adminPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    Vertx vertx = Vertx.vertx();
    SimulatorProcess sims = CalinSimulator.start(vertx, calinPort).map(SimulatorProcess::new)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    int admin = sims.admin(vertx, adminPort).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.out.println("calin " + sims.calin.baseUrl() + " " + CalinSimulator.DEFAULT_USER_ID + " "
        + CalinSimulator.DEFAULT_API_KEY);
    System.out.println("admin http://127.0.0.1:" + admin);
    System.out.flush();
  }

  /** The admin API, bound to loopback only: it is a test harness, never a production surface. */
  Future<Integer> admin(Vertx vertx, int port) {
    Router router = Router.router(vertx);
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
        ctx.response().setStatusCode(400).end("latencyMs must be a whole number of ms, 0 to 600000\n");
        return;
      }
      if (downParam != null) {
        down = Boolean.parseBoolean(downParam);
        calin.setDown(down);
      }
      state(ctx);
    });
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").map(s -> s.actualPort());
  }

  private void state(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("baseUrl", calin.baseUrl()).put("userId", CalinSimulator.DEFAULT_USER_ID)
        .put("apiKey", CalinSimulator.DEFAULT_API_KEY).put("vends", calin.vends().size())
        .put("down", down).put("latencyMs", latencyMs).encode());
  }
}
