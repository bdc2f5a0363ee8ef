package io.payg.gateway.outbox;

import java.util.UUID;

/**
 * A claimed job. {@code attempt} counts from 1 and includes this one. {@code claim} is this
 * claim's fencing token: the statements that close or reschedule the job write only while the
 * job still carries it ({@link OutboxStore#DONE}). {@code context} is what the statement that
 * inserted the job leased already knew for its handler (see {@link JobHandoff}), or for a job
 * claimed by polling what its handler read for the whole claim ({@link JobHandler#contexts}); null
 * when neither: its handler then reads what it needs. {@code requestId} is the request
 * the job's payment came from (outbox.request_id, or null), for the worker's own log lines.
 */
public record OutboxJob(
    long id,
    String kind,
    UUID companyId,
    UUID transactionId,
    int attempt,
    UUID claim,
    Object context,
    String requestId) {

  public OutboxJob(
      long id, String kind, UUID companyId, UUID transactionId, int attempt, UUID claim) {
    this(id, kind, companyId, transactionId, attempt, claim, null, null);
  }

  public OutboxJob(
      long id,
      String kind,
      UUID companyId,
      UUID transactionId,
      int attempt,
      UUID claim,
      Object context) {
    this(id, kind, companyId, transactionId, attempt, claim, context, null);
  }

  /** The same job with the context its handler read for it. */
  public OutboxJob withContext(Object read) {
    return new OutboxJob(id, kind, companyId, transactionId, attempt, claim, read, requestId);
  }
}
