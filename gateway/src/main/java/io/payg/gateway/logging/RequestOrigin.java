package io.payg.gateway.logging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.payg.gateway.outbox.JobOrigin;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every HTTP request's request id and trace, decided once by the router's first handler: the
 * caller's {@code X-Request-Id} when it is a plain token, else a fresh one (echoed in the answer);
 * the caller's W3C {@code traceparent} when valid, else none (a payment then starts a fresh
 * trace). With OpenTelemetry on ({@code OTEL_EXPORTER}), the trace is the request's server span,
 * which Vert.x already made a child of the caller's traceparent: the payment's jobs and manufacturer
 * calls then hang under it. Every payment channel hands {@link #jobs} to the payment, so its jobs
 * carry the same ids as the request's own lines.
 */
public final class RequestOrigin {

  /** The request id header, taken from the caller and echoed in every answer. */
  public static final String HEADER = "X-Request-Id";

  // it lands in log lines and the outbox: a plain token, never a caller's free text
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final String ID = "payg.requestId";
  private static final String TRACE = "payg.traceparent";

  private RequestOrigin() {}

  /** The router's first handler: the request's id and trace, before any other handler logs. */
  public static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && PLAIN.matcher(given).matches() ? given : fresh();
    ctx.put(ID, id);
    ctx.response().putHeader(HEADER, id);
    TraceParent trace = ((VertxInternal) ctx.vertx()).tracer() != null
        ? serverSpan()
        : TraceParent.parse(ctx.request().getHeader(TraceParent.HEADER));
    if (trace != null) {
      ctx.put(TRACE, trace);
    }
    ctx.next();
  }

  /** The request's id (a fresh one for a route mounted without {@link #handle}). */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(ID);
    if (id == null) {
      id = fresh();
      ctx.put(ID, id);
    }
    return id;
  }

  /** The request's trace, or null when the caller sent none (and no tracer runs). */
  public static TraceParent trace(RoutingContext ctx) {
    return ctx.get(TRACE);
  }

  /** What the jobs of a payment booked by this request keep: its request id and trace. */
  public static JobOrigin jobs(RoutingContext ctx) {
    return new JobOrigin(requestId(ctx), trace(ctx));
  }

  /**
   * A random (version 4) UUID from the thread's own generator: a request id names a request in
   * logs, it guards nothing, so it needs no SecureRandom (one shared, locked source) per request.
   */
  private static String fresh() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** The server span Vert.x's tracer opened for this request, as a traceparent. */
  private static TraceParent serverSpan() {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid()
        ? new TraceParent(span.getTraceId(), span.getSpanId(), span.isSampled() ? "01" : "00")
        : null;
  }
}
