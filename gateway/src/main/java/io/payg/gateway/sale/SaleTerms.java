package io.payg.gateway.sale;

import io.payg.domain.sale.ApplianceSale;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * What an operator asks for when selling an appliance, read from JSON:
 * {@code {applianceId, deviceSerial?, downPayment, plan: {kind: INSTALLMENT_COUNT, count} |
 * {kind: INSTALLMENT_AMOUNT, amount}, period: DAILY|WEEKLY|MONTHLY, saleDate?, firstDueDate?,
 * downPaymentReceived?}}. {@code downPaymentReceived: true} records that the down payment was
 * taken at the sale (outside the gateway); otherwise it is the customer's first debt, due on
 * the sale date.
 */
public record SaleTerms(
    UUID applianceId,
    long downPayment,
    boolean downPaymentReceived,
    PaymentPlan plan,
    Period period,
    LocalDate saleDate,
    LocalDate firstDueDate) {

  private static final long MAX_MONEY = 1_000_000_000_000L;

  public static SaleTerms read(JsonInput in, LocalDate today) {
    PaymentPlan p = plan(in.object("plan"));
    return new SaleTerms(
        in.uuid("applianceId"),
        in.has("downPayment") ? in.integer("downPayment", 0, MAX_MONEY) : 0,
        Boolean.TRUE.equals(in.raw().getValue("downPaymentReceived")),
        p,
        in.enumValue("period", Period.class),
        date(in, "saleDate", today),
        date(in, "firstDueDate", null));
  }

  /** {@code {kind: INSTALLMENT_COUNT, count} | {kind: INSTALLMENT_AMOUNT, amount}}. */
  static PaymentPlan plan(JsonInput plan) {
    String kind = plan.string("kind", 32);
    return switch (kind) {
      case "INSTALLMENT_COUNT" -> PaymentPlan.count((int) plan.integer("count", 1, 1000));
      case "INSTALLMENT_AMOUNT" -> PaymentPlan.amount(plan.integer("amount", 1, MAX_MONEY));
      default ->
        throw ApiException.badRequest(
            "'plan.kind' must be INSTALLMENT_COUNT or INSTALLMENT_AMOUNT");
    };
  }

  static LocalDate optionalDate(JsonInput in, String field) {
    return date(in, field, null);
  }

  /** The domain sale for an appliance of this price; bad terms are a 422 with the domain's reason. */
  public ApplianceSale toSale(long price) {
    try {
      return new ApplianceSale(price, downPayment, plan, period, saleDate, firstDueDate);
    } catch (IllegalArgumentException e) {
      throw ApiException.unprocessable("INVALID_SALE_TERMS", e.getMessage());
    }
  }

  private static LocalDate date(JsonInput in, String field, LocalDate dflt) {
    String s = in.optionalString(field, 10);
    if (s == null) {
      return dflt;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("'" + field + "' must be a date such as 2026-01-31");
    }
  }
}
