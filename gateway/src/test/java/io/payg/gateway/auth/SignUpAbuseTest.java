package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a stranger on the internet can learn and cost through the public sign-up and login: not
 * which emails have accounts, not more than a few bcrypt jobs at once, not more than
 * SIGNUPS_PER_SOURCE_PER_HOUR companies.
 */
class SignUpAbuseTest {

  static GatewayFixture open;
  static GatewayFixture tight;

  @BeforeAll
  static void start() throws Exception {
    open = new GatewayFixture(SignUpAbuseTest.class);
    tight = new GatewayFixture(
        SignUpAbuseTest.class,
        Map.of(
            "SIGNUPS_PER_SOURCE_PER_HOUR",
            "2",
            "UNAUTHENTICATED_BCRYPT_JOBS",
            "1",
            "BCRYPT_COST",
            "12"));
  }

  @AfterAll
  static void stop() {
    open.close();
    tight.close();
  }

  static JsonObject signUp(String name, String email, String password) {
    return new JsonObject()
        .put("name", name)
        .put("country", "KE")
        .put("currency", "KES")
        .put("admin", new JsonObject().put("email", email).put("password", password))
        .put("plugins", new JsonArray().add("generic"));
  }

  @Test
  void aTakenEmailGetsTheSameAnswerAndTheOwnerIsUntouched() {
    String email = "owner-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> fresh =
        open.post("/api/v1/companies", null, signUp("Owner Co", email, "owner password 1"));
    HttpResponse<Buffer> taken = open.post(
        "/api/v1/companies", null, signUp("Squatter Co", email.toUpperCase(), "squatter password"));
    assertEquals(201, fresh.statusCode());
    assertEquals(201, taken.statusCode(), taken.bodyAsString());
    assertEquals(fresh.bodyAsJsonObject().fieldNames(), taken.bodyAsJsonObject().fieldNames());
    assertEquals(fresh.getHeader("Content-Type"), taken.getHeader("Content-Type"));
    assertNotEquals(
        fresh.bodyAsJsonObject().getString("companyId"),
        taken.bodyAsJsonObject().getString("companyId"));

    // nothing was created for the second sign-up; the owner's account and company are as they were
    assertEquals(
        1, open.db.count("SELECT count(*) FROM users WHERE lower(email) = lower(?)", email));
    assertEquals(0, open.db.count("SELECT count(*) FROM companies WHERE name = 'Squatter Co'"));
    assertEquals(
        0,
        open.db.count(
            "SELECT count(*) FROM companies WHERE id = ?::uuid",
            taken.bodyAsJsonObject().getString("companyId")));
    JsonObject session = ok(open.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("email", email).put("password", "owner password 1")));
    assertEquals(fresh.bodyAsJsonObject().getString("companyId"), session.getString("companyId"));
    assertEquals(
        401,
        open.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", email).put("password", "squatter password"))
            .statusCode());
  }

  @Test
  void aSourceSignsUpAtMostItsHourlyNumberOfCompanies() {
    long before = tight.db.count("SELECT count(*) FROM companies");
    for (int i = 0; i < 2; i++) {
      assertEquals(
          201,
          tight
              .post(
                  "/api/v1/companies",
                  null,
                  signUp(
                      "Rate " + i, "rate-" + UUID.randomUUID() + "@example.com", "rate password 1"))
              .statusCode());
    }
    HttpResponse<Buffer> third = tight.post(
        "/api/v1/companies",
        null,
        signUp("Rate 3", "rate-" + UUID.randomUUID() + "@example.com", "rate password 1"));
    assertEquals(429, third.statusCode(), third.bodyAsString());
    assertEquals("TOO_MANY_SIGNUPS", third.bodyAsJsonObject().getString("code"));
    long retryAfter = Long.parseLong(third.getHeader("Retry-After"));
    assertTrue(retryAfter > 3000 && retryAfter <= 3600, "about an hour: " + retryAfter);
    assertEquals(before + 2, tight.db.count("SELECT count(*) FROM companies"));
  }

  @Test
  void moreConcurrentLoginsThanTheBcryptLimitAreRefusedWith429() {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(tight
          .http
          .postAbs(tight.base + "/api/v1/auth/login")
          .sendJsonObject(new JsonObject()
              .put("email", "nobody-" + i + "-" + UUID.randomUUID() + "@example.com")
              .put("password", "guess number " + i)));
    }
    List<Integer> statuses = new ArrayList<>();
    String retryAfter = null;
    for (Future<HttpResponse<Buffer>> f : all) {
      HttpResponse<Buffer> r = await(f);
      statuses.add(r.statusCode());
      if (r.statusCode() == 429) {
        assertEquals("BUSY", r.bodyAsJsonObject().getString("code"));
        retryAfter = r.getHeader("Retry-After");
      }
    }
    assertTrue(statuses.contains(401), statuses.toString());
    assertTrue(statuses.contains(429), statuses.toString());
    assertEquals("1", retryAfter);
    // once the burst is over, a login is checked again
    assertEquals(
        401,
        tight
            .post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", "later@example.com").put("password", "guess again"))
            .statusCode());
  }
}
