package io.payg.gateway.token;

import io.payg.domain.DeviceType;
import io.payg.domain.TokenAmount;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.payg.gateway.outbox.JobOrigin;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a TOKEN job asks the manufacturer for. The payment that inserts the job knows all of it
 * and hands it over with the job; a job claimed by polling reads it ({@link TokenJobHandler}).
 *
 * @param amount the money that bought the device's service (ENERGY + METER_CREDIT +
 *               DEVICE_INSTALLMENT allocations, minor units): manufacturers that credit money
 *               (SparkMeter, Steama) must not be sent what paid an installment or arrears
 * @param origin the provider call the payment came from: its request id for the job's log lines,
 *               its trace for the manufacturer call
 */
public record TokenOrder(
    long amount,
    String currency,
    TokenAmount tokens,
    String provider,
    String providerTxnId,
    UUID deviceId,
    String serial,
    DeviceType type,
    String manufacturer,
    JobOrigin origin) {

  /** The allocation kinds that buy the device's service: the money a manufacturer is told. */
  static final List<AllocationKind> SERVICE = List.of(
      AllocationKind.ENERGY, AllocationKind.METER_CREDIT, AllocationKind.DEVICE_INSTALLMENT);

  /** {@link #SERVICE} as an SQL list, for the context read. */
  static final String SERVICE_SQL =
      SERVICE.stream().map(k -> "'" + k.name() + "'").collect(Collectors.joining(", ", "(", ")"));

  /** The service money of a payment's allocations. */
  public static long serviceMoney(List<Allocation> allocations) {
    return allocations.stream()
        .filter(a -> SERVICE.contains(a.kind()))
        .mapToLong(Allocation::amount)
        .sum();
  }

  /** A row of {@link TokenStore#CONTEXT}. */
  static TokenOrder from(Row r) {
    return new TokenOrder(
        r.getLong("amount"),
        r.getString("currency"),
        new TokenAmount(
            TokenAmount.Unit.valueOf(r.getString("token_unit")), r.getLong("token_quantity")),
        r.getString("provider"),
        r.getString("provider_txn_id"),
        r.getUUID("device_id"),
        r.getString("serial"),
        DeviceType.valueOf(r.getString("type")),
        r.getString("manufacturer"),
        JobOrigin.stored(r.getString("request_id"), r.getString("traceparent")));
  }
}
