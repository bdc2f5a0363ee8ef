package io.payg.telco.generic;

import io.payg.domain.Money;
import io.payg.domain.Serial;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.support.HmacSha256;
import io.payg.telco.support.Problem;
import io.payg.telco.support.Rejection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The gateway's own provider protocol ({@code ../shared/spec/api.md}, "Generic"): signed JSON
 * validate and process, for any aggregator without a native plugin.
 *
 * <pre>
 * POST /api/v1/telco/generic/{companyId}/validate {serial, amount, currency, msisdn}
 * POST /api/v1/telco/generic/{companyId}/process  {providerTxnId, serial, amount, currency, msisdn, paidAt}
 * X-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body with the plugin's secret&gt;
 * </pre>
 *
 * Plugin settings: {@code secret} (required). Amounts are integers in minor units.
 */
public final class GenericTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "generic";
  public static final String SIGNATURE_HEADER = "x-signature";
  private static final String SIGNATURE_PREFIX = "sha256=";
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TXN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final Pattern MSISDN = Pattern.compile("\\+?[0-9]{6,15}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  /** Ten trillion minor units: far above any real payment, far below overflow in sums. */
  static final long MAX_AMOUNT = 10_000_000_000_000L;

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    boolean process = "process".equals(request.operation());
    if (!process && !"validate".equals(request.operation())) {
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST, "unknown operation " + request.operation(), false);
    }
    String secret = settings.get("secret");
    String signature = request.header(SIGNATURE_HEADER);
    if (secret == null
        || secret.isEmpty()
        || signature == null
        || !signature.startsWith(SIGNATURE_PREFIX)
        || !HmacSha256.verifyHex(
            secret, request.body(), signature.substring(SIGNATURE_PREFIX.length()))) {
      return new TelcoCall.Rejected(
          Refusal.UNAUTHENTICATED, "missing or wrong X-Signature", process);
    }
    String contentType = request.header("content-type");
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST, "send the body as application/json", process);
    }
    JsonObject json;
    try {
      Object parsed = Buffer.buffer(request.body()).toJsonValue();
      if (!(parsed instanceof JsonObject o)) {
        return new TelcoCall.Rejected(
            Refusal.MALFORMED_REQUEST, "the body must be a JSON object", process);
      }
      json = o;
    } catch (RuntimeException e) {
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST, "the body is not valid JSON", process);
    }
    try {
      // typed by hand: surrounding spaces are not part of the serial (io.payg.domain.Serial)
      Object typed = json.getValue("serial");
      String serial = required(
          "serial",
          valid("serial", typed instanceof String s ? Serial.normalise(s) : typed, SERIAL));
      String msisdn = optionalText(json, "msisdn", MSISDN);
      String cur = text(json, "currency", CURRENCY);
      long amount = amount(json);
      if (!cur.equals(currency)) {
        return new TelcoCall.Rejected(
            Refusal.WRONG_CURRENCY, "the company's currency is " + currency, process);
      }
      Money money = Money.of(amount, cur);
      if (!process) {
        return new TelcoCall.Validate(new PaymentQuery(serial, money, msisdn));
      }
      String txnId = text(json, "providerTxnId", TXN_ID);
      Instant paidAt = paidAt(json, request.receivedAt());
      return new TelcoCall.Process(new PaymentCommand(txnId, serial, money, msisdn, paidAt));
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), process);
    }
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    if (!outcome.valid()) {
      return refusal(outcome.refusal(), outcome.refusal().message(), false);
    }
    return TelcoResponse.json(
        200,
        new JsonObject()
            .put("valid", true)
            .put("customerName", outcome.customerName())
            .put("device", new JsonObject().put("type", outcome.deviceType().name()))
            .put("minimumAmount", outcome.minimumAmount())
            .encode());
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    JsonArray allocations = new JsonArray();
    for (Allocation a : receipt.allocations()) {
      allocations.add(new JsonObject()
          .put("kind", a.kind().name())
          .put("amount", a.amount())
          .put("reference", a.reference()));
    }
    JsonObject body = new JsonObject()
        .put("transactionId", receipt.transactionId())
        .put("status", receipt.status())
        .put("allocations", allocations);
    if (receipt.tokenAmount() != null) {
      JsonObject token = new JsonObject()
          .put("unit", receipt.tokenAmount().unit().name())
          .put("quantity", receipt.tokenAmount().quantity())
          .put("description", receipt.tokenAmount().describe());
      if (receipt.token() != null) {
        token.put("value", receipt.token());
      }
      body.put("token", token);
    }
    return TelcoResponse.json(200, body.encode());
  }

  /**
   * Shed under overload: 503 problem document {@code BUSY} (with {@code Retry-After}), on both
   * endpoints; the aggregator sends the same call again (spec api.md, "Generic": the
   * providerTxnId is the idempotency key, so a redelivery is never booked twice).
   */
  @Override
  public TelcoResponse busyAnswer(String operation) {
    return Problem.of(
        503,
        "BUSY",
        "Service Unavailable",
        "The gateway is busy; nothing was recorded, send the same request again after Retry-After seconds");
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    switch (refusal) {
      case UNAUTHENTICATED:
        return Problem.of(401, refusal.name(), "Unauthorized", detail);
      case MALFORMED_REQUEST:
        return Problem.of(400, refusal.name(), "Bad Request", detail);
      default:
        break;
    }
    if (!processCall) {
      // a validation answers 200 {valid:false}: the provider shows the message to the payer
      return TelcoResponse.json(
          200,
          new JsonObject()
              .put("valid", false)
              .put("code", refusal.name())
              .put("message", detail == null ? refusal.message() : detail)
              .encode());
    }
    int status = switch (refusal) {
      case DUPLICATE_TRANSACTION -> 409;
      case PROVIDER_NOT_ENABLED -> 403;
      case DEVICE_NOT_FOUND -> 404;
      default -> 422;
    };
    return Problem.of(
        status, refusal.name(), refusal.message(), detail == null ? refusal.message() : detail);
  }

  private static String text(JsonObject json, String field, Pattern format) {
    return required(field, optionalText(json, field, format));
  }

  private static String required(String field, String s) {
    if (s == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'" + field + "' is required");
    }
    return s;
  }

  private static String optionalText(JsonObject json, String field, Pattern format) {
    return valid(field, json.getValue(field), format);
  }

  private static String valid(String field, Object v, Pattern format) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || !format.matcher(s).matches()) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'" + field + "' is not valid");
    }
    return s;
  }

  private static long amount(JsonObject json) {
    Object v = json.getValue("amount");
    if (v == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'amount' is required");
    }
    // integers only: 12.5, "12", 1e3 and numbers beyond a long are refused, never rounded
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new Rejection(Refusal.INVALID_AMOUNT, "'amount' must be a whole number of minor units");
    }
    long amount = ((Number) v).longValue();
    if (amount <= 0 || amount > MAX_AMOUNT) {
      throw new Rejection(Refusal.INVALID_AMOUNT, "'amount' must be between 1 and " + MAX_AMOUNT);
    }
    return amount;
  }

  private static Instant paidAt(JsonObject json, Instant receivedAt) {
    Object v = json.getValue("paidAt");
    if (v == null) {
      return receivedAt;
    }
    try {
      return Instant.parse((String) v);
    } catch (ClassCastException | DateTimeParseException e) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST,
          "'paidAt' must be an ISO 8601 UTC time such as 2026-01-16T08:30:00Z");
    }
  }
}
