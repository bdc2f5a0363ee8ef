package io.payg.domain.payment;

import io.payg.domain.DeviceType;

/**
 * The gateway's answer to a validation question.
 *
 * @param refusal       null when the payment may proceed
 * @param customerName  the device owner's name (valid answers only)
 * @param deviceType    the device type (valid answers only)
 * @param minimumAmount the smallest amount the gateway would accept now, minor units
 */
public record ValidationOutcome(
    Refusal refusal, String customerName, DeviceType deviceType, long minimumAmount) {

  public static ValidationOutcome accepted(
      String customerName, DeviceType type, long minimumAmount) {
    return new ValidationOutcome(null, customerName, type, minimumAmount);
  }

  public static ValidationOutcome refused(Refusal refusal) {
    return new ValidationOutcome(refusal, null, null, 0);
  }

  public boolean valid() {
    return refusal == null;
  }
}
