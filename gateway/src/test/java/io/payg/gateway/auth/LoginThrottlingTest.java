package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Password guessing against the login: in parallel, across emails, and against a victim. */
class LoginThrottlingTest {

  static GatewayFixture gw;
  static GatewayFixture.Company acme;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(LoginThrottlingTest.class);
    acme = gw.company("Throttle Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void parallelGuessesGetNoMoreTriesThanSequentialOnesAndTheVictimStillLogsInLater()
      throws Exception {
    String email = "victim-" + UUID.randomUUID() + "@example.com";
    GatewayFixture.ok(gw.post(
        "/api/v1/users",
        acme.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "the right password")
            .put("role", "OPERATOR")));
    List<Future<HttpResponse<Buffer>>> guesses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      guesses.add(gw.http
          .postAbs(gw.base + "/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("email", email).put("password", "guess " + i)));
    }
    await(Future.join(guesses));
    long checked = guesses.stream().filter(f -> f.result().statusCode() == 401).count();
    long refused = guesses.stream().filter(f -> f.result().statusCode() == 429).count();
    assertEquals(30, checked + refused);
    assertTrue(
        checked <= LoginAttempts.EMAIL.free(),
        checked + " of 30 parallel guesses had their password checked");
    // the state is in the database, where every instance reads it
    assertEquals(
        checked,
        gw.db.count("SELECT failures FROM login_attempts WHERE key = ?", "email:" + email));

    // a delay, not a lock: once it has passed, the right password works, and the count starts
    // afresh
    HttpResponse<Buffer> refusedNow = gw.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("email", email).put("password", "the right password"));
    assertEquals(429, refusedNow.statusCode());
    long wait = Long.parseLong(refusedNow.getHeader("Retry-After"));
    assertTrue(wait >= 1 && wait <= LoginAttempts.EMAIL.cap().toSeconds(), "Retry-After " + wait);
    Thread.sleep(wait * 1000 + 200);
    assertEquals(
        200,
        gw.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", email).put("password", "the right password"))
            .statusCode());
    assertEquals(
        0, gw.db.count("SELECT failures FROM login_attempts WHERE key = ?", "email:" + email));
  }

  @Test
  void oneSourceAddressSprayingManyEmailsIsSlowedDown() {
    // this class's other logins came from the same address: start from what the database counts
    long before = gw.db.count(
        "SELECT COALESCE(max(failures), 0) FROM login_attempts WHERE key = 'source:127.0.0.1'");
    int refusedAt = -1;
    for (int i = 0; i < LoginAttempts.SOURCE.free() + 5 && refusedAt < 0; i++) {
      int status = gw.post(
              "/api/v1/auth/login",
              null,
              new JsonObject()
                  .put("email", "spray-" + UUID.randomUUID() + "@example.com")
                  .put("password", "guess"))
          .statusCode();
      if (status == 429) {
        refusedAt = i;
      } else {
        assertEquals(401, status);
      }
    }
    assertEquals(
        LoginAttempts.SOURCE.free() - before,
        refusedAt,
        "the source is slowed after its free failures, whatever the emails");
  }
}
