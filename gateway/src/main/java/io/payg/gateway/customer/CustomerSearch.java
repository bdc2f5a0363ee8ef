package io.payg.gateway.customer;

import java.util.UUID;

/**
 * Which of a company's customers a list wants; a null criterion does not filter.
 *
 * @param q          part of the name or phone, case-insensitive
 * @param deviceType customers with a device of this type
 * @param hasDebt    customers with (true) or without (false) anything due
 */
public record CustomerSearch(
    UUID companyId, String q, UUID villageId, UUID agentId, String deviceType, Boolean hasDebt) {}
