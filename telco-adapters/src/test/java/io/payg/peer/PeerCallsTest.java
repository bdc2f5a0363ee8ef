package io.payg.peer;

import static io.payg.telco.support.Stages.await;
import static io.payg.telco.support.Stages.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.peer.OutboundRefusal;
import io.payg.domain.peer.PluginSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The peer kit against a real HTTP peer on loopback: what is retryable, what is final, the token retry. */
class PeerCallsTest {

  /** A port's failure as adapters have them: a reason and whether to try again. */
  static final class PortFailure extends RuntimeException {
    final boolean retryable;

    PortFailure(String reason, boolean retryable, Throwable cause) {
      super(reason, cause);
      this.retryable = retryable;
    }
  }

  /** The gateway's policy refusal, as the adapters see it: only through the domain hook. */
  static final class PolicyRefusal extends RuntimeException implements OutboundRefusal {
    private final boolean permanent;

    PolicyRefusal(boolean permanent) {
      super("refused by policy");
      this.permanent = permanent;
    }

    @Override
    public boolean permanent() {
      return permanent;
    }
  }

  Vertx vertx;
  WebClient client;
  HttpServer server;
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicInteger grants = new AtomicInteger();
  volatile int status = 200;
  PeerCalls calls;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    server = await(vertx
        .createHttpServer()
        .requestHandler(req -> {
          if (req.path().equals("/token")) {
            req.response()
                .putHeader("Content-Type", "application/json")
                .end(
                    "{\"access_token\":\"t-" + grants.incrementAndGet() + "\",\"expires_in\":300}");
            return;
          }
          String auth = req.getHeader("Authorization");
          authorizations.add(String.valueOf(auth));
          boolean revoked = "Bearer t-1".equals(auth) && req.path().equals("/revoked");
          req.response()
              .setStatusCode(revoked ? 401 : status)
              .end("line one\r\nforged: line\u0085");
        })
        .listen(0, "127.0.0.1"));
    calls = new PeerCalls("peer", PortFailure::new, LoggerFactory.getLogger(PeerCallsTest.class));
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
    client.close();
    await(vertx.close());
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  PortFailure failed(Future<?> f) {
    return assertInstanceOf(PortFailure.class, failure(f.toCompletionStage()));
  }

  @Test
  void transientStatusesAreRetryableOthersFinalWithASafeSnippet() throws Exception {
    status = 503;
    PortFailure unavailable =
        failed(calls.accepted("vend", "k-1", () -> client.getAbs(url("/x")).send()));
    assertTrue(unavailable.retryable);
    assertEquals("peer vend HTTP 503", unavailable.getMessage());

    status = 404;
    PortFailure missing =
        failed(calls.accepted("vend", "k-1", () -> client.getAbs(url("/x")).send()));
    assertFalse(missing.retryable);
    assertEquals("peer vend HTTP 404: line one  forged: line", missing.getMessage());

    status = 200;
    assertEquals(
        200,
        await(calls.accepted("vend", "k-1", () -> client.getAbs(url("/x")).send()))
            .statusCode());
    PortFailure notJson = failed(calls
        .accepted("vend", "k-1", () -> client.getAbs(url("/x")).send())
        .compose(r -> calls.json(r, "vend")));
    assertFalse(notJson.retryable);
  }

  @Test
  void aPeerThatCannotBeReachedIsRetryableAMalformedUrlAndUnusableSettingsAreNot()
      throws Exception {
    int port = server.actualPort();
    await(server.close());
    PortFailure refused = failed(calls.call(
        "vend", "k-1", () -> client.getAbs("http://127.0.0.1:" + port + "/x").send()));
    assertTrue(refused.retryable);

    PortFailure malformed =
        failed(calls.call("vend", "k-1", () -> client.getAbs("not a url").send()));
    assertFalse(malformed.retryable);

    PortFailure unusable = failed(calls.checked(() -> Future.succeededFuture(
        new PluginSettings("peer", Map.of("timeoutMs", "x")).timeoutMs("timeoutMs", 1))));
    assertFalse(unusable.retryable);
    assertEquals("peer setting timeoutMs is not a number", unusable.getMessage());
  }

  @Test
  void theOutboundPolicysPermanentRefusalIsFinalItsLimitsAreNot() {
    PortFailure permanent =
        failed(calls.call("vend", "k-1", () -> Future.failedFuture(new PolicyRefusal(true))));
    assertFalse(permanent.retryable);
    assertInstanceOf(PolicyRefusal.class, permanent.getCause());

    PortFailure limit =
        failed(calls.call("vend", "k-1", () -> Future.failedFuture(new PolicyRefusal(false))));
    assertTrue(limit.retryable);
  }

  @Test
  void aBearerTokenIsSharedAndARefusedOneReplacedOnce() throws Exception {
    byte[] credentials = TokenCache.digest("id", "secret");
    for (String path : List.of("/a", "/b")) {
      assertEquals(
          200,
          await(calls.authorized(
                  "call",
                  "k",
                  "client",
                  credentials,
                  this::grant,
                  token -> client
                      .getAbs(url(path))
                      .putHeader("Authorization", "Bearer " + token)
                      .send()))
              .statusCode());
    }
    assertEquals(1, grants.get(), "one grant for both calls");

    assertEquals(
        200,
        await(calls.authorized(
                "call",
                "k",
                "client",
                credentials,
                this::grant,
                token -> client
                    .getAbs(url("/revoked"))
                    .putHeader("Authorization", "Bearer " + token)
                    .send()))
            .statusCode());
    assertEquals(2, grants.get(), "the refused token was replaced");
    assertEquals(List.of("Bearer t-1", "Bearer t-1", "Bearer t-1", "Bearer t-2"), authorizations);
  }

  private Future<TokenCache.Fetched> grant() {
    return client
        .postAbs(url("/token"))
        .send()
        .map(r -> new TokenCache.Fetched(r.bodyAsJsonObject().getString("access_token"), 300));
  }
}
