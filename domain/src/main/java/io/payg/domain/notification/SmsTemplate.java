package io.payg.domain.notification;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A company's SMS text with placeholders: {@code {name} {serial} {token} {units} {amount}
 * {debts}}, and for installment reminders {@code {dueDate} {days}} ({@code {amount}} is then
 * the amount still due). Checked when saved (unknown placeholders are refused, so a typo never reaches a
 * customer as "{tokn}"), rendered for each confirmation.
 */
public record SmsTemplate(String text) {

  public static final Set<String> PLACEHOLDERS =
      Set.of("name", "serial", "token", "units", "amount", "debts", "dueDate", "days");
  /** Three SMS segments: longer texts cost more than they tell. */
  public static final int MAX_LENGTH = 459;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");

  public SmsTemplate {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("An SMS template must not be empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "An SMS template is at most " + MAX_LENGTH + " characters (got " + text.length() + ")");
    }
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "Unknown placeholder {" + m.group(1) + "}; use " + PLACEHOLDERS);
      }
    }
  }

  /** The text with each placeholder replaced; a value missing from {@code values} renders empty. */
  public String render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
    }
    m.appendTail(out);
    return out.toString();
  }
}
