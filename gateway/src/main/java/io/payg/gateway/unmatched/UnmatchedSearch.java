package io.payg.gateway.unmatched;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Which of a company's kept payments a list wants; a null criterion does not filter.
 *
 * @param from received at or after
 * @param to   received before
 */
public record UnmatchedSearch(
    UUID companyId, String status, String provider, OffsetDateTime from, OffsetDateTime to) {}
