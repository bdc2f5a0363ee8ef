package io.payg.domain.payment;

/** Where part of a payment went. The allocations of one payment sum exactly to its amount. */
public enum AllocationKind {
  /**
   * A reversal debt: the value of energy or days a reversed payment had already delivered. Paid
   * before everything else (see {@code allocation.ReversalDebt}).
   */
  REVERSAL_DEBT,
  /** An appliance installment that was due (or an unpaid down payment). */
  INSTALLMENT,
  /** Access-rate arrears of the paid meter. */
  ACCESS_RATE,
  /** The SHS / e-bike's own next installments, bought as days of use. */
  DEVICE_INSTALLMENT,
  /** Energy bought for the meter. */
  ENERGY,
  /** Money that did not buy a whole tenth of a kWh, kept on the meter for its next payment. */
  METER_CREDIT
}
