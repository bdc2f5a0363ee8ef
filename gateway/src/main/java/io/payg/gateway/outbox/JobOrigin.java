package io.payg.gateway.outbox;

import io.payg.gateway.logging.TraceParent;

/**
 * The provider call a payment's jobs came from, kept with each job (outbox request_id and
 * traceparent): its request id goes on the jobs' log lines, its trace on the manufacturer calls.
 *
 * @param requestId the call's request id, or null (a payment with no request of its own)
 * @param trace     the caller's traceparent, or a fresh one
 */
public record JobOrigin(String requestId, TraceParent trace) {

  public JobOrigin {
    trace = trace == null ? TraceParent.fresh() : trace;
  }

  /** A payment with no provider call of its own behind it: no request id, a fresh trace. */
  public static JobOrigin none() {
    return new JobOrigin(null, null);
  }

  /** Read back from a job's row (either column may be null for older jobs). */
  public static JobOrigin stored(String requestId, String traceparent) {
    return new JobOrigin(requestId, TraceParent.parse(traceparent));
  }
}
