package io.payg.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Money as a customer reads it in an SMS: the currency's own ISO 4217 exponent, not always two decimals. */
class MoneyDisplayTest {

  @Test
  void currenciesWithoutMinorUnitsShowWholeAmounts() {
    assertEquals("5000 XOF", Money.of(5000, "XOF").toString());
    assertEquals("12000 UGX", Money.of(12000, "UGX").toString());
    assertEquals("300 RWF", Money.of(300, "RWF").toString());
  }

  @Test
  void twoDecimalCurrenciesShowCents() {
    assertEquals("500.00 KES", Money.of(50000, "KES").toString());
    assertEquals("1500.05 TZS", Money.of(150005, "TZS").toString());
    assertEquals("-0.07 KES", Money.of(-7, "KES").toString());
  }

  @Test
  void threeDecimalCurrenciesShowMils() {
    assertEquals("1.250 TND", Money.of(1250, "TND").toString());
    assertEquals("0.001 TND", Money.of(1, "TND").toString());
  }
}
