package io.payg.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Field agents taking cash: each agent logs in once (a JWT), then cash payments arrive at
 * {@code rate} per second for {@code duration} seconds, spread over the agents in turn, each
 * for a random customer of that agent, with an {@code Idempotency-Key} unique to the run (always
 * a new payment, never a replay).
 *
 * <p>A payment is OK when the gateway answers 200 (the token came within the gateway's
 * AGENT_TOKEN_WAIT_MS and is in the answer) or 202 (recorded, the token comes later); both with a
 * transaction id. The two are counted separately: the requests are named {@code agent payment}
 * and the answers counted per status, printed at the end ({@code 200 with token: n, 202: m}).
 * A 422 AGENT_RISK_LIMIT is a failure: seed agents with a high limit ({@code SetupFixture --agents}).
 *
 * <p>System properties (defaults in brackets): {@code baseUrl} [http://127.0.0.1:8080];
 * the agents: {@code agentsFile} (the {@code agents.csv} of {@code SetupFixture --agents}:
 * email,password,agentId,serials) or one agent {@code agentEmail} + {@code agentPassword} with its
 * {@code serials} [DEMO-METER-1,DEMO-METER-2] (the demo's agent); {@code rate} [5 payments/s in
 * all], {@code duration} [30 s], {@code amount} [5000 minor units, the meters' minimum],
 * {@code currency} [KES]. Assertions: failed requests below 1 %.
 */
public class AgentCashSimulation extends Simulation {

  record Agent(String email, String password, List<String> serials) {}

  static final String BASE_URL = LoadTarget.BASE_URL;
  static final double RATE = Double.parseDouble(System.getProperty("rate", "5"));
  static final int DURATION = Integer.parseInt(System.getProperty("duration", "30"));
  static final long AMOUNT = Long.parseLong(System.getProperty("amount", "5000"));
  static final String CURRENCY = System.getProperty("currency", "KES");
  static final List<Agent> AGENTS = agents();
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  /** agent index -> its access token, filled by the login scenario. */
  static final Map<Integer, String> TOKENS = new ConcurrentHashMap<>();

  private static final AtomicInteger LOGINS = new AtomicInteger();
  private static final AtomicLong PAYMENTS = new AtomicLong();
  static final AtomicLong WITH_TOKEN = new AtomicLong();
  static final AtomicLong ACCEPTED = new AtomicLong();

  static {
    String host = URI.create(BASE_URL).getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalArgumentException("load is only ever sent to 127.0.0.1, not " + host);
    }
    if (RATE <= 0 || RATE > 10_000 || DURATION < 1 || DURATION > 3600 || AMOUNT < 1) {
      throw new IllegalArgumentException(
          "need 0 < rate <= 10000, 1 <= duration <= 3600, amount >= 1");
    }
  }

  static final HttpProtocolBuilder PROTOCOL = http.baseUrl(BASE_URL)
      .disableWarmUp() // Gatling's default warm-up request goes to an outside host; load stays on
      // 127.0.0.1
      .shareConnections()
      .userAgentHeader("payg-load-tests");

  /** One virtual user per agent: log in, keep the JWT for the payments. */
  static final ScenarioBuilder LOGIN = scenario("agent login")
      .exec(s -> {
        int i = LOGINS.getAndIncrement();
        Agent a = AGENTS.get(i);
        return s.set("agent", i)
            .set("body", "{\"email\":\"" + a.email() + "\",\"password\":\"" + a.password() + "\"}");
      })
      .exec(http("login")
          .post("/api/v1/auth/login")
          .asJson()
          .body(StringBody(s -> s.getString("body")))
          .check(status().is(200), jsonPath("$.accessToken").saveAs("token")))
      .exec(s -> {
        if (!s.isFailed()) {
          TOKENS.put(s.getInt("agent"), s.getString("token"));
        }
        return s;
      });

  /** One cash payment: the next agent in turn, one of its customers, a new Idempotency-Key. */
  static final ScenarioBuilder PAYMENT = scenario("agent payment")
      .exec(AgentCashSimulation::payment)
      .exec(http("agent payment")
          .post("/api/v1/agent/payments")
          .asJson()
          .header("Authorization", s -> "Bearer " + s.getString("token"))
          .header("Idempotency-Key", s -> s.getString("key"))
          .body(StringBody(s -> s.getString("body")))
          .check(
              status().in(200, 202).saveAs("status"),
              jsonPath("$.id").exists(),
              // a 200 carries its token; a 202 is recorded and waits for it
              jsonPath("$.token.value").optional().saveAs("tokenValue")))
      .exec(s -> {
        if (!s.isFailed()) {
          if (s.getInt("status") == 200 && s.contains("tokenValue")) {
            WITH_TOKEN.incrementAndGet();
          } else {
            ACCEPTED.incrementAndGet();
          }
        }
        return s;
      });

  static Session payment(Session s) {
    long n = PAYMENTS.incrementAndGet();
    int i = (int) (n % AGENTS.size());
    Agent a = AGENTS.get(i);
    String serial =
        a.serials().get(ThreadLocalRandom.current().nextInt(a.serials().size()));
    String token = TOKENS.getOrDefault(i, "not-logged-in");
    return s.set("token", token)
        .set("key", "LT-" + RUN + "-" + n)
        .set(
            "body",
            "{\"serial\":\"" + serial + "\",\"amount\":" + AMOUNT + ",\"currency\":\"" + CURRENCY
                + "\"}");
  }

  {
    System.out.printf(
        "AgentCashSimulation: %s, %d agents (%d customers), %.1f payments/s of %d for %d s (run %s)%n",
        BASE_URL,
        AGENTS.size(),
        AGENTS.stream().mapToInt(a -> a.serials().size()).sum(),
        RATE,
        AMOUNT,
        DURATION,
        RUN);
    setUp(LOGIN
            .injectOpen(atOnceUsers(AGENTS.size()))
            .andThen(PAYMENT.injectOpen(constantUsersPerSec(RATE).during(DURATION))))
        .protocols(PROTOCOL)
        .maxDuration(Duration.ofSeconds(DURATION + 90L)) // bounded even if the gateway stalls
        .assertions(global().failedRequests().percent().lt(1.0));
  }

  @Override
  public void after() {
    System.out.printf(
        "AgentCashSimulation: agent payments answered 200 with token: %d, 202 token later: %d%n",
        WITH_TOKEN.get(), ACCEPTED.get());
  }

  private static List<Agent> agents() {
    String file = System.getProperty("agentsFile");
    if ((file == null || file.isBlank()) && System.getProperty("agentEmail") == null) {
      // no agents given: sign up a company with -DsetupAgents [2] agents sharing -DsetupMeters
      // customers
      file = LoadTarget.signedUp(
              Integer.parseInt(LoadTarget.setting("setupAgents", "PAYG_SETUP_AGENTS", "2")))
          .get("agentsFile");
    }
    List<Agent> agents = new ArrayList<>();
    if (file != null && !file.isBlank()) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : lines.subList(1, lines.size())) { // header: email,password,agentId,serials
        String[] f = line.split(",", 4);
        if (f.length == 4 && !f[3].isBlank()) {
          agents.add(new Agent(f[0], f[1], List.of(f[3].trim().split(" +"))));
        }
      }
    } else {
      String email = System.getProperty("agentEmail");
      String password = System.getProperty("agentPassword");
      if (email == null || password == null) {
        throw new IllegalArgumentException(
            "pass -DagentsFile=.../agents.csv (SetupFixture --agents) or "
                + "-DagentEmail=... -DagentPassword=... (the demo prints its agent on the 'Agent:' line)");
      }
      agents.add(new Agent(
          email,
          password,
          Arrays.stream(
                  System.getProperty("serials", "DEMO-METER-1,DEMO-METER-2").split(","))
              .map(String::trim)
              .filter(x -> !x.isEmpty())
              .toList()));
    }
    if (agents.isEmpty()) {
      throw new IllegalArgumentException("no agents with customers in " + file);
    }
    return List.copyOf(agents);
  }
}
