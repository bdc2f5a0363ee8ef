package io.payg.gateway.outbox;

import java.util.UUID;

/**
 * A claimed job. {@code attempt} counts from 1 and includes this one. {@code claim} is this
 * claim's fencing token: the statements that close or reschedule the job write only while the
 * job still carries it ({@link OutboxStore#DONE}).
 */
public record OutboxJob(long id, String kind, UUID companyId, UUID transactionId, int attempt, UUID claim) {
}
