package io.payg.telco.safaricom;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.JsonBody;
import io.payg.telco.support.Rejection;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Safaricom M-Pesa Daraja C2B (Kenya): the customer pays our pay-bill from the phone, entering
 * the device serial as the account number; M-Pesa calls our validation URL (may we take it?)
 * and, once the money moved, our confirmation URL.
 *
 * <pre>
 * POST /api/v1/telco/safaricom/{companyId}/validation     → TelcoCall.Validate
 * POST /api/v1/telco/safaricom/{companyId}/confirmation   → TelcoCall.Process
 * {"TransactionType":"Pay Bill","TransID":"RKTQDM7W6S","TransTime":"20260116083000",
 *  "TransAmount":"500.00","BusinessShortCode":"600638","BillRefNumber":"SN-1","InvoiceNumber":"",
 *  "OrgAccountBalance":"","ThirdPartyTransID":"","MSISDN":"254708374149","FirstName":"John",
 *  "MiddleName":"","LastName":"Doe"}
 * </pre>
 *
 * <b>Plugin settings</b>
 * <ul>
 *   <li>{@code shortCode} (required): the company's pay-bill / till number; a call for another
 *       {@code BusinessShortCode} is refused ({@code C2B00015}). Several may be given, comma-separated.</li>
 *   <li>{@code allowedSources} (required): comma-separated IPv4/IPv6 addresses and CIDR blocks
 *       M-Pesa calls from (Safaricom publishes them), checked against the peer address. Safaricom
 *       signs nothing, so this list and an unguessable URL are the only authentication: <b>when
 *       it is missing or empty every validation is refused and every confirmation kept flagged</b>.
 *       Host names are never resolved. Behind a reverse proxy the gateway's {@code TRUSTED_PROXIES}
 *       setting makes {@code remoteAddress} the client named by {@code Forwarded} / {@code X-Forwarded-For}.</li>
 *   <li>Transaction Status (optional, read by {@link SafaricomTransactionStatus}): {@code consumerKey},
 *       {@code consumerSecret}, {@code initiator}, {@code securityCredential}, {@code baseUrl},
 *       {@code identifierType}, {@code transactionStatus}; when set, the gateway holds each
 *       confirmation ({@link #heldAnswer}: acknowledged at once) until Daraja's asynchronous
 *       result, posted to {@value #STATUS_RESULT} (or {@value #STATUS_TIMEOUT}), confirms it
 *       ({@link TransactionStatusResult}).</li>
 * </ul>
 *
 * <b>Decoding</b>: the currency is implied KES; a company with another currency refuses every
 * call ({@link Refusal#WRONG_CURRENCY}). {@code TransAmount} is a decimal string ("500.00"; a
 * JSON number is tolerated) turned exactly into minor units. {@code BillRefNumber}, trimmed, is
 * the serial: empty (till payments carry none), too long or with other characters than
 * {@code [A-Za-z0-9._-]} it is {@link Refusal#DEVICE_NOT_FOUND} ("invalid account number" to the
 * payer). {@code MSISDN} is kept as sent, masked ({@code 2547 ***** 126}) or hashed included, up
 * to 64 characters; longer or with control characters it is dropped (null), never a refusal.
 * {@code TransID} is the idempotency key (M-Pesa can call twice). {@code TransTime}
 * (yyyyMMddHHmmss, Nairobi time) is {@code paidAt}; when absent, the time of receipt.
 *
 * <p><b>Answers.</b> Validation: always HTTP 200 — Daraja reads {@code ResultCode} from a 200
 * answer, and treats anything else like an unreachable URL, applying the short code's registered
 * {@code ResponseType}: with {@code Completed} the payment we refused would go through.
 * Accepted is {@code {"ResultCode":"0","ResultDesc":"Accepted"}} (a string "0", as in Daraja's
 * documentation, the same type as the rejection codes); refused is
 * {@code {"ResultCode":"C2B000xx","ResultDesc":"Rejected"}} with
 * <pre>
 * DEVICE_NOT_FOUND                                    C2B00012 invalid account number
 * INVALID_AMOUNT, AMOUNT_BELOW_MINIMUM, WRONG_CURRENCY C2B00013 invalid amount
 * UNAUTHENTICATED for a foreign BusinessShortCode     C2B00015 invalid short code
 * everything else (MALFORMED_REQUEST, UNAUTHENTICATED, C2B00016 other error
 *   PROVIDER_NOT_ENABLED, DUPLICATE_TRANSACTION)
 * </pre>
 * The C2B00015 case travels as {@link Refusal#UNAUTHENTICATED} with the detail
 * {@link #WRONG_SHORT_CODE}, which the gateway hands back unchanged to {@link #refusal}.
 *
 * <p>Confirmation: the money has already moved and M-Pesa does nothing useful with an error (it
 * does not reverse the payment, and redelivery is not to be relied on: reconcile with the
 * Transaction Status API). So every confirmation that comes from M-Pesa for this short code is
 * acknowledged with HTTP 200 {@code {"ResultCode":0,"ResultDesc":"Success"}} — recorded,
 * replayed, or refused by the gateway (unknown serial, bad amount, conflict...: the gateway
 * keeps refused confirmations for operators to settle by hand). A confirmation without an
 * account reference (a Buy Goods / till payment: {@code BillRefNumber} empty) or with one that is
 * no serial is kept as an authenticated unmatched payment ({@link TelcoCall.Unbookable}) and
 * acknowledged. A readable confirmation for this short code from an address <b>not</b> in
 * {@code allowedSources} is kept flagged ({@code authenticated=false}: never booked without an
 * operator) and answered HTTP 403 — forged, or M-Pesa from an address not listed yet; either way
 * it is never dropped. Only a confirmation we cannot attribute to this company is refused with
 * nothing stored: foreign short code, short code not configured, plugin disabled, or an unreadable
 * body from an unlisted address. Behind a reverse proxy, the gateway's {@code TRUSTED_PROXIES}
 * decides which address is the client.
 *
 * <p>Daraja refuses to register callback URLs containing "mpesa" or "safaricom": operators
 * register the alias {@code /api/v1/telco/ke-c2b/...} ({@link SafaricomPlugin#CALLBACK_ALIAS}).
 */
public final class SafaricomTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "safaricom";
  public static final String VALIDATION = "validation";
  public static final String CONFIRMATION = "confirmation";
  /** Where Daraja posts a Transaction Status result (ResultURL) and a queue time-out (QueueTimeOutURL). */
  public static final String STATUS_RESULT = "transaction-status-result";

  public static final String STATUS_TIMEOUT = "transaction-status-timeout";
  public static final String SETTING_SHORT_CODE = "shortCode";
  public static final String SETTING_ALLOWED_SOURCES = "allowedSources";
  /** M-Pesa C2B in Kenya moves Kenyan shillings only. */
  public static final String CURRENCY = "KES";

  public static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
  /** The detail of the {@link Refusal#UNAUTHENTICATED} that answers {@code C2B00015}. */
  public static final String WRONG_SHORT_CODE =
      "BusinessShortCode is not this company's short code";

  public static final String ACCEPTED = "0";
  public static final String INVALID_MSISDN = "C2B00011";
  public static final String INVALID_ACCOUNT = "C2B00012";
  public static final String INVALID_AMOUNT = "C2B00013";
  public static final String INVALID_KYC = "C2B00014";
  public static final String INVALID_SHORT_CODE = "C2B00015";
  public static final String OTHER_ERROR = "C2B00016";

  static final DateTimeFormatter TRANS_TIME =
      DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TRANS_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern FOURTEEN_DIGITS = Pattern.compile("[0-9]{14}");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  static final int MAX_MSISDN = 64;
  /** Daraja: "An alpha-numeric value of up to 20 characters"; kept longer for what the payer may type. */
  static final int MAX_REFERENCE = 100;

  private static final TelcoResponse CONFIRMATION_ACK = TelcoResponse.json(
      200, new JsonObject().put("ResultCode", 0).put("ResultDesc", "Success").encode());
  private static final TelcoResponse VALIDATION_ACCEPTED = TelcoResponse.json(
      200,
      new JsonObject().put("ResultCode", ACCEPTED).put("ResultDesc", "Accepted").encode());

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public boolean isProcessOperation(String operation) {
    return CONFIRMATION.equals(operation)
        || STATUS_RESULT.equals(operation)
        || STATUS_TIMEOUT.equals(operation);
  }

  /** Daraja sends the confirmation after the money moved; "Confirmation is always acknowledged". */
  @Override
  public boolean confirmsMovedMoney(String operation) {
    return CONFIRMATION.equals(operation);
  }

  @Override
  public TelcoResponse keptAnswer(Refusal refusal, String detail, Map<String, String> echo) {
    return CONFIRMATION_ACK;
  }

  @Override
  public TelcoResponse heldAnswer(Map<String, String> echo) {
    return CONFIRMATION_ACK;
  }

  @Override
  public TelcoResponse paymentStatusAnswer() {
    return CONFIRMATION_ACK;
  }

  @Override
  public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    if (STATUS_RESULT.equals(request.operation()) || STATUS_TIMEOUT.equals(request.operation())) {
      return TransactionStatusResult.decode(
          request, currency, settings == null ? Map.of() : settings);
    }
    boolean process = CONFIRMATION.equals(request.operation());
    if (!process && !VALIDATION.equals(request.operation())) {
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST,
          "unknown operation: M-Pesa calls .../validation and .../confirmation",
          false);
    }
    if (settings == null) {
      settings = Map.of();
    }
    // Daraja signs nothing: the source address is the only proof a call comes from M-Pesa
    // (https://developer.safaricom.co.ke/apis/CustomerToBusinessRegisterURL names no signature)
    boolean fromMpesa =
        SourceAllowList.allows(settings.get(SETTING_ALLOWED_SOURCES), request.remoteAddress());
    try {
      if (!fromMpesa && !process) {
        throw new Rejection(Refusal.UNAUTHENTICATED, "the source address is not in allowedSources");
      }
      String shortCodes = settings.get(SETTING_SHORT_CODE);
      if (shortCodes == null || shortCodes.isBlank()) {
        throw new Rejection(Refusal.UNAUTHENTICATED, "shortCode is not configured");
      }
      JsonObject json = JsonBody.object(request.header("content-type"), request.body());
      String shortCode = text(json, "BusinessShortCode");
      if (shortCode == null || shortCode.isBlank()) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'BusinessShortCode' is required");
      }
      if (!listed(shortCodes, shortCode.trim())) {
        throw new Rejection(Refusal.UNAUTHENTICATED, WRONG_SHORT_CODE);
      }
      if (!CURRENCY.equals(currency)) {
        throw new Rejection(
            Refusal.WRONG_CURRENCY, "M-Pesa pays in KES; the company's currency is " + currency);
      }
      String msisdn = msisdn(json);
      if (!process) {
        return new TelcoCall.Validate(new PaymentQuery(serial(json), amount(json), msisdn));
      }
      String transId = text(json, "TransID");
      if (transId == null || !TRANS_ID.matcher(transId).matches()) {
        throw new Rejection(
            Refusal.MALFORMED_REQUEST, "'TransID' is required: letters and digits, up to 64");
      }
      Instant paidAt = transTime(json, request.receivedAt());
      String typed = accountReference(json);
      Money amount;
      try {
        amount = amount(json);
      } catch (Rejection unreadable) {
        if (!fromMpesa) {
          throw unreadable; // from an address not on the list: nothing unreadable is kept
        }
        // M-Pesa says the money moved (the confirmation "is always acknowledged with ResultCode 0",
        // https://developer.safaricom.co.ke/apis/CustomerToBusinessRegisterURL): kept, amount
        // unknown
        return TelcoCall.Unbookable.amountUnreadable(
            new PaymentCommand(transId, typed, Money.zero(CURRENCY), msisdn, paidAt),
            unreadable.getMessage(),
            Map.of());
      }
      PaymentCommand command = new PaymentCommand(transId, typed, amount, msisdn, paidAt);
      if (!fromMpesa) {
        // maybe forged (anyone who knows the URL and the public short code can post this), maybe
        // M-Pesa from an address not listed yet: kept flagged for an operator, never booked
        return new TelcoCall.Unbookable(
            command,
            Refusal.UNAUTHENTICATED,
            "the source address " + printable(request.remoteAddress())
                + " is not in allowedSources",
            false,
            true,
            Map.of());
      }
      if (typed.isEmpty()) {
        // BillRefNumber "is only applicable to Customer PayBill Transactions"
        // (https://developer.safaricom.co.ke/apis/CustomerToBusinessRegisterURL): a Buy Goods
        // (till) payment names no device, yet the money is ours
        return new TelcoCall.Unbookable(
            command,
            Refusal.DEVICE_NOT_FOUND,
            "no account reference (BillRefNumber is empty: a Buy Goods / till payment)",
            true);
      }
      if (!SERIAL.matcher(typed).matches()) {
        return new TelcoCall.Unbookable(
            command,
            Refusal.DEVICE_NOT_FOUND,
            "'BillRefNumber' is not a serial: up to 64 letters, digits, '.', '_' or '-'",
            true);
      }
      return new TelcoCall.Process(command);
    } catch (Rejection e) {
      // from an address not on the list, nothing that cannot be read is believed or kept
      return fromMpesa || !process
          ? new TelcoCall.Rejected(e.refusal, e.getMessage(), process)
          : new TelcoCall.Rejected(
              Refusal.UNAUTHENTICATED,
              "the source address is not in allowedSources (" + e.getMessage() + ")",
              true);
    }
  }

  /** TransAmount in KES minor units; a {@link Rejection} when it is missing or not an amount. */
  private static Money amount(JsonObject json) {
    Object amountValue = json.getValue("TransAmount");
    if (amountValue == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'TransAmount' is required");
    }
    return Money.of(
        DecimalAmount.minorUnits(
            "TransAmount", amountValue, DecimalAmount.fractionDigits(CURRENCY)),
        CURRENCY);
  }

  /**
   * The account reference as the payer typed it, trimmed, control characters as '?' (never a serial), at
   * most 100 characters.
   */
  private static String accountReference(JsonObject json) {
    String ref = text(json, "BillRefNumber");
    String typed = ref == null ? "" : CONTROL.matcher(ref.trim()).replaceAll("?");
    return typed.length() > MAX_REFERENCE ? typed.substring(0, MAX_REFERENCE) : typed;
  }

  private static String printable(String address) {
    return address == null ? "(unknown)" : CONTROL.matcher(address).replaceAll("?");
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    if (!outcome.valid()) {
      return refusal(outcome.refusal(), outcome.refusal().message(), false);
    }
    return VALIDATION_ACCEPTED;
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    return CONFIRMATION_ACK;
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    boolean notOurs = refusal == Refusal.UNAUTHENTICATED || refusal == Refusal.PROVIDER_NOT_ENABLED;
    if (processCall && !notOurs) {
      return CONFIRMATION_ACK;
    }
    String code = resultCode(refusal, detail);
    return TelcoResponse.json(
        processCall ? 403 : 200,
        new JsonObject().put("ResultCode", code).put("ResultDesc", "Rejected").encode());
  }

  /** The Daraja rejection code of a refusal. */
  public static String resultCode(Refusal refusal, String detail) {
    return switch (refusal) {
      case DEVICE_NOT_FOUND -> INVALID_ACCOUNT;
      case INVALID_AMOUNT, AMOUNT_BELOW_MINIMUM, WRONG_CURRENCY -> INVALID_AMOUNT;
      case UNAUTHENTICATED -> WRONG_SHORT_CODE.equals(detail) ? INVALID_SHORT_CODE : OTHER_ERROR;
      case MALFORMED_REQUEST, PROVIDER_NOT_ENABLED, DUPLICATE_TRANSACTION -> OTHER_ERROR;
    };
  }

  /** A string field; whole JSON numbers are taken as their digits; other types are malformed. */
  private static String text(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
      return v.toString();
    }
    throw new Rejection(Refusal.MALFORMED_REQUEST, "'" + field + "' must be a string");
  }

  private static boolean listed(String commaSeparated, String value) {
    for (String entry : commaSeparated.split(",", 64)) {
      if (entry.trim().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String serial(JsonObject json) {
    String ref = text(json, "BillRefNumber");
    String serial = ref == null ? "" : ref.trim();
    if (serial.isEmpty()) {
      throw new Rejection(Refusal.DEVICE_NOT_FOUND, "'BillRefNumber' (the device serial) is empty");
    }
    if (!SERIAL.matcher(serial).matches()) {
      throw new Rejection(
          Refusal.DEVICE_NOT_FOUND,
          "'BillRefNumber' is not a serial: up to 64 letters, digits, '.', '_' or '-'");
    }
    return serial;
  }

  private static String msisdn(JsonObject json) {
    Object v = json.getValue("MSISDN");
    if (!(v instanceof String
        || v instanceof Integer
        || v instanceof Long
        || v instanceof BigInteger)) {
      return null;
    }
    String msisdn = v.toString().trim();
    if (msisdn.isEmpty()
        || msisdn.length() > MAX_MSISDN
        || CONTROL.matcher(msisdn).find()) {
      return null;
    }
    return msisdn;
  }

  private static Instant transTime(JsonObject json, Instant receivedAt) {
    String t = text(json, "TransTime");
    if (t == null || t.isEmpty()) {
      return receivedAt;
    }
    if (!FOURTEEN_DIGITS.matcher(t).matches()) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'TransTime' must be yyyyMMddHHmmss");
    }
    try {
      return LocalDateTime.parse(t, TRANS_TIME).atZone(NAIROBI).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "'TransTime' is not a valid time");
    }
  }
}
