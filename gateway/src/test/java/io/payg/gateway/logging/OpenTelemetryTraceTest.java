package io.payg.gateway.logging;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OTEL_EXPORTER=otlp: the gateway's spans reach an OTLP/HTTP receiver (a Vert.x server on
 * loopback standing in for a collector, decoding the protobuf the exporter posts to
 * {@code /v1/traces}, https://opentelemetry.io/docs/specs/otlp/#otlphttp), and one telco payment
 * is one trace, from the provider's traceparent through the manufacturer call.
 */
class OpenTelemetryTraceTest {

  static Vertx collectorVertx;
  static HttpServer collector;
  static final Queue<Span> spans = new ConcurrentLinkedQueue<>();
  static final Queue<String> services = new ConcurrentLinkedQueue<>();
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    collectorVertx = Vertx.vertx();
    collector = await(collectorVertx
        .createHttpServer()
        .requestHandler(req -> {
          if (!"/v1/traces".equals(req.path())) {
            req.response().setStatusCode(404).end();
            return;
          }
          req.body().onSuccess(body -> {
            try {
              ExportTraceServiceRequest export =
                  ExportTraceServiceRequest.parseFrom(body.getBytes());
              for (ResourceSpans rs : export.getResourceSpansList()) {
                rs.getResource().getAttributesList().stream()
                    .filter(a -> "service.name".equals(a.getKey()))
                    .forEach(a -> services.add(a.getValue().getStringValue()));
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                  spans.addAll(ss.getSpansList());
                }
              }
              req.response()
                  .putHeader("Content-Type", "application/x-protobuf")
                  .end(Buffer.buffer(
                      ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
            } catch (Exception e) {
              req.response().setStatusCode(400).end();
            }
          });
        })
        .listen(0, "127.0.0.1"));
    gw = new GatewayFixture(
        OpenTelemetryTraceTest.class,
        Map.of(
            "OTEL_EXPORTER",
            "otlp",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://127.0.0.1:" + collector.actualPort()));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    collectorVertx.close();
  }

  @Test
  void oneTelcoPaymentIsOneTraceFromTheProvidersTraceparentThroughTheManufacturerCall() {
    GatewayFixture.Company company = gw.company("Otel Energy");
    String serial = "OTEL-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    String traceId = UUID.randomUUID().toString().replace("-", "");
    String providerSpan = traceId.substring(0, 16);
    String id = ok(await(company
            .provider()
            .process(
                "OTEL-1",
                serial,
                10_000,
                "KES",
                "+254700000009",
                null,
                Map.of("traceparent", "00-" + traceId + "-" + providerSpan + "-01"))))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(20),
        "token stored",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));

    // the simulator's base URL ends in its port
    String calinPort = gw.calin.settings().get("baseUrl").replaceAll(".*:(\\d+).*", "$1");
    eventually(
        Duration.ofSeconds(30),
        "the inbound request's span and the manufacturer call's span exported",
        () -> inbound(traceId) != null && manufacturerCall(traceId, calinPort) != null);
    Span inbound = inbound(traceId);
    Span call = manufacturerCall(traceId, calinPort);
    assertEquals(
        providerSpan, hex(inbound.getParentSpanId().toByteArray()), "under the provider's span");
    assertEquals(
        hex(inbound.getSpanId().toByteArray()),
        hex(call.getParentSpanId().toByteArray()),
        "the manufacturer call under the payment's request: " + describe(traceId));
    // the manufacturer was sent the call's own span, once (no second traceparent of ours)
    String sent = "00-" + traceId + "-" + hex(call.getSpanId().toByteArray()) + "-01";
    assertEquals(
        List.of(sent),
        gw.calin.traceparents().stream().filter(t -> t.contains(traceId)).toList());
    assertEquals(
        List.of("payg-gateway"), services.stream().distinct().toList(), "OTEL_SERVICE_NAME");
    // the stored trace is the request's span: a job claimed later hangs under it too
    assertEquals(
        "00-" + traceId + "-" + hex(inbound.getSpanId().toByteArray()) + "-01",
        gw.db.text(
            "SELECT traceparent FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'",
            id));
  }

  /** The gateway's SERVER span of the provider's call. */
  private static Span inbound(String traceId) {
    return spans.stream()
        .filter(s -> traceId.equals(hex(s.getTraceId().toByteArray())))
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(s -> attributes(s).contains("/api/v1/telco/generic/"))
        .findFirst()
        .orElse(null);
  }

  /** The gateway's CLIENT span of its call to the Calin simulator. */
  private static Span manufacturerCall(String traceId, String calinPort) {
    return spans.stream()
        .filter(s -> traceId.equals(hex(s.getTraceId().toByteArray())))
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
        .filter(s -> attributes(s).contains(calinPort))
        .findFirst()
        .orElse(null);
  }

  private static String attributes(Span s) {
    return s.getAttributesList().stream().map(KeyValue::toString).collect(Collectors.joining(" "));
  }

  private static String describe(String traceId) {
    return spans.stream()
        .filter(s -> traceId.equals(hex(s.getTraceId().toByteArray())))
        .map(s -> s.getKind() + " " + s.getName() + " " + hex(s.getSpanId().toByteArray()) + "<"
            + hex(s.getParentSpanId().toByteArray()) + " " + attributes(s))
        .collect(Collectors.joining("\n"));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
