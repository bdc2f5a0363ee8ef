package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An outage longer than the retry budget (load-tests/faults.sh, scenario manufacturer: after 60 s
 * of Calin down, 17 of 300 token jobs had ended FAILED). A job turned away by the open breaker
 * never reached the manufacturer, so it must not spend its budget: with TOKEN_MAX_ATTEMPTS=3,
 * each job here is turned away more often than that, and still gets its token once the
 * manufacturer is back.
 */
class BreakerBudgetTest {

  private static final Pattern BREAKER_OPEN = Pattern.compile(
      "payg_manufacturer_requests_seconds_count\\{manufacturer=\"calin\",outcome=\"breaker_open\"} ([0-9.]+)");
  private static final int JOBS = 4;
  // roomy: half-open probes are real attempts (about one per reset per manufacturer), and which job
  // probes is timing; 10 keeps any one job far from its budget while turn-aways exceed all budgets
  private static final int MAX_ATTEMPTS = 10;

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        BreakerBudgetTest.class,
        Map.of(
            "MANUFACTURER_BREAKER_FAILURES",
            "2",
            "MANUFACTURER_BREAKER_RESET_MS",
            "400",
            "TOKEN_MAX_ATTEMPTS",
            Integer.toString(MAX_ATTEMPTS),
            "TOKEN_RETRY_BASE_MS",
            "50",
            "TOKEN_RETRY_CAP_MS",
            "100",
            "OUTBOX_POLL_MS",
            "50"));
    company = gw.company("Long Outage Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void jobsTurnedAwayByTheOpenBreakerKeepTheirBudgetAndGetTheirTokenAfter() {
    gw.calin.setDown(true);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      String serial = "LONG-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      gw.meterCustomer(company, serial);
      ids.add(GatewayFixture.ok(await(company
              .provider()
              .process("LONG-" + serial, serial, 10_000, "KES", "+254700000000", null)))
          .getString("transactionId"));
    }
    // more turn-aways than all the jobs' budgets together: only possible if they do not count
    eventually(
        Duration.ofSeconds(30),
        "more breaker-open turn-aways than " + JOBS * MAX_ATTEMPTS,
        () -> breakerOpenCount() > JOBS * MAX_ATTEMPTS);
    String idList = String.join(",", ids);
    String mine =
        "SELECT count(*) FROM transactions t WHERE t.id::text = ANY (string_to_array(?, ','))";
    assertEquals(
        0,
        gw.db.count(mine + " AND t.status = 'TOKEN_FAILED'", idList),
        "no job ended FAILED during the outage");

    gw.calin.setDown(false);
    eventually(
        Duration.ofSeconds(30),
        "every token after the manufacturer is back",
        () -> gw.db.count(mine + " AND t.status = 'COMPLETED'", idList) == JOBS);
    assertEquals(
        JOBS,
        gw.db.count(
            "SELECT count(*) FROM tokens k WHERE k.transaction_id::text = ANY (string_to_array(?, ','))",
            idList));
  }

  private static double breakerOpenCount() {
    Matcher m = BREAKER_OPEN.matcher(gw.metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
