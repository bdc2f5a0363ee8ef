package io.payg.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every simulator a descriptor declares starts on loopback from the descriptor alone. */
class PluginSimulatorsTest {

  @Test
  void eachDeclaredSimulatorStarts() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> started = new ArrayList<>();
      for (var d : PluginCatalog.BUILT_IN) {
        var start = d.simulatorStart();
        if (start.isEmpty()) {
          continue;
        }
        Object running = start.get().apply(vertx);
        assertTrue(running instanceof Future<?>, d.name() + " answers its simulator's start");
        ((Future<?>) running).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        started.add(d.name());
      }
      assertTrue(
          started.containsAll(List.of(
              "calin",
              "sparkmeter",
              "steama",
              "sunking",
              "angaza",
              "africastalking",
              "mtn-momo",
              "airtel",
              "vodacom-mz",
              "safaricom-stk")),
          started.toString());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
