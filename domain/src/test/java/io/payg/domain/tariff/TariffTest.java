package io.payg.domain.tariff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TariffTest {

  @Test
  void aPlainTariffHasNoMinimumAndNoAccessRate() {
    Tariff tariff = Tariff.of(2_300);
    assertEquals(2_300, tariff.pricePerKwh());
    assertFalse(tariff.hasMinimumPurchase());
    assertTrue(tariff.accessRateIfAny().isEmpty());
    assertEquals(
        0, tariff.accessRateArrears(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 6, 1), 0));
  }

  @Test
  void optionalPartsAreAdded() {
    Tariff tariff = Tariff.of(2_500).withMinimumPurchase(5_000).withAccessRate(10_000, 7);
    assertTrue(tariff.hasMinimumPurchase());
    assertEquals(5_000, tariff.minimumPurchase());
    assertEquals(new AccessRate(10_000, 7), tariff.accessRate());
    assertEquals(
        20_000, tariff.accessRateArrears(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 16), 0));
  }

  @Test
  void refusesNonsense() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tariff.of(0));
    assertTrue(e.getMessage().contains("price per kWh"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tariff.of(-1));
    assertThrows(IllegalArgumentException.class, () -> Tariff.of(100).withMinimumPurchase(-1));
  }
}
