package io.payg.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plugin settings from the cache answer on the caller's event loop. A cached future belonged to
 * the event loop that loaded it, and Vert.x runs a listener on its future's context: about half
 * the validations (two event loops) ran their lookup and wrote their answer from the other loop.
 */
class PluginSettingsContextTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(PluginSettingsContextTest.class); // EVENT_LOOPS=2
    company = gw.company("Context Power");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aCachedSettingAnswersOnTheCallersEventLoop() {
    PluginStore store = new PluginStore(
        gw.app.pool(),
        new SecretBox("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
        100,
        new SimpleMeterRegistry());
    // event-loop contexts go round the loops: the next one on another thread than the first
    VertxInternal vertx = (VertxInternal) gw.app.vertx();
    Context loader = vertx.createEventLoopContext();
    String loaderThread =
        on(loader, () -> Future.succeededFuture(Thread.currentThread().getName()));
    Context caller = loader;
    String callerThread = loaderThread;
    for (int i = 0; i < 8 && callerThread.equals(loaderThread); i++) {
      caller = vertx.createEventLoopContext();
      Context c = caller;
      callerThread = on(c, () -> Future.succeededFuture(Thread.currentThread().getName()));
    }
    assertNotEquals(loaderThread, callerThread, "two event loops, one context on each");

    UUID id = UUID.fromString(company.id());
    PluginSettings loaded = on(loader, () -> store.settings(id, "generic"));
    assertTrue(loaded.enabled());
    String answeredOn = on(
        caller,
        () -> store.settings(id, "generic").map(s -> Thread.currentThread().getName()));
    assertEquals(callerThread, answeredOn);
  }

  private static <T> T on(Context context, Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return GatewayFixture.await(done.future());
  }
}
