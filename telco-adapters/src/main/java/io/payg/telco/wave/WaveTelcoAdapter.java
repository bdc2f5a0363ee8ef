package io.payg.telco.wave;

import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.JsonBody;
import io.payg.telco.support.Rejection;
import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.support.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Wave (Senegal, Côte d'Ivoire, ...) webhooks: Wave tells us a payment arrived; there is no
 * validation call. Register the webhook with the "signing secret" strategy on
 * {@code POST /api/v1/telco/wave/{companyId}/webhook} for the events
 * {@code checkout.session.completed} and {@code merchant.payment_received}.
 *
 * <b>Plugin settings</b>
 * <ul>
 *   <li>{@code webhookSecret} (required): the webhook's signing secret. Without it every
 *       delivery is refused.</li>
 *   <li>{@code previousWebhookSecret} (optional): also accepted, while rotating secrets.</li>
 *   <li>{@code serialCustomField} (optional, default {@code account_number}): for merchant
 *       payments without a {@code client_reference}, the custom field holding the serial.</li>
 * </ul>
 *
 * <b>Authentication</b>: {@code Wave-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>" +
 * raw body>} (see {@link WaveSignature}), refused when missing, wrong, or when {@code t} is more
 * than 5 minutes before or after the time the gateway received the delivery.
 *
 * <p><b>Events</b> (the payment's fields are under {@code data}):
 * <pre>
 * checkout.session.completed  txn id = transaction_id, serial = client_reference,
 *                             paidAt = when_completed; payment_status, when present, must be "succeeded"
 * merchant.payment_received   txn id = id (the payment's T_... id), msisdn = sender_mobile,
 *                             serial = client_reference, else custom_fields[serialCustomField],
 *                             paidAt = when_created
 * both                        amount = amount (decimal string, minor units of currency),
 *                             currency must be the company's
 * </pre>
 * The idempotency key is the payment's transaction id, not the event id: Wave delivers at least
 * once, and the same payment can come as several events — redeliveries, and during a secret
 * rotation once per webhook (Wave duplicates the webhook), each with its own event id. The
 * amount credited is Wave's {@code amount}: what the business received. A missing time falls
 * back to the time of receipt.
 *
 * <p><b>Answers.</b> Wave retries every non-2xx answer for days, so the answer says whether
 * trying again can change anything:
 * <ul>
 *   <li>recorded or replayed: 200 {@code {"received":true,"recorded":true,"transactionId":..,"status":..}};</li>
 *   <li>refused for good (unknown serial, wrong currency, bad amount, conflict, an unreadable
 *       but authentic body) and events that are not a payment (test events, failed payments,
 *       B2B...): 200 {@code {"received":true,"recorded":false,"code":..,"detail":..}}. These
 *       decode as {@link Refusal#MALFORMED_REQUEST} with a detail starting with
 *       {@link #IGNORED} — {@link TelcoCall} has no "ignore" variant — so the gateway's metrics
 *       count them as MALFORMED_REQUEST;</li>
 *   <li>bad signature: 401, plugin not enabled: 403 (problem documents): Wave's retries then
 *       get through once the secret or the plugin is fixed;</li>
 *   <li>any operation other than {@code webhook}: 400 problem document.</li>
 * </ul>
 * Decoding is pure parsing: the gateway answers within Wave's 5 seconds as long as the
 * payment's database transaction does.
 */
public final class WaveTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "wave";
  public static final String WEBHOOK = "webhook";
  public static final String SIGNATURE_HEADER = "wave-signature";
  public static final String SETTING_WEBHOOK_SECRET = "webhookSecret";
  public static final String SETTING_PREVIOUS_WEBHOOK_SECRET = "previousWebhookSecret";
  public static final String SETTING_SERIAL_CUSTOM_FIELD = "serialCustomField";
  public static final String DEFAULT_SERIAL_CUSTOM_FIELD = "account_number";
  public static final String CHECKOUT_SESSION_COMPLETED = "checkout.session.completed";
  public static final String MERCHANT_PAYMENT_RECEIVED = "merchant.payment_received";
  /** The start of the detail of an event acknowledged without a payment. */
  public static final String IGNORED = "ignored: ";

  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TXN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9_.]{1,64}");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  static final int MAX_MSISDN = 64;

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public boolean isProcessOperation(String operation) {
    return WEBHOOK.equals(operation);
  }

  @Override
  public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    if (!WEBHOOK.equals(request.operation())) {
      return new TelcoCall.Rejected(Refusal.MALFORMED_REQUEST,
          "unknown operation: Wave has no validation call, only .../webhook", false);
    }
    if (settings == null) {
      settings = Map.of();
    }
    List<String> secrets = new ArrayList<>(2);
    for (String key : List.of(SETTING_WEBHOOK_SECRET, SETTING_PREVIOUS_WEBHOOK_SECRET)) {
      String secret = settings.get(key);
      if (secret != null && !secret.isEmpty()) {
        secrets.add(secret);
      }
    }
    if (settings.get(SETTING_WEBHOOK_SECRET) == null || settings.get(SETTING_WEBHOOK_SECRET).isEmpty()) {
      return new TelcoCall.Rejected(Refusal.UNAUTHENTICATED, "webhookSecret is not configured", true);
    }
    WaveSignature.Check check = WaveSignature.verify(request.header(SIGNATURE_HEADER), request.body(), secrets,
        request.receivedAt());
    if (check != WaveSignature.Check.VALID) {
      return new TelcoCall.Rejected(Refusal.UNAUTHENTICATED, check.detail(), true);
    }
    try {
      JsonObject event = JsonBody.object(request.header("content-type"), request.body());
      Object type = event.getValue("type");
      if (!(type instanceof String t) || !EVENT_TYPE.matcher(t).matches()) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'type' is missing or not an event type");
      }
      if (!(event.getValue("data") instanceof JsonObject data)) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'data' must be an object");
      }
      return switch (t) {
        case CHECKOUT_SESSION_COMPLETED -> checkoutCompleted(data, currency, request.receivedAt());
        case MERCHANT_PAYMENT_RECEIVED -> merchantPayment(data, currency, settings, request.receivedAt());
        default -> throw new Rejection(Refusal.MALFORMED_REQUEST, IGNORED + t + " is not a payment");
      };
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), true);
    }
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    // never asked: decode never returns a Validate
    return refusal(Refusal.MALFORMED_REQUEST, "Wave has no validation call", false);
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    return TelcoResponse.json(200, new JsonObject().put("received", true).put("recorded", true)
        .put("transactionId", receipt.transactionId()).put("status", receipt.status()).encode());
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    String text = detail == null ? refusal.message() : detail;
    if (refusal == Refusal.UNAUTHENTICATED) {
      return Problem.of(401, refusal.name(), "Unauthorized", text);
    }
    if (refusal == Refusal.PROVIDER_NOT_ENABLED) {
      return Problem.of(403, refusal.name(), "Forbidden", text);
    }
    if (!processCall) {
      return Problem.of(400, refusal.name(), "Bad Request", text);
    }
    return TelcoResponse.json(200, new JsonObject().put("received", true).put("recorded", false)
        .put("code", refusal.name()).put("detail", text).encode());
  }

  private static TelcoCall checkoutCompleted(JsonObject data, String currency, Instant receivedAt) {
    Object status = data.getValue("payment_status");
    if (status != null && !"succeeded".equals(status)) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, IGNORED + "checkout payment_status is not succeeded");
    }
    Money amount = amount(data, currency);
    String serial = serial(string(data, "client_reference"), "client_reference");
    String txnId = txnId(data, "transaction_id");
    Instant paidAt = time(data, "when_completed", receivedAt);
    return new TelcoCall.Process(new PaymentCommand(txnId, serial, amount, null, paidAt));
  }

  private static TelcoCall merchantPayment(JsonObject data, String currency, Map<String, String> settings,
                                           Instant receivedAt) {
    Money amount = amount(data, currency);
    String reference = string(data, "client_reference");
    String field = "client_reference";
    if (reference == null || reference.isBlank()) {
      String customField = settings.getOrDefault(SETTING_SERIAL_CUSTOM_FIELD, DEFAULT_SERIAL_CUSTOM_FIELD);
      field = "custom_fields." + customField;
      reference = data.getValue("custom_fields") instanceof JsonObject custom ? string(custom, customField) : null;
    }
    String serial = serial(reference, field);
    String txnId = txnId(data, "id");
    Instant paidAt = time(data, "when_created", receivedAt);
    return new TelcoCall.Process(new PaymentCommand(txnId, serial, amount, msisdn(data), paidAt));
  }

  private static String string(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new Rejection(Refusal.MALFORMED_REQUEST, "'" + field + "' must be a string");
  }

  private static Money amount(JsonObject data, String currency) {
    String cur = string(data, "currency");
    if (cur == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'data.currency' is required");
    }
    if (!cur.equals(currency)) {
      throw new Rejection(Refusal.WRONG_CURRENCY, "the company's currency is " + currency);
    }
    int digits = DecimalAmount.fractionDigits(currency);
    if (digits < 0 || !Money.isCurrencyCode(currency)) {
      throw new Rejection(Refusal.WRONG_CURRENCY, "the company's currency has no known minor unit");
    }
    Object value = data.getValue("amount");
    if (value == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'data.amount' is required");
    }
    return Money.of(DecimalAmount.minorUnits("data.amount", value, digits), currency);
  }

  private static String serial(String reference, String field) {
    String serial = reference == null ? "" : reference.trim();
    if (serial.isEmpty()) {
      throw new Rejection(Refusal.DEVICE_NOT_FOUND, "'" + field + "' (the device serial) is empty");
    }
    if (!SERIAL.matcher(serial).matches()) {
      throw new Rejection(Refusal.DEVICE_NOT_FOUND,
          "'" + field + "' is not a serial: up to 64 letters, digits, '.', '_' or '-'");
    }
    return serial;
  }

  private static String txnId(JsonObject data, String field) {
    String id = string(data, field);
    if (id == null || !TXN_ID.matcher(id).matches()) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'data." + field + "' is required: up to 100 letters and digits");
    }
    return id;
  }

  private static String msisdn(JsonObject data) {
    if (!(data.getValue("sender_mobile") instanceof String s)) {
      return null;
    }
    String msisdn = s.trim();
    return msisdn.isEmpty() || msisdn.length() > MAX_MSISDN || CONTROL.matcher(msisdn).find() ? null : msisdn;
  }

  private static Instant time(JsonObject data, String field, Instant receivedAt) {
    String value = string(data, field);
    if (value == null || value.isEmpty()) {
      return receivedAt;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'data." + field + "' must be an ISO 8601 time");
    }
  }
}
