package io.payg.gateway.sms;

import io.payg.domain.notification.SmsTemplate;

/**
 * The two installment reminders, with the key of the company's own text in sms_templates and
 * the default text.
 */
enum ReminderKind {
  DUE_SOON(
      "installmentDueSoon",
      "Dear {name}, your installment of {amount} for {serial} is due on {dueDate}. Thank you for paying on time."),
  OVERDUE(
      "installmentOverdue",
      "Dear {name}, your installment of {amount} for {serial} was due on {dueDate}, {days} day(s) ago. "
          + "Please pay to keep your service.");

  final String templateKey;
  final SmsTemplate defaultText;

  ReminderKind(String templateKey, String defaultText) {
    this.templateKey = templateKey;
    this.defaultText = new SmsTemplate(defaultText);
  }
}
