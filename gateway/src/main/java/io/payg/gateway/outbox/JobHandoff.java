package io.payg.gateway.outbox;

import io.vertx.core.Context;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Jobs inserted already leased to this instance, handed to their worker in memory instead of
 * being claimed. The statement that writes the work (a payment, a token) also inserts its job
 * with attempt 1, a fresh claim token and a lease ({@link #INSERT_COLUMNS}), so no claim statement
 * runs on the hot path, and the row is as fenced as a claimed one: should this instance die, or
 * the job never reach its worker, the lease runs out and a worker's recovery poll claims it as
 * attempt 2. A kind whose worker is not running here gets null from {@link #lease}: its jobs are
 * inserted due now, for polling, as before.
 */
public final class JobHandoff {

  private record Receiver(Context context, Consumer<OutboxJob> take, Duration lease) {}

  /** A job's lease to insert with: its claim token and lease length. */
  public record Lease(UUID claim, double seconds) {}

  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();

  /** The outbox columns an INSERT … SELECT of a job that may be leased at insert also writes. */
  public static final String INSERT_COLUMNS = "attempts, claim_token, next_attempt_at";

  /**
   * The values of {@link #INSERT_COLUMNS}: {@code claim} (a uuid, null for a job left to polling)
   * and {@code leaseSeconds} are SQL expressions, such as {@code $31}; attempt 1 when leased.
   */
  public static String insertValues(String claim, String leaseSeconds) {
    return "CASE WHEN " + claim + "::uuid IS NULL THEN 0 ELSE 1 END, " + claim + "::uuid, "
        + "now() + make_interval(secs => " + leaseSeconds + "::double precision)";
  }

  /** A fresh lease for a job of {@code kind} when its worker runs here, else null (left to polling). */
  public Lease lease(String kind) {
    Receiver r = receivers.get(kind);
    return r == null ? null : new Lease(UUID.randomUUID(), (double) r.lease().toMillis() / 1000.0);
  }

  /** Hands a job inserted leased to its worker, on the worker's own context. */
  public void hand(OutboxJob job) {
    Receiver r = receivers.get(job.kind());
    if (r != null) {
      r.context().runOnContext(v -> r.take().accept(job));
    }
    // else the worker stopped meanwhile: the lease runs out and any worker's poll claims it
  }

  void open(String kind, Context context, Consumer<OutboxJob> take, Duration lease) {
    receivers.put(kind, new Receiver(context, take, lease));
  }

  void close(String kind) {
    receivers.remove(kind);
  }
}
