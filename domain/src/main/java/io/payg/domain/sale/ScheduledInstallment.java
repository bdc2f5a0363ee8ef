package io.payg.domain.sale;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One entry of an installment schedule.
 *
 * @param number  0 for the down payment, then 1, 2, ... for the installments in due order
 * @param dueDate the day it falls due (the sale date for the down payment)
 * @param amount  minor units, positive
 */
public record ScheduledInstallment(int number, LocalDate dueDate, long amount) {

  public ScheduledInstallment {
    Objects.requireNonNull(dueDate, "dueDate");
    if (number < 0) {
      throw new IllegalArgumentException("installment number must not be negative: " + number);
    }
    if (amount <= 0) {
      throw new IllegalArgumentException("an installment is positive: " + amount);
    }
  }

  public boolean isDownPayment() {
    return number == 0;
  }
}
