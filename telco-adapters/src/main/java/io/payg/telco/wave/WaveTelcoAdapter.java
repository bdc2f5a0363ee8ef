package io.payg.telco.wave;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.JsonBody;
import io.payg.telco.support.Problem;
import io.payg.telco.support.Rejection;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Wave (Senegal, Côte d'Ivoire, ...) webhooks: Wave tells us, after the money moved, that a
 * payment arrived; there is no validation call. Register the webhook on
 * {@code POST /api/v1/telco/wave/{companyId}/webhook} for the events
 * {@code checkout.session.completed} and {@code merchant.payment_received} (and the reversal
 * event, see below). Sources, one fact a line:
 * <ul>
 *   <li>events are POSTed as {@code {id, type, data}}, at least once, and must be answered 2xx within
 *       5 seconds, before any business logic (https://docs.wave.com/webhook, "Working with Wave webhooks");</li>
 *   <li>two security strategies chosen when the webhook is registered: "Shared Secret" puts the secret
 *       in {@code Authorization: Bearer <secret>}; "Signing Secret" sends {@code Wave-Signature:
 *       t=<unix seconds>,v1=<hex HMAC-SHA256 of t + raw body>} (https://docs.wave.com/webhook, "Webhook
 *       security");</li>
 *   <li>a secret is rotated by duplicating the webhook: both webhooks deliver every event until the old
 *       one is deleted (https://docs.wave.com/webhook, as quoted in a public Wave integration guide);</li>
 *   <li>the events: checkout.session.completed, checkout.session.payment_failed, merchant.payment_received,
 *       b2b.payment_received, b2b.payment_failed, test.test_event (https://docs.wave.com/webhook; apis.io's
 *       Wave Webhooks entry lists the same);</li>
 *   <li>checkout {@code amount} is the "total amount to collect from the customer (gross of fees)"
 *       (https://0xc007b.github.io/wave-api-client/interfaces/CheckoutSession.html, typed from Wave's API);</li>
 *   <li>merchant.payment_received {@code data}: {@code id} (T_...), {@code amount} (what the merchant
 *       received), {@code fee} (Wave's), {@code currency}, {@code sender_mobile}, {@code custom_fields},
 *       {@code when_created}; its example: amount "990", fee "10" (https://docs.wave.com/webhook example,
 *       as quoted in a public Wave integration guide);</li>
 *   <li>no reversal webhook is documented; reversals appear in the Balance API's transactions as
 *       {@code is_reversal} (https://0xc007b.github.io/wave-api-client/interfaces/TransactionItem.html).</li>
 * </ul>
 *
 * <b>Plugin settings</b>
 * <ul>
 *   <li>{@code webhookSecret} (required): the secret Wave shows once when the webhook is registered.</li>
 *   <li>{@code previousWebhookSecret} (optional): also accepted, while rotating secrets.</li>
 *   <li>{@code webhookStrategy} (default {@code SIGNING_SECRET}): the strategy chosen in Wave's portal,
 *       {@code SIGNING_SECRET} or {@code SHARED_SECRET}; a delivery is checked by that one only.</li>
 *   <li>{@code serialCustomField} (optional, default {@code account_number}): for merchant
 *       payments without a {@code client_reference}, the custom field holding the serial.</li>
 * </ul>
 *
 * <b>Authentication</b>: SIGNING_SECRET: {@link WaveSignature}, refused when missing, wrong, or when
 * {@code t} is more than 5 minutes before or after the time the gateway received the delivery.
 * SHARED_SECRET: {@code Authorization: Bearer <webhookSecret>} compared in constant time (the
 * strategy has no replay window: Wave's docs advise the signing secret for production).
 *
 * <p><b>Events</b> (the payment's fields are under {@code data}):
 * <pre>
 * checkout.session.completed  txn id = transaction_id, serial = client_reference,
 *                             paidAt = when_completed; payment_status, when present, must be "succeeded";
 *                             credited = amount (gross: what the customer paid)
 * merchant.payment_received   txn id = id (the payment's T_... id), msisdn = sender_mobile,
 *                             serial = client_reference, else custom_fields[serialCustomField],
 *                             paidAt = when_created; credited = amount + fee (gross: what the customer paid)
 * merchant.payment_reversed   UNCONFIRMED (no Wave document names a reversal event): the payment
 *                             data.transaction_id, else data.id, is reversed
 * both payments               amounts are decimal strings in the currency's major unit; currency must be the company's
 * </pre>
 * <b>The customer is credited what they paid (gross)</b>, for both events: a checkout's
 * {@code amount} is gross, a merchant payment's {@code amount} is net of Wave's {@code fee}, so the
 * gross is {@code amount + fee}. Wave's fee is the company's cost of collection, not the customer's:
 * the same meter paid 1,000 XOF through either channel gets the same energy.
 *
 * <p>The idempotency key is the payment's transaction id, not the event id: Wave delivers at least
 * once, and the same payment can come as several events — redeliveries, and during a secret
 * rotation once per webhook, each with its own event id. A missing time falls back to the time of
 * receipt.
 *
 * <p><b>Answers.</b> Wave retries every non-2xx answer, so the answer says whether trying again can
 * change anything:
 * <ul>
 *   <li>recorded or replayed: 200 {@code {"received":true,"recorded":true,"transactionId":..,"status":..}};</li>
 *   <li>money that cannot be booked (unknown or empty reference, amount below the minimum): kept as an
 *       unmatched payment once per transaction id ({@link #confirmsMovedMoney}) and answered 200
 *       {@code {"received":true,"recorded":false,"kept":true,"code":..}};</li>
 *   <li>refused for good (wrong currency, bad amount, conflict, an unreadable but authentic body) and
 *       events that are not a payment (test events, failed payments, B2B...): 200
 *       {@code {"received":true,"recorded":false,"code":..,"detail":..}}. Those not payments decode as
 *       {@link Refusal#MALFORMED_REQUEST} with a detail starting with {@link #IGNORED};</li>
 *   <li>a reversal: 200 {@code {"received":true,"reversed":true,"reversalId":..}}; a reversal of a payment
 *       not booked nor kept yet: 409 problem document, so that Wave redelivers it after the payment;</li>
 *   <li>bad signature or bearer: 401, plugin not enabled: 403 (problem documents): Wave's retries then
 *       get through once the secret or the plugin is fixed;</li>
 *   <li>any operation other than {@code webhook}: 400 problem document.</li>
 * </ul>
 */
public final class WaveTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "wave";
  public static final String WEBHOOK = "webhook";
  public static final String SIGNATURE_HEADER = "wave-signature";
  public static final String SETTING_WEBHOOK_SECRET = "webhookSecret";
  public static final String SETTING_PREVIOUS_WEBHOOK_SECRET = "previousWebhookSecret";
  public static final String SETTING_SERIAL_CUSTOM_FIELD = "serialCustomField";
  public static final String SETTING_WEBHOOK_STRATEGY = "webhookStrategy";
  /** https://docs.wave.com/webhook, "Signing Secret": the Wave-Signature header. */
  public static final String SIGNING_SECRET = "SIGNING_SECRET";
  /** https://docs.wave.com/webhook, "Shared Secret": the secret in the Authorization header. */
  public static final String SHARED_SECRET = "SHARED_SECRET";

  public static final String AUTHORIZATION_HEADER = "authorization";
  public static final String DEFAULT_SERIAL_CUSTOM_FIELD = "account_number";
  public static final String CHECKOUT_SESSION_COMPLETED = "checkout.session.completed";
  public static final String MERCHANT_PAYMENT_RECEIVED = "merchant.payment_received";
  /** UNCONFIRMED: the reversal event named in issue 13; no Wave document found names its type or shape. */
  public static final String MERCHANT_PAYMENT_REVERSED = "merchant.payment_reversed";
  /** The start of the detail of an event acknowledged without a payment. */
  public static final String IGNORED = "ignored: ";

  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TXN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9_.]{1,64}");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  static final int MAX_MSISDN = 64;
  /** Longest account reference kept as typed on an unmatched payment. */
  static final int MAX_REFERENCE = 200;

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
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST,
          "unknown operation: Wave has no validation call, only .../webhook",
          false);
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
    if (settings.get(SETTING_WEBHOOK_SECRET) == null
        || settings.get(SETTING_WEBHOOK_SECRET).isEmpty()) {
      return new TelcoCall.Rejected(
          Refusal.UNAUTHENTICATED, "webhookSecret is not configured", true);
    }
    String strategy = settings.getOrDefault(SETTING_WEBHOOK_STRATEGY, SIGNING_SECRET);
    if (SHARED_SECRET.equals(strategy)) {
      if (!bearerMatches(request.header(AUTHORIZATION_HEADER), secrets)) {
        return new TelcoCall.Rejected(
            Refusal.UNAUTHENTICATED,
            "the Authorization header is not Bearer and the webhook's shared secret",
            true);
      }
    } else if (SIGNING_SECRET.equals(strategy)) {
      WaveSignature.Check check = WaveSignature.verify(
          request.header(SIGNATURE_HEADER), request.body(), secrets, request.receivedAt());
      if (check != WaveSignature.Check.VALID) {
        return new TelcoCall.Rejected(Refusal.UNAUTHENTICATED, check.detail(), true);
      }
    } else {
      return new TelcoCall.Rejected(
          Refusal.UNAUTHENTICATED,
          "webhookStrategy must be " + SIGNING_SECRET + " or " + SHARED_SECRET,
          true);
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
        case MERCHANT_PAYMENT_RECEIVED ->
          merchantPayment(data, currency, settings, request.receivedAt());
        case MERCHANT_PAYMENT_REVERSED -> reversal(event, data);
        default ->
          throw new Rejection(Refusal.MALFORMED_REQUEST, IGNORED + t + " is not a payment");
      };
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), true);
    }
  }

  /** Wave's webhooks come after the money moved (https://docs.wave.com/webhook): what cannot be booked is kept. */
  @Override
  public boolean confirmsMovedMoney(String operation) {
    return WEBHOOK.equals(operation);
  }

  /** 200 at once (https://docs.wave.com/webhook: 2xx within 5 s): the money is kept for an operator. */
  @Override
  public TelcoResponse keptAnswer(Refusal refusal, String detail, Map<String, String> echo) {
    return TelcoResponse.json(
        200,
        new JsonObject()
            .put("received", true)
            .put("recorded", false)
            .put("kept", true)
            .put("code", refusal.name())
            .put("detail", detail == null ? refusal.message() : detail)
            .encode());
  }

  @Override
  public TelcoResponse reversalAnswer(String reversalId, String detail, Map<String, String> echo) {
    if (reversalId == null) {
      // non-2xx: Wave redelivers, by when the payment itself may have arrived
      return Problem.of(
          409,
          "PAYMENT_NOT_BOOKED",
          "Conflict",
          detail == null ? "no payment with this id is booked or kept yet" : detail);
    }
    return TelcoResponse.json(
        200,
        new JsonObject()
            .put("received", true)
            .put("reversed", true)
            .put("reversalId", reversalId)
            .encode());
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    // never asked: decode never returns a Validate
    return refusal(Refusal.MALFORMED_REQUEST, "Wave has no validation call", false);
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    return TelcoResponse.json(
        200,
        new JsonObject()
            .put("received", true)
            .put("recorded", true)
            .put("transactionId", receipt.transactionId())
            .put("status", receipt.status())
            .encode());
  }

  /**
   * Shed under overload: 503 problem document {@code BUSY}. Wave delivers at least once and
   * retries a delivery not answered 2xx (https://docs.wave.com/webhook; this class's "Answers"),
   * and the transaction id keeps the redelivery from being booked twice.
   */
  @Override
  public TelcoResponse busyAnswer(String operation) {
    return WEBHOOK.equals(operation)
        ? Problem.of(
            503,
            "BUSY",
            "Service Unavailable",
            "The gateway is busy; nothing was recorded, deliver the event again")
        : null;
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
    return TelcoResponse.json(
        200,
        new JsonObject()
            .put("received", true)
            .put("recorded", false)
            .put("code", refusal.name())
            .put("detail", text)
            .encode());
  }

  private static TelcoCall checkoutCompleted(JsonObject data, String currency, Instant receivedAt) {
    Object status = data.getValue("payment_status");
    if (status != null && !"succeeded".equals(status)) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, IGNORED + "checkout payment_status is not succeeded");
    }
    String txnId = txnId(data, "transaction_id");
    Instant paidAt = time(data, "when_completed", receivedAt);
    String reference = string(data, "client_reference");
    // a currency that is not one: nothing can be kept of it (no amount in no known currency)
    String paidIn = currencyPaid(data);
    Money amount;
    try {
      amount = amountPaid(data);
    } catch (Rejection unreadable) {
      return amountUnreadable(
          new PaymentCommand(txnId, reference, Money.zero(paidIn), null, paidAt), unreadable);
    }
    return payment(
        new PaymentCommand(txnId, reference, amount, null, paidAt), "client_reference", currency);
  }

  /**
   * A signed payment event whose amount cannot be read: the money moved (Wave sends these "once
   * the money moved", https://docs.wave.com/webhook), so it is kept without an amount for an
   * operator, and acknowledged (a non-2xx would only make Wave redeliver the same body for days).
   */
  private static TelcoCall amountUnreadable(PaymentCommand cmd, Rejection unreadable) {
    String typed = cmd.serial() == null ? "" : CONTROL.matcher(cmd.serial()).replaceAll("?");
    return TelcoCall.Unbookable.amountUnreadable(
        new PaymentCommand(
            cmd.providerTxnId(),
            typed.length() > MAX_REFERENCE ? typed.substring(0, MAX_REFERENCE) : typed,
            cmd.amount(),
            cmd.msisdn(),
            cmd.paidAt()),
        unreadable.getMessage(),
        Map.of());
  }

  private static TelcoCall merchantPayment(
      JsonObject data, String currency, Map<String, String> settings, Instant receivedAt) {
    String txnId = txnId(data, "id");
    Instant paidAt = time(data, "when_created", receivedAt);
    String reference = string(data, "client_reference");
    String paidIn = currencyPaid(data);
    Money amount;
    try {
      Money net = amountPaid(data);
      // the merchant got amount, Wave kept fee: the customer paid (and is credited) both
      long gross = Math.addExact(net.minor(), fee(data, net.currency()));
      if (gross > DecimalAmount.MAX_AMOUNT) {
        throw new Rejection(Refusal.INVALID_AMOUNT, "'data.amount' + 'data.fee' is too large");
      }
      amount = Money.of(gross, net.currency());
    } catch (Rejection unreadable) {
      return amountUnreadable(
          new PaymentCommand(txnId, reference, Money.zero(paidIn), msisdn(data), paidAt),
          unreadable);
    }
    String field = "client_reference";
    if (reference == null || reference.isBlank()) {
      String customField =
          settings.getOrDefault(SETTING_SERIAL_CUSTOM_FIELD, DEFAULT_SERIAL_CUSTOM_FIELD);
      field = "custom_fields." + customField;
      reference = data.getValue("custom_fields") instanceof JsonObject custom
          ? string(custom, customField)
          : null;
    }
    return payment(
        new PaymentCommand(txnId, reference, amount, msisdn(data), paidAt), field, currency);
  }

  /**
   * A payment whose reference is a serial is processed; one without a usable reference cannot be
   * booked, but its money moved: it is kept as an unmatched payment (authentic: it passed the check).
   * So is a payment in another currency than the company's: Wave took it, an operator settles it.
   */
  private static TelcoCall payment(PaymentCommand cmd, String field, String companyCurrency) {
    String reference = cmd.serial() == null ? "" : cmd.serial().trim();
    String typedReference = CONTROL.matcher(reference).replaceAll("?");
    if (!cmd.amount().currency().equals(companyCurrency)) {
      return new TelcoCall.Unbookable(
          new PaymentCommand(
              cmd.providerTxnId(),
              typedReference.length() > MAX_REFERENCE
                  ? typedReference.substring(0, MAX_REFERENCE)
                  : typedReference,
              cmd.amount(),
              cmd.msisdn(),
              cmd.paidAt()),
          Refusal.WRONG_CURRENCY,
          "paid in " + cmd.amount().currency() + "; the company's currency is " + companyCurrency,
          true,
          true,
          Map.of());
    }
    String problem = reference.isEmpty()
        ? "'" + field + "' (the device serial) is empty"
        : SERIAL.matcher(reference).matches()
            ? null
            : "'" + field + "' is not a serial: up to 64 letters, digits, '.', '_' or '-'";
    if (problem == null) {
      return new TelcoCall.Process(new PaymentCommand(
          cmd.providerTxnId(), reference, cmd.amount(), cmd.msisdn(), cmd.paidAt()));
    }
    String typed = typedReference.length() > MAX_REFERENCE
        ? typedReference.substring(0, MAX_REFERENCE)
        : typedReference;
    return new TelcoCall.Unbookable(
        new PaymentCommand(cmd.providerTxnId(), typed, cmd.amount(), cmd.msisdn(), cmd.paidAt()),
        Refusal.DEVICE_NOT_FOUND,
        problem,
        true,
        true,
        Map.of());
  }

  /** UNCONFIRMED shape: the reversed payment's id is data.transaction_id (a checkout's), else data.id. */
  private static TelcoCall reversal(JsonObject event, JsonObject data) {
    String txnId =
        data.getValue("transaction_id") != null ? txnId(data, "transaction_id") : txnId(data, "id");
    Object eventId = event.getValue("id");
    String reason = "Wave " + MERCHANT_PAYMENT_REVERSED
        + (eventId instanceof String id && TXN_ID.matcher(id).matches() ? " " + id : "");
    return new TelcoCall.Reversal(txnId, reason, Map.of());
  }

  /** Wave's fee on a merchant payment, in minor units; absent is 0. */
  private static long fee(JsonObject data, String currency) {
    Object value = data.getValue("fee");
    if (value == null) {
      return 0;
    }
    long fee = DecimalAmount.minorUnits("data.fee", value, DecimalAmount.fractionDigits(currency));
    if (fee < 0) {
      throw new Rejection(Refusal.INVALID_AMOUNT, "'data.fee' must not be negative");
    }
    return fee;
  }

  private static boolean bearerMatches(String header, List<String> secrets) {
    if (header == null
        || header.length() > 1024
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (String secret : secrets) {
      match |= MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), given);
    }
    return match;
  }

  private static String string(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new Rejection(Refusal.MALFORMED_REQUEST, "'" + field + "' must be a string");
  }

  /** The amount in the currency Wave names (which may not be the company's: then it is kept, not booked). */
  private static Money amountPaid(JsonObject data) {
    String cur = currencyPaid(data);
    Object value = data.getValue("amount");
    if (value == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'data.amount' is required");
    }
    return Money.of(
        DecimalAmount.minorUnits("data.amount", value, DecimalAmount.fractionDigits(cur)), cur);
  }

  /** data.currency; a {@link Rejection} when it is not an ISO 4217 code with a minor unit. */
  private static String currencyPaid(JsonObject data) {
    String cur = string(data, "currency");
    if (cur == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'data.currency' is required");
    }
    int digits = DecimalAmount.fractionDigits(cur);
    if (digits < 0 || !Money.isCurrencyCode(cur)) {
      throw new Rejection(
          Refusal.WRONG_CURRENCY, "'data.currency' is not an ISO 4217 currency with a minor unit");
    }
    return cur;
  }

  private static String txnId(JsonObject data, String field) {
    String id = string(data, field);
    if (id == null || !TXN_ID.matcher(id).matches()) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST,
          "'data." + field + "' is required: up to 100 letters and digits");
    }
    return id;
  }

  private static String msisdn(JsonObject data) {
    if (!(data.getValue("sender_mobile") instanceof String s)) {
      return null;
    }
    String msisdn = s.trim();
    return msisdn.isEmpty()
            || msisdn.length() > MAX_MSISDN
            || CONTROL.matcher(msisdn).find()
        ? null
        : msisdn;
  }

  private static Instant time(JsonObject data, String field, Instant receivedAt) {
    String value = string(data, field);
    if (value == null || value.isEmpty()) {
      return receivedAt;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, "'data." + field + "' must be an ISO 8601 time");
    }
  }
}
