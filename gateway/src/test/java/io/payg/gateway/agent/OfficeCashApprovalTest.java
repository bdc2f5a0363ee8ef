package io.payg.gateway.agent;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Office cash above the company's threshold waits for a second person: held (nothing allocated,
 * nothing vended, on the books as pending), approved by another ADMIN exactly once however many
 * approve at the same time, or rejected; never decided by the one who recorded it.
 */
class OfficeCashApprovalTest {

  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static String adminA;
  static String adminB;
  static String adminBId;
  static String operator;
  static String operatorId;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(OfficeCashApprovalTest.class);
    co = gw.company("Two Keys Energy");
    adminA = co.adminToken();
    String emailB = "admin-b-" + UUID.randomUUID() + "@example.com";
    adminBId = ok(gw.post(
            "/api/v1/users",
            adminA,
            new JsonObject()
                .put("email", emailB)
                .put("password", "second admin pw 1")
                .put("role", "ADMIN")))
        .getString("id");
    adminB = gw.login(emailB, "second admin pw 1");
    String emailO = "op-" + UUID.randomUUID() + "@example.com";
    operatorId = ok(gw.post(
            "/api/v1/users",
            adminA,
            new JsonObject()
                .put("email", emailO)
                .put("password", "operator password 1")
                .put("role", "OPERATOR")))
        .getString("id");
    operator = gw.login(emailO, "operator password 1");
    ok(gw.put("/api/v1/payments/cash/approval", adminA, new JsonObject().put("threshold", 50_000)));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static HttpResponse<Buffer> cash(String token, String key, String serial, long amount) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/payments/cash")
        .bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(
            new JsonObject().put("serial", serial).put("amount", amount).put("currency", "KES")));
  }

  static String meter() {
    String serial = "OCA-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    gw.meterCustomer(co, serial);
    return serial;
  }

  static long credit(String serial) {
    return gw.db.count("SELECT credit FROM devices WHERE serial = ?", serial);
  }

  static JsonObject cashBooks() {
    return ok(gw.get("/api/v1/books?provider=cash", adminA)).getJsonArray("totals").stream()
        .map(o -> (JsonObject) o)
        .findFirst()
        .orElse(new JsonObject());
  }

  @Test
  void aboveTheThresholdTheCashIsHeldUntilAnotherAdminApprovesItOnce() {
    assertEquals(
        50_000L, ok(gw.get("/api/v1/payments/cash/approval", operator)).getLong("threshold"));
    // at or below the threshold: processed at once, as before
    JsonObject booksBefore = cashBooks();
    long pendingBefore = booksBefore.getLong("pendingApproval", 0L);
    long receivedBefore = booksBefore.getLong("received", 0L);
    long listedBefore =
        ok(gw.get("/api/v1/payments/cash/pending", operator)).getLong("pendingTotal");
    String small = meter();
    assertEquals(
        201, cash(operator, "small-" + UUID.randomUUID(), small, 50_000).statusCode());

    String serial = meter();
    long before = credit(serial);
    String key = "big-" + UUID.randomUUID();
    HttpResponse<Buffer> held = cash(operator, key, serial, 120_000);
    assertEquals(202, held.statusCode(), held.bodyAsString());
    JsonObject pending = held.bodyAsJsonObject();
    assertEquals("PENDING_APPROVAL", pending.getString("status"));
    assertEquals(operatorId, pending.getString("recordedBy"));
    String id = pending.getString("id");
    // nothing allocated, nothing vended, and the money is on the books as pending
    assertEquals(before, credit(serial));
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM outbox o JOIN transactions t ON t.id = o.transaction_id "
                + "WHERE t.serial = ?",
            serial));
    JsonObject books = cashBooks();
    assertEquals(pendingBefore + 120_000L, books.getLong("pendingApproval"));
    assertEquals(true, books.getBoolean("balanced"), books.encode());
    BooksInvariant.Line line = BooksInvariant.check(gw.db, co.id()).stream()
        .filter(l -> l.provider().equals("cash"))
        .findFirst()
        .orElseThrow();
    assertEquals(pendingBefore + 120_000L, line.pendingApproval());
    // the same key again is the same held payment; with another amount it is refused
    assertEquals(id, cash(operator, key, serial, 120_000).bodyAsJsonObject().getString("id"));
    assertEquals(409, cash(operator, key, serial, 130_000).statusCode());
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM office_cash_pending WHERE serial = ?", serial));
    // every pending amount is visible
    JsonObject list = ok(gw.get("/api/v1/payments/cash/pending", operator));
    assertEquals(listedBefore + 120_000L, list.getLong("pendingTotal"));
    assertTrue(list.getJsonArray("items").encode().contains(id));

    // an operator cannot approve; both admins (neither recorded it) approve at once, several times
    assertEquals(
        403,
        gw.post("/api/v1/payments/cash/" + id + "/approve", operator, new JsonObject())
            .statusCode());
    List<Future<HttpResponse<Buffer>>> approvals = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      approvals.add(gw.http
          .postAbs(gw.base + "/api/v1/payments/cash/" + id + "/approve")
          .bearerTokenAuthentication(i % 2 == 0 ? adminA : adminB)
          .sendJsonObject(new JsonObject()));
    }
    await(Future.join(approvals));
    Set<String> transactions = approvals.stream()
        .map(f -> {
          HttpResponse<Buffer> r = f.result();
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return r.bodyAsJsonObject().getString("id");
        })
        .collect(Collectors.toSet());
    assertEquals(1, transactions.size(), "one transaction for all approvals");
    String txn = transactions.iterator().next();
    assertEquals(1, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial));
    assertEquals(
        "approved:" + operatorId + ":" + key,
        gw.db.text("SELECT provider_txn_id FROM transactions WHERE id = ?::uuid", txn));
    assertTrue(
        credit(serial) > before
            || gw.db.count("SELECT count(*) FROM allocations WHERE transaction_id = ?::uuid", txn)
                > 0,
        "the money is allocated now");
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'office_cash.approved' AND entity_id = ?",
            id));
    JsonObject approved = ok(gw.get("/api/v1/payments/cash/pending?status=APPROVED", adminA))
        .getJsonArray("items")
        .stream()
        .map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals(id))
        .findFirst()
        .orElseThrow();
    assertEquals(txn, approved.getString("transactionId"));
    assertEquals(
        listedBefore, ok(gw.get("/api/v1/payments/cash/pending", adminA)).getLong("pendingTotal"));
    JsonObject after = cashBooks();
    assertEquals(pendingBefore, after.getLong("pendingApproval"));
    assertEquals(receivedBefore + 170_000L, after.getLong("received"));
    assertEquals(true, after.getBoolean("balanced"));
    BooksInvariant.check(gw.db, co.id());
    // a reject after the approval is refused
    assertEquals(
        409,
        gw.post(
                "/api/v1/payments/cash/" + id + "/reject",
                adminB,
                new JsonObject().put("reason", "x"))
            .statusCode());
  }

  @Test
  void theRecorderCannotDecideTheirOwnAndARejectionHandsTheCashBack() {
    String serial = meter();
    HttpResponse<Buffer> held = cash(adminA, "own-" + UUID.randomUUID(), serial, 90_000);
    assertEquals(202, held.statusCode(), held.bodyAsString());
    String id = held.bodyAsJsonObject().getString("id");
    assertEquals(
        403,
        gw.post("/api/v1/payments/cash/" + id + "/approve", adminA, new JsonObject())
            .statusCode());
    assertEquals(
        403,
        gw.post(
                "/api/v1/payments/cash/" + id + "/reject",
                adminA,
                new JsonObject().put("reason", "mine"))
            .statusCode());
    assertEquals(
        400,
        gw.post("/api/v1/payments/cash/" + id + "/reject", adminB, new JsonObject())
            .statusCode(),
        "a reason is required");
    JsonObject rejected = ok(gw.post(
        "/api/v1/payments/cash/" + id + "/reject",
        adminB,
        new JsonObject().put("reason", "counted twice")));
    assertEquals("REJECTED", rejected.getString("status"));
    assertEquals(adminBId, rejected.getString("decidedBy"));
    assertEquals(
        409,
        gw.post("/api/v1/payments/cash/" + id + "/approve", adminB, new JsonObject())
            .statusCode());
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'office_cash.rejected' AND entity_id = ?",
            id));
    BooksInvariant.check(gw.db, co.id());
    assertTrue(cashBooks().getLong("returned") >= 90_000L);

    // a held payment for an unknown serial is never held; bad settings are refused
    assertEquals(
        404,
        cash(operator, "nodev-" + UUID.randomUUID(), "NO-SUCH-" + UUID.randomUUID(), 90_000)
            .statusCode());
    assertEquals(
        400,
        gw.put("/api/v1/payments/cash/approval", adminA, new JsonObject().put("threshold", -1))
            .statusCode());
    assertEquals(
        400, gw.put("/api/v1/payments/cash/approval", adminA, new JsonObject()).statusCode());
    assertEquals(
        403,
        gw.put("/api/v1/payments/cash/approval", operator, new JsonObject().put("threshold", 1))
            .statusCode());
    assertEquals(
        400, gw.get("/api/v1/payments/cash/pending?status=LOST", adminA).statusCode());
  }

  @Test
  void anotherCompanySeesAndDecidesNothing() {
    String serial = meter();
    String id = cash(operator, "tenant-" + UUID.randomUUID(), serial, 70_000)
        .bodyAsJsonObject()
        .getString("id");
    GatewayFixture.Company other = gw.company("Other Office");
    assertEquals(
        404,
        gw.post("/api/v1/payments/cash/" + id + "/approve", other.adminToken(), new JsonObject())
            .statusCode());
    assertEquals(
        404,
        gw.post(
                "/api/v1/payments/cash/" + id + "/reject",
                other.adminToken(),
                new JsonObject().put("reason", "x"))
            .statusCode());
    JsonObject theirs = ok(gw.get("/api/v1/payments/cash/pending", other.adminToken()));
    assertEquals(0, theirs.getJsonArray("items").size());
    assertEquals(0L, theirs.getLong("pendingTotal"));
    assertNull(
        ok(gw.get("/api/v1/payments/cash/approval", other.adminToken())).getLong("threshold"));
    assertEquals(
        "PENDING_APPROVAL",
        gw.db.text("SELECT status FROM office_cash_pending WHERE id = ?::uuid", id));
  }
}
