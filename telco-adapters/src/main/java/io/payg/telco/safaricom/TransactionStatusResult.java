package io.payg.telco.safaricom;

import io.payg.domain.Money;
import io.payg.domain.payment.Refusal;
import io.payg.domain.peer.PeerText;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.JsonBody;
import io.payg.telco.support.Rejection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Daraja's asynchronous Transaction Status answer (https://developer.safaricom.co.ke/apis/TransactionStatus,
 * "Callback payload"): {@code {"Result": {"ResultType": 0, "ResultCode": 0, "ResultDesc",
 * "OriginatorConversationID", "ConversationID", "TransactionID", "ResultParameters":
 * {"ResultParameter": [{"Key": "ReceiptNo", "Value"}, {"Key": "TransactionStatus", "Value":
 * "Completed"}, {"Key": "Amount", "Value": "300"}, ...]}}}}. The money is confirmed only when
 * ResultCode is 0 and TransactionStatus is "Completed"; the amount is compared by the gateway.
 * A post to the QueueTimeOutURL (same envelope, the query timed out in Daraja's queue; its body
 * is not published) means "ask again". Unsigned like every Daraja call: {@code allowedSources}.
 */
final class TransactionStatusResult {

  private TransactionStatusResult() {}

  static TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    try {
      if (!SourceAllowList.allows(
          settings.get(SafaricomTelcoAdapter.SETTING_ALLOWED_SOURCES), request.remoteAddress())) {
        throw new Rejection(Refusal.UNAUTHENTICATED, "the source address is not in allowedSources");
      }
      JsonObject json = JsonBody.object(request.header("content-type"), request.body());
      JsonObject result = json.getValue("Result") instanceof JsonObject r ? r : null;
      if (result == null) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "'Result' is required");
      }
      String originator = text(result.getValue("OriginatorConversationID"));
      if (SafaricomTelcoAdapter.STATUS_TIMEOUT.equals(request.operation())) {
        return new TelcoCall.PaymentStatus(originator, null, false, false, null, "queue time-out");
      }
      String code = text(result.getValue("ResultCode"));
      String desc = text(result.getValue("ResultDesc"));
      String receipt = text(parameter(result, "ReceiptNo"));
      String status = text(parameter(result, "TransactionStatus"));
      Object amountValue = parameter(result, "Amount");
      Money amount = null;
      if (amountValue != null && "KES".equals(currency)) {
        try {
          amount = Money.of(
              DecimalAmount.minorUnits("Amount", amountValue, DecimalAmount.fractionDigits("KES")),
              "KES");
        } catch (Rejection e) {
          amount = null; // an amount we cannot read confirms nothing
        }
      }
      boolean confirmed = "0".equals(code) && "Completed".equals(status) && amount != null;
      String detail = "Transaction Status " + (code == null ? "?" : code) + " "
          + (desc == null ? "" : desc) + (status == null ? "" : " (" + status + ")");
      return new TelcoCall.PaymentStatus(
          originator, receipt, true, confirmed, amount, PeerText.clean(detail));
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), true);
    }
  }

  private static Object parameter(JsonObject result, String key) {
    JsonObject params = result.getValue("ResultParameters") instanceof JsonObject p ? p : null;
    Object list = params == null ? null : params.getValue("ResultParameter");
    // one parameter may come as an object rather than a one-element array
    JsonArray items = list instanceof JsonArray a
        ? a
        : list instanceof JsonObject o ? new JsonArray().add(o) : null;
    if (items == null) {
      return null;
    }
    for (Object o : items) {
      if (o instanceof JsonObject item && key.equals(item.getValue("Key"))) {
        return item.getValue("Value");
      }
    }
    return null;
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v).trim();
    return s.length() > 100 ? s.substring(0, 100) : s;
  }
}
