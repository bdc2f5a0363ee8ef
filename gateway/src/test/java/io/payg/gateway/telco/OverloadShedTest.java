package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.generic.GenericTelcoAdapter;
import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.payg.telco.wave.WaveTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * More payments in flight than the instance admits: the rest are answered at once with the
 * provider's busy answer and Retry-After, nothing of theirs stored; validation is still served;
 * every payment acknowledged 200 is in the database, and the shed ones go through when retried.
 */
class OverloadShedTest {

  static final int LIMIT = 4;
  static final int OFFERED = 20;
  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        OverloadShedTest.class,
        Map.of(
            "TELCO_PAYMENTS_MAX_IN_FLIGHT",
            String.valueOf(LIMIT),
            "TELCO_VALIDATIONS_MAX_IN_FLIGHT",
            "64",
            "TELCO_SHED_RETRY_AFTER_SECONDS",
            "2"));
    company = gw.company("Storm Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void paymentsPastTheLimitAreShedInTheProvidersFormatAndValidationIsStillServed() {
    String held = "SHED-" + UUID.randomUUID().toString().substring(0, 8);
    String other = "SHED-" + UUID.randomUUID().toString().substring(0, 8);
    String customerId = gw.meterCustomer(company, held).getString("id");
    gw.meterCustomer(company, other);
    // the held meter's customer row locked: each admitted payment waits in its record statement,
    // so exactly LIMIT stay in flight until the lock is released
    Promise<Void> release = Promise.promise();
    Promise<Void> locked = Promise.promise();
    Future<Void> holder = gw.app
        .pool()
        .withTransaction(
            conn -> conn.preparedQuery("SELECT id FROM customers WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(UUID.fromString(customerId)))
                .compose(rows -> {
                  locked.complete();
                  return release.future();
                }));
    await(locked.future());

    List<String> ids = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < OFFERED; i++) {
      String id = "SHED-TX-" + UUID.randomUUID();
      ids.add(id);
      calls.add(company
          .provider()
          .process(id, held, 10_000, "KES", "+254712345678", "2026-01-16T08:30:00Z"));
    }
    // the shed ones are answered at once, while the admitted ones still wait for the lock
    eventually(
        Duration.ofSeconds(20),
        "every call past the limit answered",
        () -> calls.stream().filter(Future::isComplete).count() >= OFFERED - LIMIT);
    List<String> shed = new ArrayList<>();
    for (int i = 0; i < OFFERED; i++) {
      if (!calls.get(i).isComplete()) {
        continue;
      }
      HttpResponse<Buffer> r = await(calls.get(i));
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertEquals("2", r.getHeader("Retry-After"));
      assertEquals("application/problem+json", r.getHeader("Content-Type"));
      JsonObject problem = r.bodyAsJsonObject();
      assertEquals("BUSY", problem.getString("code"));
      assertEquals(503, problem.getInteger("status"));
      shed.add(ids.get(i));
    }
    assertEquals(OFFERED - LIMIT, shed.size(), "exactly the calls past the limit are shed");
    assertEquals(0, stored(shed), "nothing of a shed call is stored");
    // payments are full, validations have their own places: still answered
    HttpResponse<Buffer> validation =
        await(company.provider().validate(other, 10_000, "KES", "+254712345678"));
    assertEquals(200, validation.statusCode(), validation.bodyAsString());
    assertEquals(true, validation.bodyAsJsonObject().getBoolean("valid"));
    assertTrue(
        gw.metrics()
            .contains("payg_telco_shed_total{path=\"payment\",provider=\"generic\"} "
                + (OFFERED - LIMIT)),
        "the shed calls are counted");

    release.complete();
    await(holder);
    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < OFFERED; i++) {
      HttpResponse<Buffer> r = await(calls.get(i));
      if (r.statusCode() == 200) {
        acknowledged.add(ids.get(i));
      }
    }
    assertEquals(
        LIMIT, acknowledged.size(), "the admitted payments are acknowledged once the lock is gone");
    assertEquals(LIMIT, stored(acknowledged), "every acknowledged payment is in the database");

    // the provider retries what was shed (after Retry-After); the idempotency key makes it safe
    List<String> pending = new ArrayList<>(shed);
    for (int round = 0; round < 50 && !pending.isEmpty(); round++) {
      List<String> next = new ArrayList<>();
      for (String id : pending) {
        HttpResponse<Buffer> r = await(company
            .provider()
            .process(id, held, 10_000, "KES", "+254712345678", "2026-01-16T08:30:00Z"));
        if (r.statusCode() != 200) {
          assertEquals(503, r.statusCode(), r.bodyAsString());
          next.add(id);
        }
      }
      pending = next;
    }
    assertTrue(pending.isEmpty(), "every shed payment went through on a retry: " + pending);
    assertEquals(OFFERED, stored(ids), "each of the offered payments stored exactly once");
    BooksInvariant.check(gw.db, company.id());
  }

  @Test
  void onlyProvidersThatRedeliverAreShed() {
    assertNotNull(new GenericTelcoAdapter().busyAnswer("process"));
    assertEquals(
        503, new WaveTelcoAdapter().busyAnswer(WaveTelcoAdapter.WEBHOOK).status());
    // Daraja does not redeliver a confirmation reliably, and treats a non-200 validation as an
    // unreachable URL (its ResponseType decides): never shed
    assertNull(new SafaricomTelcoAdapter().busyAnswer("confirmation"));
    assertNull(new SafaricomTelcoAdapter().busyAnswer("validation"));
    assertNull(new VodacomTzTelcoAdapter().busyAnswer(VodacomTzTelcoAdapter.C2B));
  }

  private static long stored(Collection<String> providerTxnIds) {
    return gw.db.count(
        "SELECT count(*) FROM transactions WHERE company_id = ?::uuid AND provider = 'generic'"
            + " AND provider_txn_id = ANY (?)",
        company.id(),
        providerTxnIds.toArray(new String[0]));
  }
}
