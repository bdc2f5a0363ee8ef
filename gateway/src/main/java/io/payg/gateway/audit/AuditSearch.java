package io.payg.gateway.audit;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Which of a company's audit rows a list wants; a null criterion does not filter.
 *
 * @param entityId the changed thing's id, with {@code entity} its kind
 * @param actorId  the user who made the change
 * @param from     created at or after
 * @param to       created before
 */
public record AuditSearch(
    UUID companyId,
    String entity,
    String entityId,
    UUID actorId,
    OffsetDateTime from,
    OffsetDateTime to) {}
