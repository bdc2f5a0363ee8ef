package io.payg.gateway.transaction;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Which of a company's transactions a list or export wants; a null criterion does not filter.
 *
 * @param agentId    only those the agent took in cash
 * @param customerId only that customer's (every device of theirs)
 * @param serial     the device serial, matched case-insensitively
 * @param from       created at or after
 * @param to         created before
 */
public record TransactionSearch(
    UUID companyId,
    UUID agentId,
    UUID customerId,
    String serial,
    String status,
    String provider,
    OffsetDateTime from,
    OffsetDateTime to) {

  public static TransactionSearch of(UUID companyId) {
    return new TransactionSearch(companyId, null, null, null, null, null, null, null);
  }

  public TransactionSearch byAgent(UUID agent) {
    return new TransactionSearch(companyId, agent, customerId, serial, status, provider, from, to);
  }

  public TransactionSearch byCustomer(UUID customer) {
    return new TransactionSearch(companyId, agentId, customer, serial, status, provider, from, to);
  }

  /** The filters of the list and export query parameters. */
  public TransactionSearch filtered(
      String serialFilter,
      String statusFilter,
      String providerFilter,
      OffsetDateTime fromFilter,
      OffsetDateTime toFilter) {
    return new TransactionSearch(
        companyId,
        agentId,
        customerId,
        serialFilter,
        statusFilter,
        providerFilter,
        fromFilter,
        toFilter);
  }
}
