package io.payg.telco.mtn;

import io.payg.domain.payment.Refusal;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoCall;
import io.payg.telco.support.CollectionCallbackAdapter;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * MTN MoMo Collection callbacks. MoMo never calls the gateway on its own: the gateway starts a
 * request-to-pay ({@link MtnMomoCollections}) with {@code X-Callback-Url} =
 * {@code .../api/v1/telco/mtn-momo/{companyId}/callback}, and when the payer approves or the
 * request fails MoMo sends the final request-to-pay object there, by PUT or POST,
 * <b>once, never retried, unsigned</b>:
 * <pre>
 * {"financialTransactionId":"363440463","externalId":"&lt;our reference&gt;","amount":"5000","currency":"UGX",
 *  "payer":{"partyIdType":"MSISDN","partyId":"256772123456"},"payerMessage":"..","payeeNote":"..",
 *  "status":"SUCCESSFUL"}                      (FAILED ones carry "reason": "APPROVAL_REJECTED", as the
 *                                               sandbox sends, or "reason": {"code": .., "message": ..},
 *                                               the specification's ErrorReason: both are read)
 * </pre>
 *
 * <p><b>Trust.</b> Nothing authenticates the body (MoMo neither signs callbacks nor publishes
 * source addresses), so it is decoded into a {@link TelcoCall.CollectionUpdate} that is only a
 * <i>hint</i>: {@code externalId} (our collection reference, which must be a UUID) tells the
 * gateway which collection to confirm, and the gateway asks {@link MtnMomoCollections#status}
 * before it records any money. The status, amount and transaction id in the body are never
 * trusted; a forged callback can cost one status request, nothing more. There are no plugin
 * settings to check here.
 *
 * <p><b>Decoding.</b> Operation {@code callback} only (a process operation: it can lead to money
 * being recorded). {@code status} SUCCESSFUL becomes SUCCEEDED (with
 * {@code financialTransactionId}), FAILED / REJECTED / TIMEOUT / EXPIRED / CANCELLED become
 * FAILED (with {@code reason}), anything else PENDING — the gateway asks MoMo in every case.
 * A body that is not a JSON object with a UUID {@code externalId} and a string {@code status}
 * is {@link Refusal#MALFORMED_REQUEST}; so is any other operation.
 *
 * <p><b>Answers.</b> MoMo ignores the answer and never retries, so it is kept minimal:
 * 200 {@code {}} for a callback taken; problem documents 400 (malformed), 401, 403 (plugin not
 * enabled); 200 {@code {}} for any other refusal. Validation and process answers exist for the
 * interface only (MoMo has no such calls): 200 {@code {}}.
 */
public final class MtnMomoTelcoAdapter extends CollectionCallbackAdapter {

  public static final String NAME = "mtn-momo";

  public MtnMomoTelcoAdapter() {
    super(
        "unknown operation: MTN MoMo only sends request-to-pay results to .../" + CALLBACK,
        "a request-to-pay object");
  }

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  protected TelcoCall decodeCallback(Object parsed, Map<String, String> settings) {
    if (!(parsed instanceof JsonObject json)) {
      return malformed("the body must be a JSON object");
    }
    if (!(json.getValue("externalId") instanceof String reference)
        || !MtnMomoCollections.UUID_TEXT.matcher(reference).matches()) {
      return malformed("'externalId' must be the collection reference (a UUID)");
    }
    if (!(json.getValue("status") instanceof String status) || status.isBlank()) {
      return malformed("'status' must be a string");
    }
    return new TelcoCall.CollectionUpdate(
        reference.toLowerCase(Locale.ROOT), statusOf(status, json));
  }

  private static CollectionStatus statusOf(String status, JsonObject json) {
    return switch (status.toUpperCase(Locale.ROOT)) {
      case "SUCCESSFUL" ->
        CollectionStatus.succeeded(
            MtnMomoCollections.transactionId(json.getValue("financialTransactionId")));
      case "FAILED", "REJECTED", "TIMEOUT", "EXPIRED", "CANCELLED" -> {
        String reason = MtnMomoCollections.reasonText(json.getValue("reason"));
        yield CollectionStatus.failed(reason == null ? status.toUpperCase(Locale.ROOT) : reason);
      }
      // a status we do not know: still worth a status request
      default -> CollectionStatus.pending();
    };
  }
}
