package io.payg.gateway.outbox;

import java.util.UUID;

/**
 * A claimed job. {@code attempt} counts from 1 and includes this one.
 */
public record OutboxJob(long id, String kind, UUID companyId, UUID transactionId, int attempt) {
}
