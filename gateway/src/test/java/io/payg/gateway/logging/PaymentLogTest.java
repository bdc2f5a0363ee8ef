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
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    String requestId = "req-" + java.util.UUID.randomUUID();
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
                  java.util.Map.of("X-Request-Id", requestId))))
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
  void aTokenJobsRetryLineIsFollowedByTheTransactionIdToo() {
    GatewayFixture.Company acme = gw.company("Retry Energy");
    gw.meterCustomer(acme, "47000333444");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = jsonCapture(out);
    String txn;
    try {
      gw.calin.setFailNext(1); // the first vend answers 503: the worker logs a retry
      txn = GatewayFixture.ok(await(acme.provider()
              .process("LOG-RETRY-1", "47000333444", 10_000, "KES", "+254700000002", null)))
          .getString("transactionId");
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the SMS line after the retry",
          () -> lines(out, txn).stream()
              .anyMatch(l -> l.getString("logger_name").endsWith("SmsJobHandler")));
    } finally {
      gw.calin.setFailNext(0);
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
    List<JsonObject> retries = lines(out, txn).stream()
        .filter(l -> l.getString("logger_name").endsWith("OutboxWorker"))
        .toList();
    assertTrue(!retries.isEmpty(), "the retry line carries the transaction id");
    assertTrue(retries.get(0).getString("message").contains("retrying"), retries.toString());
    assertEquals(acme.id(), retries.get(0).getString("companyId"));
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
