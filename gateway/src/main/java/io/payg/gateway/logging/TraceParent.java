package io.payg.gateway.logging;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent}: version 00, a 16-byte trace id, an 8-byte parent
 * (span) id and the trace flags, lowercase hex
 * (https://www.w3.org/TR/trace-context/#traceparent-header). The gateway keeps the one a provider
 * sent (or a fresh one) with the payment's jobs and sends each manufacturer call a child: the
 * same trace id, a new span id.
 */
public record TraceParent(String traceId, String spanId, String flags) {

  /** The header's name (https://www.w3.org/TR/trace-context/#header-name). */
  public static final String HEADER = "traceparent";

  // version-format: "00-" 32 hex "-" 16 hex "-" 2 hex; a future version may append "-" fields
  // (https://www.w3.org/TR/trace-context/#versioning-of-traceparent), version ff is invalid
  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  /** The header's value when it is a valid traceparent, else null (ignored, never echoed). */
  public static TraceParent parse(String header) {
    if (header == null || header.length() > 512) {
      return null;
    }
    var m = FORMAT.matcher(header.trim());
    if (!m.matches()) {
      return null;
    }
    String version = m.group(1);
    // version 00 has exactly four fields; all-zero ids are invalid (#trace-id, #parent-id)
    if ("ff".equals(version)
        || ("00".equals(version) && m.group(5) != null)
        || ZERO_TRACE.equals(m.group(2))
        || ZERO_SPAN.equals(m.group(3))) {
      return null;
    }
    // a version we do not know is read as 00 (#versioning-of-traceparent); only the sampled bit is
    // kept
    return new TraceParent(
        m.group(2), m.group(3), (Integer.parseInt(m.group(4), 16) & 1) == 1 ? "01" : "00");
  }

  /** A new trace, for a call that came without a (valid) traceparent; sampled. */
  public static TraceParent fresh() {
    return new TraceParent(hex(16), hex(8), "01");
  }

  /** A child of this span: the same trace, a new span id. */
  public TraceParent child() {
    return new TraceParent(traceId, hex(8), flags);
  }

  /** The header's value, version 00. */
  public String header() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  // ids are not secrets: ThreadLocalRandom, as OpenTelemetry's default ids (opentelemetry-java,
  // io.opentelemetry.sdk.trace.IdGenerator#random), not SecureRandom, whose NativePRNG serialises
  // every caller on one lock; an all-zero id is invalid (#trace-id, #parent-id)
  private static String hex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high;
    long low;
    do {
      high = random.nextLong();
      low = bytes > 8 ? random.nextLong() : 0;
    } while (high == 0 && low == 0);
    HexFormat hex = HexFormat.of();
    return bytes > 8 ? hex.toHexDigits(high) + hex.toHexDigits(low) : hex.toHexDigits(high);
  }
}
