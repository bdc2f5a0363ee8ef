package io.payg.domain.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SmsTemplateTest {

  @Test
  void rendersEveryPlaceholder() {
    SmsTemplate t = new SmsTemplate(
        "Habari {name}! {amount} for {serial}: token {token} ({units}). Debts paid: {debts}");
    assertEquals(
        "Habari Amina! 100.00 KES for M-1: token 1234 (4.3 kWh). Debts paid: 0.00 KES",
        t.render(Map.of(
            "name",
            "Amina",
            "amount",
            "100.00 KES",
            "serial",
            "M-1",
            "token",
            "1234",
            "units",
            "4.3 kWh",
            "debts",
            "0.00 KES")));
  }

  @Test
  void valuesAreNotReadAsRegexReplacements() {
    assertEquals(
        "cost $5 \\o/", new SmsTemplate("cost {amount}").render(Map.of("amount", "$5 \\o/")));
  }

  @Test
  void refusesUnknownPlaceholdersEmptyAndOverlongTexts() {
    assertThrows(IllegalArgumentException.class, () -> new SmsTemplate("Token {tokn}"));
    assertThrows(IllegalArgumentException.class, () -> new SmsTemplate(" "));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SmsTemplate("x".repeat(SmsTemplate.MAX_LENGTH + 1)));
  }
}
