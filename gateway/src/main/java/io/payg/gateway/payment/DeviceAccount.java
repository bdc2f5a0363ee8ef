package io.payg.gateway.payment;

import io.payg.domain.DeviceType;
import io.payg.domain.allocation.PaidDevice;
import io.payg.domain.sale.Period;
import io.payg.domain.tariff.AccessRate;
import io.payg.domain.tariff.Tariff;
import io.vertx.sqlclient.Row;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A device with what its payments need: owner, tariff, carried credit, access rate paid.
 * Read by the validation lookup and, locked, by the process step.
 */
record DeviceAccount(
    UUID deviceId,
    UUID customerId,
    String serial,
    DeviceType type,
    String customerName,
    String phone,
    Long pricePerKwh,
    long minimumPurchase,
    Long accessRateAmount,
    Integer accessRatePeriodDays,
    LocalDate tariffSince,
    long credit,
    long accessRatePaid,
    String salePeriod,
    Long saleInstallmentAmount,
    long debtVersion,
    UUID agentId) {

  /** Columns every query of this account selects, in this order: see {@link #from(Row)}. */
  static final String COLUMNS = """
      d.id, d.customer_id, d.serial, d.type, c.name, c.phone, t.price_per_kwh, t.minimum_purchase,
      t.access_rate_amount, t.access_rate_period_days, d.tariff_since, d.credit, d.access_rate_paid, s.period,
      s.installment_amount, c.debt_version, c.agent_id""";

  /**
   * The joins every query of this account uses: the device, its owner, tariff and own sale. A
   * repossessed device (in stock) is unknown to payments; its own sale is the one not repossessed.
   */
  static final String FROM = """
      FROM devices d JOIN customers c ON c.id = d.customer_id AND d.repossessed_at IS NULL
      LEFT JOIN tariffs t ON t.id = d.tariff_id
      LEFT JOIN appliance_sales s ON s.device_id = d.id AND s.status <> 'REPOSSESSED'""";

  static DeviceAccount from(Row r) {
    Long min = r.getLong(7);
    return new DeviceAccount(
        r.getUUID(0),
        r.getUUID(1),
        r.getString(2),
        DeviceType.valueOf(r.getString(3)),
        r.getString(4),
        r.getString(5),
        r.getLong(6),
        min == null ? 0 : min,
        r.getLong(8),
        r.getInteger(9),
        r.getLocalDate(10),
        r.getLong(11),
        r.getLong(12),
        r.getString(13),
        r.getLong(14),
        r.getLong(15),
        r.getUUID(16));
  }

  /** The domain's view of the paid device, as of {@code today}. */
  PaidDevice paidDevice(LocalDate today) {
    if (type != DeviceType.METER) {
      if (salePeriod == null) {
        // registration refuses an SHS / e-bike without a sale; one without is a data error
        throw new IllegalStateException("device " + serial + " has no appliance sale");
      }
      return PaidDevice.appliance(
          type, deviceId.toString(), Period.valueOf(salePeriod), saleInstallmentAmount);
    }
    Tariff tariff = new Tariff(
        pricePerKwh,
        minimumPurchase,
        accessRateAmount == null ? null : new AccessRate(accessRateAmount, accessRatePeriodDays));
    long arrears = tariff.accessRateArrears(tariffSince, today, accessRatePaid);
    return PaidDevice.meter(deviceId.toString(), tariff, credit, arrears);
  }
}
