package io.payg.gateway.logging;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.payg.gateway.config.TraceSettings;

/**
 * The OpenTelemetry SDK behind Vert.x's tracer when OTEL_EXPORTER is set: spans batched to the
 * OTLP/HTTP exporter (protobuf, https://opentelemetry.io/docs/specs/otlp/#otlphttp) or to the
 * logging exporter, W3C Trace Context as the only propagator (the {@code traceparent} the
 * gateway already reads and sends). Never registered as the global instance: each gateway in a
 * JVM (the tests start many) has its own.
 */
public final class TraceExport {

  private TraceExport() {}

  public static OpenTelemetrySdk sdk(TraceSettings settings) {
    SpanExporter exporter = "otlp".equals(settings.exporter())
        ? OtlpHttpSpanExporter.builder().setEndpoint(settings.tracesUrl()).build()
        : LoggingSpanExporter.create();
    Resource resource = Resource.getDefault()
        .merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName())));
    SdkTracerProvider traces = SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(traces)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
