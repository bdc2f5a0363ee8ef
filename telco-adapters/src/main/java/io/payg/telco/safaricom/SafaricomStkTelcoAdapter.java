package io.payg.telco.safaricom;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.peer.PeerText;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.JsonBody;
import io.payg.telco.support.Problem;
import io.payg.telco.support.Rejection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The result callback of Safaricom M-Pesa Express (STK push), posted to the push's CallBackURL
 * {@code /api/v1/telco/safaricom-stk/{companyId}/callback}
 * (https://developer.safaricom.co.ke/apis/MpesaExpressSimulate, "Callback Payload"):
 * <pre>
 * {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925",
 *   "ResultCode":0,"ResultDesc":"The service request is processed successfully.",
 *   "CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"NLJ7RT61SV"},
 *   {"Name":"TransactionDate","Value":20191219102115},{"Name":"PhoneNumber","Value":254708374149}]}}}}
 * </pre>
 * decoded as {@link TelcoCall.CollectionUpdate} keyed on the {@code CheckoutRequestID} (Daraja's
 * id of the push, which the gateway stored): ResultCode 0 = SUCCEEDED with the
 * {@code MpesaReceiptNumber} (the M-Pesa transaction id that is recorded), any other FAILED
 * with its code and ResultDesc (1032 = cancelled by the payer). The callback is a hint, like
 * every request-to-pay callback: the gateway confirms it with {@code stkpushquery} before money
 * is recorded. Daraja signs nothing, so {@code allowedSources} (Safaricom's addresses) is
 * checked; the answer is {@code {"ResultCode":0,"ResultDesc":"Accepted"}}, what MicroPowerManager
 * answers (Daraja documents no answer):
 * EnAccess/micropowermanager:src/backend/app/Plugins/SafaricomKePaymentProvider/Http/Controllers/SafaricomWebhookController.php
 */
public final class SafaricomStkTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "safaricom-stk";
  public static final String CALLBACK = "callback";
  private static final Pattern CHECKOUT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern RECEIPT = Pattern.compile("[A-Za-z0-9]{1,32}");
  private static final TelcoResponse ACCEPTED = TelcoResponse.json(
      200, new JsonObject().put("ResultCode", 0).put("ResultDesc", "Accepted").encode());

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public boolean isProcessOperation(String operation) {
    return CALLBACK.equals(operation);
  }

  @Override
  public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    if (!CALLBACK.equals(request.operation())) {
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST, "unknown operation: M-Pesa Express calls .../callback", false);
    }
    Map<String, String> s = settings == null ? Map.of() : settings;
    try {
      if (!SourceAllowList.allows(
          s.get(SafaricomTelcoAdapter.SETTING_ALLOWED_SOURCES), request.remoteAddress())) {
        // nothing is lost: the poller's stkpushquery settles the collection without the callback
        throw new Rejection(Refusal.UNAUTHENTICATED, "the source address is not in allowedSources");
      }
      JsonObject json = JsonBody.object(request.header("content-type"), request.body());
      JsonObject body = json.getValue("Body") instanceof JsonObject b ? b : null;
      JsonObject callback =
          body != null && body.getValue("stkCallback") instanceof JsonObject c ? c : null;
      if (callback == null) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'Body.stkCallback' is required");
      }
      String checkout = callback.getValue("CheckoutRequestID") instanceof String id ? id : null;
      if (checkout == null || !CHECKOUT_ID.matcher(checkout).matches()) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'CheckoutRequestID' is required");
      }
      Object resultCode = callback.getValue("ResultCode");
      if (!(resultCode instanceof Number || resultCode instanceof String)) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'ResultCode' is required");
      }
      String code = String.valueOf(resultCode).trim();
      if (!"0".equals(code)) {
        String desc = callback.getValue("ResultDesc") instanceof String d ? PeerText.clean(d) : "";
        return new TelcoCall.CollectionUpdate(
            checkout, CollectionStatus.failed(PeerText.clean(code) + " " + desc));
      }
      Object receipt = item(callback, "MpesaReceiptNumber");
      String receiptText = receipt instanceof String r && RECEIPT.matcher(r).matches() ? r : null;
      return new TelcoCall.CollectionUpdate(
          checkout,
          CollectionStatus.succeeded(receiptText),
          movedMoney(callback, receiptText, request.receivedAt()));
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), true);
    }
  }

  /**
   * What a success callback says moved (receipt, Amount, PhoneNumber, TransactionDate), for the
   * case no collection has its CheckoutRequestID (the push's answer was lost): null when unreadable.
   */
  private static PaymentCommand movedMoney(
      JsonObject callback, String receipt, Instant receivedAt) {
    Object amount = item(callback, "Amount");
    if (receipt == null || amount == null) {
      return null;
    }
    try {
      Money money = Money.of(
          DecimalAmount.minorUnits("Amount", amount, DecimalAmount.fractionDigits("KES")), "KES");
      Object phone = item(callback, "PhoneNumber");
      String msisdn = phone == null ? null : PeerText.clean(String.valueOf(phone));
      Object date = item(callback, "TransactionDate");
      Instant paidAt = receivedAt;
      if (date != null && String.valueOf(date).matches("[0-9]{14}")) {
        paidAt = LocalDateTime.parse(String.valueOf(date), SafaricomStkCollections.TIMESTAMP)
            .atZone(SafaricomStkCollections.NAIROBI)
            .toInstant();
      }
      return new PaymentCommand(receipt, "", money, msisdn, paidAt);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The Value of the CallbackMetadata item named {@code name}, or null ("Balance" may come without one). */
  static Object item(JsonObject stkCallback, String name) {
    JsonObject metadata =
        stkCallback.getValue("CallbackMetadata") instanceof JsonObject m ? m : null;
    JsonArray items =
        metadata != null && metadata.getValue("Item") instanceof JsonArray a ? a : null;
    if (items == null) {
      return null;
    }
    for (Object o : items) {
      if (o instanceof JsonObject item && name.equals(item.getValue("Name"))) {
        return item.getValue("Value");
      }
    }
    return null;
  }

  @Override
  public TelcoResponse callbackAnswer() {
    return ACCEPTED;
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    return ACCEPTED;
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    return ACCEPTED;
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    String text = detail == null ? refusal.message() : detail;
    return switch (refusal) {
      case MALFORMED_REQUEST -> Problem.of(400, refusal.name(), "Bad Request", text);
      case UNAUTHENTICATED -> Problem.of(403, refusal.name(), "Forbidden", text);
      case PROVIDER_NOT_ENABLED -> Problem.of(403, refusal.name(), "Forbidden", text);
      default -> ACCEPTED;
    };
  }
}
