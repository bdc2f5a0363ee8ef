package io.payg.domain.port;

/**
 * A token the device accepts.
 *
 * @param value                 the token the customer types in (digits, STS 20-digit, ...)
 * @param manufacturerReference the manufacturer's id for the vend, for reconciliation
 */
public record IssuedToken(String value, String manufacturerReference) {}
