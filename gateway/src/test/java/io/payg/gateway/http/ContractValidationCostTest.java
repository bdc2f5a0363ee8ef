package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cost of the contract's validator on the agent path (docs/performance.md): the validator's
 * call alone on a representative agent cash body, run from an event loop as the router runs it,
 * in rounds of sequential calls; process CPU time and wall time per call, median of the rounds.
 * Opt-in ({@code -Dbench=true}); it also checks that the body it times passes and a broken one
 * does not, so it measures the real check.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ContractValidationCostTest {

  private static final int ROUNDS = 7;
  private static final int CALLS = Integer.getInteger("bench.calls", 5_000);
  private static final String BODY =
      "{\"serial\":\"47000123456\",\"amount\":50000,\"currency\":\"KES\"}";

  @Test
  void validatorCostPerAgentCashRequest() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject doc;
      try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
        doc = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      long loadStart = System.nanoTime();
      ContractValidation validation = ContractValidation.load(vertx, doc).await();
      long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
      Operation op = validation.operation("/api/v1/agent/payments", HttpMethod.POST);
      assertEquals("agentCashPayment", op.getOperationId());

      assertTrue(run(vertx, validation, op, BODY, 1).ok(), "the representative body passes");
      assertTrue(
          !run(vertx, validation, op, BODY.replace("50000", "0"), 1).ok(), "amount 0 is refused");

      run(vertx, validation, op, BODY, CALLS * 2); // warm-up
      List<Double> cpu = new ArrayList<>();
      List<Double> wall = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        Round r = run(vertx, validation, op, BODY, CALLS);
        cpu.add(r.cpuMicros());
        wall.add(r.wallMicros());
      }
      System.out.printf(
          "contract validation, agent cash body: load %d ms; per call median of %d rounds x %d:"
              + " CPU %.1f us, wall %.1f us (CPU rounds %s)%n",
          loadMs, ROUNDS, CALLS, median(cpu), median(wall), cpu);
    } finally {
      vertx.close().await();
    }
  }

  record Round(boolean ok, double cpuMicros, double wallMicros) {}

  /** {@code calls} validations one after another on an event loop; CPU of the whole process. */
  private static Round run(
      Vertx vertx, ContractValidation validation, Operation op, String body, int calls)
      throws Exception {
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    vertx.runOnContext(v -> chain(validation, op, body, calls, done));
    boolean ok = done.get(120, TimeUnit.SECONDS);
    long wall = System.nanoTime() - wall0;
    long cpu = os.getProcessCpuTime() - cpu0;
    return new Round(ok, cpu / 1e3 / calls, wall / 1e3 / calls);
  }

  private static void chain(
      ContractValidation validation,
      Operation op,
      String body,
      int left,
      CompletableFuture<Boolean> done) {
    Map<String, RequestParameter> headers =
        Map.of("Idempotency-Key", new RequestParameterImpl("agent-7-0001"));
    ValidatableRequest request = new ValidatableRequestImpl(
        Map.of(),
        headers,
        Map.of(),
        Map.of(),
        new RequestParameterImpl(Buffer.buffer(body)),
        "application/json");
    Future<?> f = validation.validate(request, op);
    f.onComplete(r -> {
      if (r.failed()) {
        done.complete(!(r.cause() instanceof ValidatorException));
      } else if (left <= 1) {
        done.complete(true);
      } else {
        chain(validation, op, body, left - 1, done);
      }
    });
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
