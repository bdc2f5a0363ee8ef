package io.payg.gateway.outbox;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hot path: a payment inserts its TOKEN job leased to this instance and hands it over, the
 * token store inserts the SMS job the same way, and the completions of jobs that end together are
 * written by one statement each. What a user sees: every payment gets one token and one SMS, each
 * job done at its first attempt (no claim took it again), and the tokens of payments that ended
 * together share a database transaction.
 */
class LeasedPipelineTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // a wide window, so that the tokens of payments sent together are stored together on any
    // machine
    gw = new GatewayFixture(LeasedPipelineTest.class, Map.of("OUTBOX_COMPLETION_WINDOW_MS", "300"));
    company = gw.company("Pipeline Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void paymentsSentTogetherGetOneTokenAndOneSmsEachWithTheirCompletionsBatched() {
    int payments = 24;
    List<String> serials = new ArrayList<>();
    for (int i = 0; i < payments; i++) {
      String serial = "PIPE-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      gw.meterCustomer(company, serial);
      serials.add(serial);
    }
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (String serial : serials) {
      calls.add(
          company.provider().process("P-" + serial, serial, 10_000, "KES", "+254700000000", null));
    }
    List<String> ids = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      ids.add(ok(await(call)).getString("transactionId"));
    }
    String mine = "SELECT id FROM transactions WHERE company_id = ?::uuid";
    eventually(
        Duration.ofSeconds(20),
        "every SMS recorded",
        () -> gw.db.count(
                "SELECT count(*) FROM sms_messages WHERE transaction_id IN (" + mine + ")",
                company.id())
            == payments);

    assertEquals(
        payments,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE company_id = ?::uuid "
                + "AND status = 'COMPLETED'",
            company.id()));
    assertEquals(
        payments,
        gw.db.count(
            "SELECT count(DISTINCT transaction_id) FROM tokens WHERE company_id = ?::uuid",
            company.id()));
    assertEquals(
        payments,
        gw.db.count("SELECT count(*) FROM tokens WHERE company_id = ?::uuid", company.id()));
    // handed over at insert: each job done at attempt 1, never claimed again
    assertEquals(
        2L * payments,
        gw.db.count(
            "SELECT count(*) FROM outbox WHERE company_id = ?::uuid "
                + "AND kind IN ('TOKEN', 'SMS') AND status = 'DONE' AND attempts = 1 AND claim_token IS NULL",
            company.id()));
    assertEquals(
        payments,
        gw.calin.vends().stream().filter(v -> serials.contains(v.serial())).count());
    // rows written by one statement share its transaction id (xmin): fewer transactions than tokens
    long tokenCommits = gw.db.count(
        "SELECT count(DISTINCT xmin::text) FROM tokens WHERE company_id = ?::uuid", company.id());
    long smsCommits = gw.db.count(
        "SELECT count(DISTINCT m.xmin::text) FROM sms_messages m " + "WHERE m.transaction_id IN ("
            + mine + ")",
        company.id());
    assertTrue(
        tokenCommits < payments,
        "tokens stored in " + tokenCommits + " statements for " + payments);
    assertTrue(
        smsCommits < payments, "SMS recorded in " + smsCommits + " statements for " + payments);
    // each receipt still shows its own token
    for (String id : ids) {
      String token = gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", id);
      assertEquals(
          token,
          ok(gw.get("/api/v1/transactions/" + id, company.adminToken()))
              .getJsonObject("token")
              .getString("value"));
    }
  }
}
