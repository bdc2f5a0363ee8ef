package io.payg.gateway.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.Markers;

/**
 * The ids that follow one payment through its log lines: request, company, provider, the
 * provider's transaction id and ours. Passed to each log call as a logstash marker (JSON fields
 * with {@code LOG_FORMAT=json}) rather than put in the MDC: Vert.x interleaves many requests
 * and jobs on one event-loop thread, and a thread-local MDC would have to be copied in and
 * cleared around every callback to stay right; a marker travels with the line itself.
 * Outbox jobs carry the request id of the provider call that created them (outbox.request_id)
 * and the four durable ids, read with the job or handed over with it.
 */
public record PaymentTrace(
    String requestId, UUID companyId, String provider, String providerTxnId, String transactionId) {

  public static PaymentTrace ofRequest(String requestId, UUID companyId, String provider) {
    return new PaymentTrace(requestId, companyId, provider, null, null);
  }

  public PaymentTrace withProviderTxnId(String id) {
    return new PaymentTrace(requestId, companyId, provider, id, transactionId);
  }

  public PaymentTrace withTransaction(String id) {
    return new PaymentTrace(requestId, companyId, provider, providerTxnId, id);
  }

  /** The ids known so far, as JSON fields of the line (absent ones left out). */
  public LogstashMarker marker() {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (requestId != null) {
      fields.put("requestId", requestId);
    }
    if (companyId != null) {
      fields.put("companyId", companyId.toString());
    }
    if (provider != null) {
      fields.put("provider", provider);
    }
    if (providerTxnId != null) {
      fields.put("providerTxnId", providerTxnId);
    }
    if (transactionId != null) {
      fields.put("transactionId", transactionId);
    }
    return Markers.appendEntries(fields);
  }
}
