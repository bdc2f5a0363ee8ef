package io.payg.sms.africastalking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.port.SmsMessage;
import io.payg.domain.port.SmsSendException;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Africa's Talking specifics the provider-neutral contract does not cover. */
@ExtendWith(VertxExtension.class)
class AfricasTalkingSmsSenderTest {

  private static final String SENT = """
      {"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: KES 0.8000","Recipients":[
      {"statusCode":%d,"number":"+254711000000","status":"%s","cost":"KES 0.8000",
      "messageId":"ATXid_abc"}]}}""";

  private Vertx vertx;
  private WebClient client;
  private AfricasTalkingSmsSender sender;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    client = WebClient.create(vertx, new WebClientOptions());
    sender = new AfricasTalkingSmsSender(client);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void postsTheDocumentedFormAndHeaders() throws Exception {
    Stub stub = await(Stub.start(vertx, 201, SENT.formatted(101, "Success")));
    try {
      Map<String, String> settings = new HashMap<>(settings(stub.baseUrl()));
      settings.put("senderId", "PAYG");

      assertEquals("ATXid_abc", send(message("+254711000000", "Token 1234", settings)));
      assertEquals("/version1/messaging", stub.path.get());
      MultiMap headers = stub.headers.get();
      assertEquals("secret", headers.get("apiKey"));
      assertEquals("application/json", headers.get("Accept"));
      assertTrue(headers.get("Content-Type").startsWith("application/x-www-form-urlencoded"));
      MultiMap form = stub.form.get();
      assertEquals("acme", form.get("username"));
      assertEquals("+254711000000", form.get("to"));
      assertEquals("Token 1234", form.get("message"));
      assertEquals("PAYG", form.get("from"));
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void noSenderIdMeansNoFrom() throws Exception {
    Stub stub = await(Stub.start(vertx, 201, SENT.formatted(101, "Success")));
    try {
      send(message("+254711000000", "hi", settings(stub.baseUrl())));
      assertNull(stub.form.get().get("from"));
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void queuedAndProcessedAreAccepted() throws Exception {
    for (int code : List.of(100, 102)) {
      Stub stub = await(Stub.start(vertx, 201, SENT.formatted(code, "Queued")));
      try {
        assertEquals("ATXid_abc", send(message("+254711000000", "hi", settings(stub.baseUrl()))));
      } finally {
        await(stub.server.close());
      }
    }
  }

  @Test
  void answersAreMappedToRetryability() throws Exception {
    assertEquals(false, retryableFor(201, SENT.formatted(403, "InvalidPhoneNumber")));
    assertEquals(false, retryableFor(201, SENT.formatted(406, "UserInBlacklist")));
    assertEquals(true, retryableFor(201, SENT.formatted(405, "InsufficientBalance")));
    assertEquals(true, retryableFor(201, SENT.formatted(500, "InternalServerError")));
    assertEquals(
        false,
        retryableFor(
            201, "{\"SMSMessageData\":{\"Message\":\"InvalidSenderId\",\"Recipients\":[]}}"));
    assertEquals(false, retryableFor(201, "<xml/>"));
    assertEquals(false, retryableFor(401, "The supplied authentication is invalid"));
    assertEquals(true, retryableFor(503, "down"));
  }

  @Test
  void incompleteSettingsAreNotRetryable() {
    SmsSendException e = failure(message(
        "+254711000000", "hi", Map.of("baseUrl", "http://127.0.0.1:1", "username", "acme")));
    assertFalse(e.retryable());
  }

  @Test
  void simulatorRecordsEachRecipientOfACommaList() throws Exception {
    AfricasTalkingSimulator sim = await(AfricasTalkingSimulator.start(vertx, 0));
    try {
      String id = send(message("+254711000001,+254711000002", "hi", sim.settings()));

      assertEquals(2, sim.messages().size());
      assertEquals(
          new AfricasTalkingSimulator.Sms("+254711000001", "hi", id),
          sim.messages().get(0));
    } finally {
      await(sim.stop());
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private boolean retryableFor(int status, String body) throws Exception {
    Stub stub = await(Stub.start(vertx, status, body));
    try {
      return failure(message("+254711000000", "hi", settings(stub.baseUrl()))).retryable();
    } finally {
      await(stub.server.close());
    }
  }

  private static Map<String, String> settings(String baseUrl) {
    return Map.of("baseUrl", baseUrl, "username", "acme", "apiKey", "secret");
  }

  private static SmsMessage message(String to, String text, Map<String, String> settings) {
    return new SmsMessage("sms-1", to, text, settings);
  }

  private String send(SmsMessage message) throws Exception {
    return sender.send(message).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private SmsSendException failure(SmsMessage message) {
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> sender.send(message).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(SmsSendException.class, e.getCause());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A fixed-answer HTTP peer that captures what the sender sent. */
  private record Stub(
      HttpServer server,
      AtomicReference<String> path,
      AtomicReference<MultiMap> headers,
      AtomicReference<MultiMap> form) {

    static Future<Stub> start(Vertx vertx, int status, String answer) {
      AtomicReference<String> path = new AtomicReference<>();
      AtomicReference<MultiMap> headers = new AtomicReference<>();
      AtomicReference<MultiMap> form = new AtomicReference<>();
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create());
      router.route().handler(ctx -> {
        path.set(ctx.request().path());
        headers.set(MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()));
        form.set(MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().formAttributes()));
        ctx.response().setStatusCode(status).end(answer);
      });
      return vertx
          .createHttpServer()
          .requestHandler(router)
          .listen(0, "127.0.0.1")
          .map(server -> new Stub(server, path, headers, form));
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.actualPort();
    }
  }
}
