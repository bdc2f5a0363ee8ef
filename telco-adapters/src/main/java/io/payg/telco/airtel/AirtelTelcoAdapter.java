package io.payg.telco.airtel;

import io.payg.domain.payment.Refusal;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoCall;
import io.payg.telco.support.CollectionCallbackAdapter;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Airtel Money collection callbacks. Airtel posts the result of a USSD push started by
 * {@link AirtelCollections} to the callback URL configured for the application in Airtel's portal
 * ({@code .../api/v1/telco/airtel/{companyId}/callback}):
 * <pre>
 * {"transaction":{"id":"&lt;our reference&gt;","message":"Paid TZS 5,000 to ...","status_code":"TS",
 *                 "airtel_money_id":"MP210603.1234.L06941"},
 *  "hash":"&lt;Base64(HMAC-SHA256(private key, payload))&gt;"}     (only with callback authentication on)
 * </pre>
 *
 * <p><b>Trust.</b> The callback is a <i>hint</i>: {@code transaction.id} (our collection reference,
 * a UUID) tells the gateway which collection to confirm, and the gateway asks
 * {@link AirtelCollections#status} before it records any money; the status and ids in the body are
 * never trusted. When the operator turns on Airtel's callback authentication and copies its
 * private key into the {@code callbackSecret} setting, every callback must carry {@code hash}, the
 * Base64 HMAC-SHA256 (keyed with the private key's UTF-8 bytes) of the payload without the hash,
 * {@code {"transaction":{...}}} in compact JSON with the fields as received — the transaction
 * object alone is accepted too — compared in constant time; a missing or wrong hash is
 * {@link Refusal#UNAUTHENTICATED}. A genuine callback refused because Airtel serialised it
 * differently costs nothing but time: the poller still asks the status API. Without
 * {@code callbackSecret} callbacks are taken unsigned.
 *
 * <p><b>Decoding.</b> Operation {@code callback} only (a process operation: it can lead to money
 * being recorded). {@code status_code} TS becomes SUCCEEDED (with {@code airtel_money_id}), TF and
 * TE (expired) FAILED (with {@code message}), anything else PENDING — the gateway asks Airtel in every case. A
 * body that is not a JSON object with a {@code transaction} object holding a UUID {@code id} and a
 * string {@code status_code} is {@link Refusal#MALFORMED_REQUEST}; so is any other operation.
 *
 * <p><b>Answers.</b> 200 {@code {}} for a callback taken; problem documents 400 (malformed), 401
 * (hash), 403 (plugin not enabled); 200 {@code {}} for any other refusal. Validation and process
 * answers exist for the interface only (Airtel has no such calls): 200 {@code {}}.
 */
public final class AirtelTelcoAdapter extends CollectionCallbackAdapter {

  public static final String NAME = "airtel";
  public static final String SETTING_CALLBACK_SECRET = "callbackSecret";

  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  public AirtelTelcoAdapter() {
    super(
        "unknown operation: Airtel only sends collection results to .../" + CALLBACK,
        "an Airtel callback");
  }

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  protected TelcoCall decodeCallback(Object parsed, Map<String, String> settings) {
    if (!(parsed instanceof JsonObject json)
        || !(json.getValue("transaction") instanceof JsonObject transaction)) {
      return malformed("the body must be a JSON object with a 'transaction' object");
    }
    String secret = settings == null ? null : settings.get(SETTING_CALLBACK_SECRET);
    if (secret != null
        && !secret.isEmpty()
        && !hashMatches(secret, transaction, json.getValue("hash"))) {
      return new TelcoCall.Rejected(
          Refusal.UNAUTHENTICATED,
          "'hash' is missing or is not the HMAC-SHA256 of the callback with callbackSecret",
          true);
    }
    if (!(transaction.getValue("id") instanceof String reference)
        || !AirtelCollections.UUID_TEXT.matcher(reference.trim()).matches()) {
      return malformed("'transaction.id' must be the collection reference (a UUID)");
    }
    if (!(transaction.getValue("status_code") instanceof String status) || status.isBlank()) {
      return malformed("'transaction.status_code' must be a string");
    }
    CollectionStatus mapped = AirtelCollections.map(status, transaction);
    // a status we do not know: still worth a status request
    return new TelcoCall.CollectionUpdate(
        reference.trim().toLowerCase(Locale.ROOT),
        mapped == null ? CollectionStatus.pending() : mapped);
  }

  /**
   * Whether {@code hash} is Base64(HMAC-SHA256(secret, payload)) for the payload as Airtel
   * documents it ({"transaction":{...}}) or the transaction object alone; constant time.
   */
  static boolean hashMatches(String secret, JsonObject transaction, Object hash) {
    if (!(hash instanceof String text) || text.isBlank() || text.length() > 256) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] wrapped =
        new JsonObject().put("transaction", transaction).encode().getBytes(StandardCharsets.UTF_8);
    byte[] alone = transaction.encode().getBytes(StandardCharsets.UTF_8);
    boolean ok = MessageDigest.isEqual(hmac(secret, wrapped), given);
    ok |= MessageDigest.isEqual(hmac(secret, alone), given);
    return ok;
  }

  /** Base64(HMAC-SHA256(secret, payload)): Airtel's callback hash. */
  public static String hash(String secret, byte[] payload) {
    return Base64.getEncoder().encodeToString(hmac(secret, payload));
  }

  private static byte[] hmac(String secret, byte[] payload) {
    try {
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
