package io.payg.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SerialTest {

  @Test
  void typedSerialsAreTrimmedAndComparedWithoutCase() {
    assertEquals("abc-123", Serial.normalise(" \tabc-123 "));
    assertNull(Serial.normalise(null));
    assertTrue(Serial.same("ABC-123", " abc-123 "));
    assertFalse(Serial.same("ABC-123", "ABC-124"));
    assertFalse(Serial.same(null, "ABC-123"));
  }

  @Test
  void everyPaymentCarriesTheTrimmedSerial() {
    assertEquals("abc-123", new PaymentQuery(" abc-123 ", Money.of(100, "KES"), null).serial());
    assertEquals(
        "abc-123",
        new PaymentCommand("T-1", "abc-123  ", Money.of(100, "KES"), null, Instant.EPOCH).serial());
  }
}
