package io.payg.domain.allocation;

import io.payg.domain.DeviceType;
import io.payg.domain.sale.Period;
import io.payg.domain.tariff.Tariff;
import java.util.Objects;

/** The device a payment names, with what the allocation needs to know about it. */
public sealed interface PaidDevice {

  DeviceType type();

  /** Reference put on the device's own allocations (access rate, energy, credit); may be null. */
  String reference();

  /**
   * A prepaid meter.
   *
   * @param tariff            its current tariff
   * @param carriedCredit     minor units left from earlier payments that did not buy a whole
   *                          tenth of a kWh, not negative
   * @param accessRateArrears access-rate charges fallen due and not paid, not negative (see
   *                          {@link Tariff#accessRateArrears})
   */
  record Meter(String reference, Tariff tariff, long carriedCredit, long accessRateArrears)
      implements PaidDevice {
    public Meter {
      Objects.requireNonNull(tariff, "tariff");
      if (carriedCredit < 0) {
        throw new IllegalArgumentException("carried credit must not be negative: " + carriedCredit);
      }
      if (accessRateArrears < 0) {
        throw new IllegalArgumentException(
            "access-rate arrears must not be negative: " + accessRateArrears);
      }
    }

    @Override
    public DeviceType type() {
      return DeviceType.METER;
    }
  }

  /**
   * An SHS or e-bike sold through an appliance sale; its open installments are those marked
   * {@link OpenInstallment#ownSale()}.
   *
   * @param period            the sale's period; gives the days one installment buys
   * @param installmentAmount the sale's regular installment amount (see
   *                          {@link io.payg.domain.sale.InstallmentSchedule#regularInstallmentAmount()}),
   *                          positive
   */
  record Appliance(DeviceType type, String reference, Period period, long installmentAmount)
      implements PaidDevice {
    public Appliance {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(period, "period");
      if (type == DeviceType.METER) {
        throw new IllegalArgumentException("a meter is paid as PaidDevice.Meter");
      }
      if (installmentAmount <= 0) {
        throw new IllegalArgumentException(
            "installment amount must be positive: " + installmentAmount);
      }
    }
  }

  static Meter meter(String reference, Tariff tariff, long carriedCredit, long accessRateArrears) {
    return new Meter(reference, tariff, carriedCredit, accessRateArrears);
  }

  static Appliance appliance(
      DeviceType type, String reference, Period period, long installmentAmount) {
    return new Appliance(type, reference, period, installmentAmount);
  }
}
