package io.payg.gateway.simulation;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded simulation in the spirit of TigerBeetle's VOPR: random interleavings of provider
 * messages (Daraja confirmations for known and unknown serials, duplicates, concurrent
 * duplicates, reordered redeliveries; generic process calls, replays and conflicting replays;
 * agents' cash with concurrent retries; operators' concurrent assigns racing redeliveries, and
 * dismissals; manufacturer failures) against the real HTTP handlers and a real PostgreSQL. Every
 * answer is checked as it comes; after the run every invariant of the books is checked
 * ({@link SimulationWorld#verify}).
 *
 * <p>The seed fixes the sequence of messages and their batches (within a batch the messages race
 * for real, so the interleaving also depends on timing). {@code mvn verify} runs a fixed seed and
 * a bounded count; {@code -Dsimulation.seed=random -Dsimulation.messages=10000} runs longer.
 */
class PaymentSimulationTest {

  /** The kinds of message and their weights. */
  static final List<SimulatedMessage> KINDS = List.of(
      new PaymentMessages.DarajaConfirmation(),
      new PaymentMessages.DarajaRedelivery(),
      new PaymentMessages.GenericProcess(),
      new PaymentMessages.AgentCash(),
      new PaymentMessages.AssignRace(),
      new PaymentMessages.Dismiss(),
      new PaymentMessages.ManufacturerFault(),
      new PaymentMessages.Reversal());

  static final long DEFAULT_SEED = 20261201L;
  static final int DEFAULT_MESSAGES = 250;
  /** The most messages sent at once in one batch. */
  static final int MAX_BATCH = 8;

  static GatewayFixture gw;
  static SimulationWorld world;

  @BeforeAll
  static void start() throws Exception {
    // a long run outlives the default 15-minute access tokens of its operator and agent
    gw = new GatewayFixture(
        PaymentSimulationTest.class,
        Map.of("AGENT_TOKEN_WAIT_MS", "1", "ACCESS_TOKEN_TTL_SECONDS", "86400"));
    GatewayFixture.Company company = gw.company("Simulated Energy");
    ok(gw.put(
        "/api/v1/plugins/safaricom",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SimulationWorld.SHORT_CODE)
                    .put("allowedSources", "127.0.0.1/32"))));
    SafaricomSimulator daraja =
        new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + company.id());
    String email = "operator-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        company.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "operator password 1")
            .put("role", "OPERATOR")));
    String operator = gw.login(email, "operator password 1");
    GatewayFixture.Agent agent = gw.agent(company, 1_000_000_000_000L);
    String appliance = ok(gw.post(
            "/api/v1/appliances",
            company.adminToken(),
            new JsonObject()
                .put("name", "Radio")
                .put("type", "OTHER")
                .put("price", 60_000)
                .put("currency", "KES")))
        .getString("id");
    List<String> serials = new ArrayList<>();
    List<String> agentSerials = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String serial = String.format("SIM-MTR-%02d", i);
      JsonObject customer = new JsonObject()
          .put("name", "Customer " + i)
          .put("phone", "+254712345678")
          .put("villageId", company.villageId())
          .put(
              "device",
              new JsonObject()
                  .put("serial", serial)
                  .put("type", "METER")
                  .put("manufacturer", "calin")
                  .put("tariffId", company.tariffId()));
      if (i < 3) {
        customer.put("agentId", agent.id());
        agentSerials.add(serial);
      }
      String customerId =
          ok(gw.post("/api/v1/customers", company.adminToken(), customer)).getString("id");
      if (i % 3 == 1) {
        // installments due: payments pay them before energy
        ok(gw.post(
            "/api/v1/customers/" + customerId + "/appliance-sales",
            company.adminToken(),
            new JsonObject()
                .put("applianceId", appliance)
                .put("downPayment", 15_000)
                .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 6))
                .put("period", "WEEKLY")));
      }
      serials.add(serial);
    }
    world = new SimulationWorld(
        gw, company, daraja, operator, agent.token(), agent.id(), serials, agentSerials);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void randomInterleavingsOfPaymentMessagesKeepTheBooksBalanced() {
    String seedProperty = System.getProperty("simulation.seed", String.valueOf(DEFAULT_SEED));
    long seed = "random".equals(seedProperty)
        ? new SecureRandom().nextLong()
        : Long.parseLong(seedProperty);
    int messages = Integer.getInteger("simulation.messages", DEFAULT_MESSAGES);
    System.out.println("SIMULATION seed=" + seed + " messages=" + messages
        + " (rerun with -Dsimulation.seed=" + seed + " -Dsimulation.messages=" + messages + ")");
    SplittableRandom random = new SplittableRandom(seed);
    int total = KINDS.stream().mapToInt(SimulatedMessage::weight).sum();
    long started = System.nanoTime();
    int sent = 0;
    int batches = 0;
    while (sent < messages) {
      int batch = 1 + random.nextInt(MAX_BATCH);
      List<Future<Void>> inFlight = new ArrayList<>();
      for (int i = 0; i < batch && sent < messages; i++, sent++) {
        inFlight.add(kind(random.nextInt(total)).send(world, random));
      }
      batches++;
      try {
        await(Future.all(inFlight));
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ", batch " + batches + ": " + e.getMessage(), e);
      }
    }
    long sentAt = System.nanoTime();
    gw.calin.setDown(false).setFailNext(0);
    // the workers settle: every token and SMS job ends (issued, or failed after its attempts)
    GatewayFixture.eventually(
        Duration.ofSeconds(120),
        "the outbox settles",
        () -> gw.db.count("SELECT count(*) FROM outbox WHERE status = 'PENDING'") == 0);
    world.verify();
    long http = world.figures.entrySet().stream()
        .filter(
            e -> !e.getKey().matches(".*\\.[0-9]{3}$") && !e.getKey().startsWith("manufacturer"))
        .mapToLong(e -> e.getValue().get())
        .sum();
    System.out.printf(
        "SIMULATION seed=%d messages=%d batches=%d http-messages=%d sent-in=%.1fs settled-in=%.1fs%n",
        seed,
        messages,
        batches,
        http,
        (sentAt - started) / 1e9,
        (System.nanoTime() - sentAt) / 1e9);
    System.out.println("SIMULATION figures " + world.sortedFigures());
    System.out.println("SIMULATION database transactions="
        + gw.db.count("SELECT count(*) FROM transactions")
        + " tokens=" + gw.db.count("SELECT count(*) FROM tokens")
        + " token-jobs-failed="
        + gw.db.count("SELECT count(*) FROM outbox WHERE kind = 'TOKEN' AND status = 'FAILED'")
        + " unmatched="
        + gw.db.text("SELECT string_agg(status || ':' || n, ' ') FROM (SELECT status, count(*) n "
            + "FROM unmatched_payments GROUP BY status ORDER BY status) s")
        + " conflicts=" + gw.db.count("SELECT count(*) FROM conflicts")
        + " books="
        + ok(gw.get("/api/v1/books", world.operatorToken))
            .getJsonArray("totals")
            .encode());
  }

  private static SimulatedMessage kind(int roll) {
    for (SimulatedMessage k : KINDS) {
      roll -= k.weight();
      if (roll < 0) {
        return k;
      }
    }
    throw new IllegalStateException();
  }
}
