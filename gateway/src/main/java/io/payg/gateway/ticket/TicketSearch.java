package io.payg.gateway.ticket;

import java.util.UUID;

/**
 * Which of a company's tickets a list wants; a null criterion does not filter.
 *
 * @param createdBy only tickets this user opened (an agent sees only theirs)
 */
public record TicketSearch(UUID companyId, UUID createdBy, String status, UUID customerId) {}
