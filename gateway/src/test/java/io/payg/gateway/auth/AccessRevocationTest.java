package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A disabled, demoted or re-passworded user's access token is refused within seconds on every
 * instance (not after its 15 minutes), without a query per request; clock skew is tolerated.
 */
class AccessRevocationTest {

  static GatewayFixture gw;
  static GatewayApp second;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AccessRevocationTest.class, Map.of("REVOCATION_POLL_MS", "200"));
    company = gw.company("Revoking");
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_HOST",
        "127.0.0.1",
        "HTTP_PORT",
        "0",
        "BCRYPT_COST",
        "4",
        "EVENT_LOOPS",
        "1",
        "SECRETS_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "REVOCATION_POLL_MS",
        "200",
        "JWT_PRIVATE_KEY",
        GatewayFixture.JWT_KEYS.privateKeyPem(),
        "JWT_PUBLIC_KEY",
        GatewayFixture.JWT_KEYS.publicKeyPem()));
    env.put("DATABASE_URL", gw.db.url().toUrl());
    env.putAll(GatewayFixture.LOOPBACK_PEERS);
    second = GatewayApp.start(GatewayConfig.fromEnv(env, false), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    second.close();
    gw.close();
  }

  private static String[] user(String role) {
    String email = role.toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
    String id = ok(gw.post(
            "/api/v1/users",
            company.adminToken(),
            new JsonObject()
                .put("email", email)
                .put("password", "user password 1")
                .put("role", role)))
        .getString("id");
    return new String[] {id, gw.login(email, "user password 1")};
  }

  private static int customers(String base, String token) {
    HttpResponse<Buffer> r = GatewayFixture.await(gw.http
        .getAbs(base + "/api/v1/transactions")
        .bearerTokenAuthentication(token)
        .send());
    return r.statusCode();
  }

  @Test
  void aDisabledUsersAccessTokenIsRefusedAtOnceHereAndWithinSecondsElsewhere() {
    String[] op = user("OPERATOR");
    String elsewhere = "http://127.0.0.1:" + second.port();
    assertEquals(200, customers(gw.base, op[1]));
    assertEquals(200, customers(elsewhere, op[1]));
    ok(gw.patch(
        "/api/v1/users/" + op[0], company.adminToken(), new JsonObject().put("disabled", true)));
    assertEquals(
        401, customers(gw.base, op[1]), "refused at once on the instance that made the change");
    GatewayFixture.eventually(
        Duration.ofSeconds(5),
        "refused on the other instance within its poll",
        () -> customers(elsewhere, op[1]) == 401);
  }

  @Test
  void aDemotedUsersOldTokenIsRefusedAndAFreshOneCarriesTheNewRole() throws Exception {
    String[] op = user("OPERATOR");
    assertEquals(200, customers(gw.base, op[1]));
    ok(gw.patch(
        "/api/v1/users/" + op[0], company.adminToken(), new JsonObject().put("role", "AGENT")));
    assertEquals(401, customers(gw.base, op[1]));
    Thread.sleep(1_100); // iat has whole seconds: a token of the next second
    String email = gw.db.text("SELECT email FROM users WHERE id = ?::uuid", op[0]);
    String fresh = gw.login(email, "user password 1");
    assertEquals(
        403,
        customers(gw.base, fresh),
        "the new token is an agent's: not allowed there, but authenticated");
  }

  @Test
  void aFewSecondsOfClockSkewAreTolerated() {
    TestTokens tokens = new TestTokens(GatewayFixture.JWT_KEYS);
    String admin = gw.db.text(
        "SELECT id::text FROM users WHERE company_id = ?::uuid AND role = 'ADMIN' LIMIT 1",
        company.id());
    assertEquals(200, customers(gw.base, tokens.expiredAgo(admin, company.id(), "ADMIN", 10)));
    assertEquals(401, customers(gw.base, tokens.expiredAgo(admin, company.id(), "ADMIN", 120)));
  }
}
