package io.payg.gateway.logging;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One payment through the generic provider, followed in the JSON log by its transaction id, or by
 * the request id of the provider's call, from the telco call to the SMS: every line carries
 * company, provider and both transaction ids, and the jobs' lines the request id kept with them.
 */
class PaymentLogTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(PaymentLogTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void onePaymentIsFollowedByItsTransactionIdFromTheTelcoCallToTheSms() {
    GatewayFixture.Company acme = gw.company("Acme Energy");
    gw.meterCustomer(acme, "47000111222");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = jsonCapture(out);
    String txn;
    try {
      txn = GatewayFixture.ok(await(acme.provider()
              .process("LOG-1", "47000111222", 10_000, "KES", "+254700000001", null)))
          .getString("transactionId");
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the SMS line",
          () -> lines(out, txn).stream()
              .anyMatch(l -> l.getString("logger_name").endsWith("SmsJobHandler")));
    } finally {
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
    List<JsonObject> followed = lines(out, txn);
    List<String> loggers = followed.stream()
        .map(l -> l.getString("logger_name").replaceAll(".*\\.", ""))
        .toList();
    assertTrue(
        loggers.containsAll(List.of("TelcoRoutes", "TokenJobHandler", "SmsJobHandler")),
        loggers.toString());
    for (JsonObject line : followed) {
      assertEquals(acme.id(), line.getString("companyId"), line.encode());
      assertEquals("generic", line.getString("provider"), line.encode());
      assertEquals("LOG-1", line.getString("providerTxnId"), line.encode());
    }
    // the request's own lines carry its request id, the telco call before booking included
    List<JsonObject> telco = new ArrayList<>();
    for (String raw : out.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonObject l = new JsonObject(raw);
      if (l.getString("logger_name").endsWith("TelcoRoutes")
          && "LOG-1".equals(l.getString("providerTxnId"))) {
        telco.add(l);
      }
    }
    assertEquals(2, telco.size(), "received and booked: " + telco);
    assertNotNull(telco.get(0).getString("requestId"));
    assertEquals(telco.get(0).getString("requestId"), telco.get(1).getString("requestId"));
    assertEquals(
        null, telco.get(0).getString("transactionId"), "not booked yet when it was received");
  }

  @Test
  void onePaymentIsFollowedByItsRequestIdFromTheTelcoCallToTheSms() {
    GatewayFixture.Company acme = gw.company("Request Energy");
    gw.meterCustomer(acme, "47000555666");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = jsonCapture(out);
    String requestId = "req-" + UUID.randomUUID();
    String txn;
    try {
      txn = GatewayFixture.ok(await(acme.provider()
              .process(
                  "LOG-REQ-1",
                  "47000555666",
                  10_000,
                  "KES",
                  "+254700000003",
                  null,
                  Map.of("X-Request-Id", requestId))))
          .getString("transactionId");
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the SMS line",
          () -> byRequest(out, requestId).stream()
              .anyMatch(l -> l.getString("logger_name").endsWith("SmsJobHandler")));
    } finally {
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
    List<JsonObject> followed = byRequest(out, requestId);
    List<String> loggers = followed.stream()
        .map(l -> l.getString("logger_name").replaceAll(".*\\.", ""))
        .toList();
    // received, booked, token asked, token stored, SMS sent: one request id from the call to the
    // SMS
    // (the token job starts on its own thread as the payment commits: it may log before "booked")
    assertEquals(
        List.of(
            "SmsJobHandler", "TelcoRoutes", "TelcoRoutes", "TokenJobHandler", "TokenJobHandler"),
        loggers.stream().sorted().toList(),
        followed.toString());
    assertEquals("TelcoRoutes", loggers.get(0), "the call's line first");
    assertEquals("SmsJobHandler", loggers.get(loggers.size() - 1), "the SMS line last");
    for (JsonObject line : followed.subList(1, followed.size())) {
      assertEquals(txn, line.getString("transactionId"), line.encode());
    }
  }

  @Test
  void aTokenJobsRetryLinesCarryTheJobsRequestTransactionAndCompany() {
    GatewayFixture.Company acme = gw.company("Retry Energy");
    gw.meterCustomer(acme, "47000333444");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = jsonCapture(out);
    String requestId = "req-retry-" + UUID.randomUUID();
    String txn;
    try {
      gw.calin.setFailNext(2); // the manufacturer's outage: two vends answer 503, two retry lines
      txn = GatewayFixture.ok(await(acme.provider()
              .process(
                  "LOG-RETRY-1",
                  "47000333444",
                  10_000,
                  "KES",
                  "+254700000002",
                  null,
                  Map.of(RequestOrigin.HEADER, requestId))))
          .getString("transactionId");
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the SMS line after the retries",
          () -> lines(out, txn).stream()
              .anyMatch(l -> l.getString("logger_name").endsWith("SmsJobHandler")));
    } finally {
      gw.calin.setFailNext(0);
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
    List<JsonObject> retries = byRequest(out, requestId).stream()
        .filter(l -> l.getString("logger_name").endsWith("OutboxWorker"))
        .toList();
    assertEquals(2, retries.size(), retries.toString());
    for (JsonObject retry : retries) {
      assertTrue(retry.getString("message").contains("retrying"), retry.encode());
      assertEquals(txn, retry.getString("transactionId"), retry.encode());
      assertEquals(acme.id(), retry.getString("companyId"), retry.encode());
    }
  }

  @Test
  void aRecoveryClaimsLineCarriesTheJobsRequestTransactionAndCompany() throws Exception {
    GatewayFixture.Company acme = gw.company("Recovery Energy");
    gw.meterCustomer(acme, "47000777888");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = jsonCapture(out);
    String requestId = "req-recovery-" + UUID.randomUUID();
    String txn;
    gw.calin.setLatency(Duration.ofMillis(1500)); // the first vend is made at once, answered late
    try {
      txn = GatewayFixture.ok(await(acme.provider()
              .process(
                  "LOG-RECOVERY-1",
                  "47000777888",
                  10_000,
                  "KES",
                  "+254700000004",
                  null,
                  Map.of(RequestOrigin.HEADER, requestId))))
          .getString("transactionId");
      // the first attempt's lease runs out while its call is out (as when its instance dies): a
      // worker's poll claims the job again
      try (var conn =
              DriverManager.getConnection(gw.db.url().jdbcUrl(), gw.db.url().jdbcProperties());
          var st = conn.prepareStatement(
              "UPDATE outbox SET next_attempt_at = now() WHERE transaction_id = ?::uuid AND kind = 'TOKEN'")) {
        st.setString(1, txn);
        assertEquals(1, st.executeUpdate());
      }
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the SMS line after the recovery",
          () -> lines(out, txn).stream()
              .anyMatch(l -> l.getString("logger_name").endsWith("SmsJobHandler")));
    } finally {
      gw.calin.setLatency(Duration.ZERO);
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
    List<JsonObject> recovered = byRequest(out, requestId).stream()
        .filter(l -> l.getString("logger_name").endsWith("OutboxWorker"))
        .filter(l -> l.getString("message").contains("ran out unfinished"))
        .toList();
    assertEquals(1, recovered.size(), out.toString(StandardCharsets.UTF_8));
    assertEquals(txn, recovered.get(0).getString("transactionId"));
    assertEquals(acme.id(), recovered.get(0).getString("companyId"));
  }

  @Test
  void anAgentCashPaymentIsFollowedByItsRequestIdFromTheAgentCallToTheSms() {
    GatewayFixture.Company acme = gw.company("Cash Energy");
    GatewayFixture.Agent agent = gw.agent(acme, 50_000);
    String serial = "CASH-" + UUID.randomUUID().toString().substring(0, 8);
    GatewayFixture.ok(gw.post(
        "/api/v1/customers",
        acme.adminToken(),
        new JsonObject()
            .put("name", "Cash Customer")
            .put("phone", "+254711111112")
            .put("villageId", acme.villageId())
            .put("agentId", agent.id())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", acme.tariffId()))));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = jsonCapture(out);
    String requestId = "req-cash-" + UUID.randomUUID();
    String txn;
    try {
      HttpResponse<Buffer> paid = await(gw.http
          .postAbs(gw.base + "/api/v1/agent/payments")
          .bearerTokenAuthentication(agent.token())
          .putHeader("Idempotency-Key", "cash-log-1")
          .putHeader(RequestOrigin.HEADER, requestId)
          .sendJsonObject(
              new JsonObject().put("serial", serial).put("amount", 10_000).put("currency", "KES")));
      txn = GatewayFixture.ok(paid).getString("id");
      assertEquals(requestId, paid.getHeader(RequestOrigin.HEADER), "the request id echoed");
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the SMS line",
          () -> byRequest(out, requestId).stream()
              .anyMatch(l -> l.getString("logger_name").endsWith("SmsJobHandler")));
    } finally {
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
    List<JsonObject> followed = byRequest(out, requestId);
    List<String> loggers = followed.stream()
        .map(l -> l.getString("logger_name").replaceAll(".*\\.", ""))
        .sorted()
        .toList();
    // booked, token asked, token stored, SMS sent: one request id from the agent's call to the SMS
    assertEquals(
        List.of("PaymentService", "SmsJobHandler", "TokenJobHandler", "TokenJobHandler"),
        loggers,
        followed.toString());
    for (JsonObject line : followed) {
      assertEquals(txn, line.getString("transactionId"), line.encode());
      assertEquals(acme.id(), line.getString("companyId"), line.encode());
      assertEquals("cash", line.getString("provider"), line.encode());
    }
    assertEquals(
        followed.size(),
        lines(out, txn).size(),
        "every line of the transaction has the request id");
    // kept with both jobs, as a telco payment's
    for (String kind : List.of("TOKEN", "SMS")) {
      assertEquals(
          requestId,
          gw.db.text(
              "SELECT request_id FROM outbox WHERE transaction_id = ?::uuid AND kind = ?",
              txn,
              kind),
          kind);
    }
  }

  @Test
  void everyRequestGetsARequestIdAndAPlainOneIsKept() {
    HttpResponse<Buffer> fresh = await(gw.http.getAbs(gw.base + "/health/live").send());
    assertTrue(
        fresh.getHeader(RequestOrigin.HEADER).matches("[0-9a-f-]{36}"),
        fresh.headers().toString());
    HttpResponse<Buffer> kept = await(gw.http
        .getAbs(gw.base + "/health/live")
        .putHeader(RequestOrigin.HEADER, "lb-7f3a.1")
        .send());
    assertEquals("lb-7f3a.1", kept.getHeader(RequestOrigin.HEADER));
    // free text never reaches a log line or the outbox: a fresh id instead
    HttpResponse<Buffer> replaced = await(gw.http
        .getAbs(gw.base + "/health/live")
        .putHeader(RequestOrigin.HEADER, "a b\"c")
        .send());
    assertTrue(replaced.getHeader(RequestOrigin.HEADER).matches("[0-9a-f-]{36}"));
  }

  @Test
  void logFormatJsonSwitchesTheShippedConfigurationToTheLogstashEncoder() throws Exception {
    assertEquals("json", rootAppender("json").getName());
    assertInstanceOf(
        LogstashEncoder.class,
        ((OutputStreamAppender<ILoggingEvent>) rootAppender("json")).getEncoder());
    assertEquals("plain", rootAppender(null).getName(), "plain text unless asked");
  }

  /** The root logger's appender when the jar's own logback.xml is read with LOG_FORMAT set so. */
  private static ch.qos.logback.core.Appender<ILoggingEvent> rootAppender(String format)
      throws Exception {
    LoggerContext context = new LoggerContext();
    if (format != null) {
      context.putProperty("LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(PaymentLogTest.class.getResource("/logback.xml"));
    var appenders = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    var first = appenders.next();
    assertTrue(!appenders.hasNext(), "one appender");
    context.stop();
    return first;
  }

  private static List<JsonObject> byRequest(ByteArrayOutputStream out, String requestId) {
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .map(JsonObject::new)
        .filter(l -> requestId.equals(l.getString("requestId")))
        .toList();
  }

  private static List<JsonObject> lines(ByteArrayOutputStream out, String txn) {
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .map(JsonObject::new)
        .filter(l -> txn.equals(l.getString("transactionId")))
        .toList();
  }

  private static OutputStreamAppender<ILoggingEvent> jsonCapture(ByteArrayOutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("json-capture");
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    return appender;
  }
}
