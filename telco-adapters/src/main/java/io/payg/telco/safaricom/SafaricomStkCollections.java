package io.payg.telco.safaricom;

import static io.payg.domain.peer.PeerStatus.isTransient;
import static io.payg.domain.peer.PeerText.clean;
import static io.payg.peer.PeerCalls.jsonObject;
import static io.payg.peer.PeerCalls.snippet;

import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.peer.PeerCalls;
import io.payg.telco.support.CollectionCallException;
import io.payg.telco.support.RequestToPayClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Safaricom Lipa Na M-Pesa Online (M-Pesa Express, "STK push") as a request-to-pay provider over
 * Vert.x {@link WebClient}; never blocks. Sources: https://developer.safaricom.co.ke/apis/MpesaExpressSimulate
 * (push, callback, result codes), .../apis/MpesaExpressQuery (query), and MicroPowerManager's
 * plugin:
 * EnAccess/micropowermanager:src/backend/app/Plugins/SafaricomKePaymentProvider/Services/SafaricomTransactionService.php
 *
 * <p><b>Plugin settings</b> (plugin {@value SafaricomStkTelcoAdapter#NAME}):
 * {@code baseUrl} (default Daraja's sandbox; production {@code https://api.safaricom.co.ke}),
 * {@code consumerKey}, {@code consumerSecret} (the Daraja app's keys), {@code shortCode} (the
 * BusinessShortCode used at Go Live), {@code passkey} (mailed by Safaricom after Go Live),
 * optional {@code partyB} (the till number for Buy Goods; default the short code),
 * {@code transactionType} ({@code CustomerPayBillOnline}, default, or {@code CustomerBuyGoodsOnline}),
 * {@code transactionDesc} (at most 13 characters, default "Payment"), {@code timeoutMs}
 * (default 10000); {@code allowedSources} is read by {@link SafaricomStkTelcoAdapter}.
 *
 * <p><b>requestToPay</b>: {@code POST {baseUrl}/mpesa/stkpush/v1/processrequest} with
 * {@code BusinessShortCode, Password = Base64(shortCode + passkey + Timestamp), Timestamp
 * (yyyyMMddHHmmss, Nairobi), TransactionType, Amount (whole shillings), PartyA = PhoneNumber (2547XXXXXXXX),
 * PartyB, CallBackURL, AccountReference (the serial, at most 12 characters: it is truncated),
 * TransactionDesc}:
 * <pre>
 * 200, ResponseCode "0"              PENDING under its CheckoutRequestID (the prompt is on the phone)
 * other ResponseCode, 4xx errorCode  FAILED with Daraja's code and message (no prompt was sent)
 * 500.001.1001 (subscriber locked,   FAILED: Daraja refused the push; the payer saw nothing
 *   wrong credentials, no merchant),
 *   500.003.02 busy / spike arrest,
 *   500.003.03 quota
 * credentials refused                FAILED "Safaricom Daraja refused the credentials ..."
 * 500.003.1001, 408, 429, other 5xx, failed stage (retryable): the push may be on the phone
 *   transport
 * </pre>
 * Daraja takes no idempotency key: a push is never re-sent.
 *
 * <p><b>status</b>: {@code POST {baseUrl}/mpesa/stkpushquery/v1/query} with {@code BusinessShortCode,
 * Password, Timestamp, CheckoutRequestID}: {@code ResultCode} "0" SUCCEEDED (the query carries no
 * receipt; the callback's MpesaReceiptNumber is what is recorded), any other ResultCode FAILED with
 * its code and description (1 insufficient balance, 1032 cancelled by the payer, 1037 phone
 * unreachable, 2001 wrong PIN, 1019 expired ...) except 4999 (still pending, as MicroPowerManager
 * reads it); {@code errorCode 500.001.1001 "The transaction is being processed"} is PENDING (MicroPowerManager).
 */
public final class SafaricomStkCollections extends RequestToPayClient {

  public static final String NAME = SafaricomStkTelcoAdapter.NAME;
  static final String PUSH_PATH = "/mpesa/stkpush/v1/processrequest";
  static final String QUERY_PATH = "/mpesa/stkpushquery/v1/query";
  /** "Timestamp of the transaction in the format YYYYMMDDHHmmss" (MpesaExpressSimulate), M-Pesa's clock: Nairobi. */
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

  static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
  /**
   * "Must be a valid Safaricom M-PESA number in the format 2547XXXXXXXX" (MpesaExpressSimulate); 2541 numbers are
   * Safaricom's too.
   */
  private static final Pattern PHONE = Pattern.compile("254[17][0-9]{8}");

  private static final Pattern CHECKOUT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  /** AccountReference "Max 12 characters", TransactionDesc "Max 13 characters" (MpesaExpressSimulate). */
  static final int MAX_ACCOUNT_REFERENCE = 12;

  static final int MAX_DESC = 13;

  private final DarajaCalls daraja;
  private final Clock clock;

  public SafaricomStkCollections(WebClient client) {
    this(client, System::nanoTime, Clock.systemUTC());
  }

  public SafaricomStkCollections(WebClient client, LongSupplier nanoTime, Clock clock) {
    super(NAME, "Safaricom", DarajaCalls.CREDENTIALS_REFUSED, PeerCalls::snippet, client, nanoTime);
    this.daraja = new DarajaCalls(client, NAME, nanoTime);
    this.clock = clock;
  }

  private record Settings(
      DarajaCalls.Credentials credentials,
      String shortCode,
      String passkey,
      String partyB,
      String transactionType,
      String transactionDesc) {
    static Settings of(Map<String, String> s) {
      String shortCode = s.get("shortCode");
      String passkey = s.get("passkey");
      if (PluginSettings.isBlank(shortCode) || PluginSettings.isBlank(passkey)) {
        throw new CollectionCallException(
            NAME + " settings shortCode and passkey are required", false);
      }
      String type = PluginSettings.orDefault(s.get("transactionType"), "CustomerPayBillOnline");
      if (!type.equals("CustomerPayBillOnline") && !type.equals("CustomerBuyGoodsOnline")) {
        throw new CollectionCallException(
            NAME + " setting transactionType must be CustomerPayBillOnline or "
                + "CustomerBuyGoodsOnline",
            false);
      }
      String desc = PluginSettings.orDefault(s.get("transactionDesc"), "Payment");
      return new Settings(
          DarajaCalls.Credentials.of(NAME, s),
          shortCode.trim(),
          passkey.trim(),
          PluginSettings.orDefault(s.get("partyB"), shortCode.trim()),
          type,
          desc.length() > MAX_DESC ? desc.substring(0, MAX_DESC) : desc);
    }
  }

  /** Base64(shortCode + passkey + timestamp): "base64.encode(Shortcode+Passkey+Timestamp)" (MpesaExpressSimulate). */
  public static String password(String shortCode, String passkey, String timestamp) {
    return Base64.getEncoder()
        .encodeToString((shortCode + passkey + timestamp).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected Future<CollectionStatus> startCollection(CollectionRequest request) {
    Settings s;
    try {
      s = Settings.of(request.settings());
    } catch (CollectionCallException e) {
      return Future.succeededFuture(CollectionStatus.failed(e.getMessage()));
    }
    if (!"KES".equals(request.amount().currency())
        || request.amount().minor() % 100 != 0
        || request.amount().minor() < 100) {
      // M-Pesa Express takes whole shillings, at least Ksh 1 (result code 2, MpesaExpressSimulate)
      return Future.succeededFuture(CollectionStatus.failed(
          "M-Pesa Express collects whole Kenyan shillings (KES, at least 1)"));
    }
    if (request.msisdn() == null || !PHONE.matcher(request.msisdn()).matches()) {
      return Future.succeededFuture(CollectionStatus.failed(
          "the phone number must be a Safaricom number 2547XXXXXXXX or 2541XXXXXXXX"));
    }
    String timestamp = TIMESTAMP.format(clock.instant().atZone(NAIROBI));
    String serial = request.serial() == null ? "" : request.serial();
    JsonObject body = new JsonObject()
        .put("BusinessShortCode", numericOrText(s.shortCode()))
        .put("Password", password(s.shortCode(), s.passkey(), timestamp))
        .put("Timestamp", timestamp)
        .put("TransactionType", s.transactionType())
        .put("Amount", request.amount().minor() / 100)
        .put("PartyA", request.msisdn())
        .put("PartyB", s.partyB())
        .put("PhoneNumber", request.msisdn())
        .put("CallBackURL", request.callbackUrl())
        .put(
            "AccountReference",
            serial.length() > MAX_ACCOUNT_REFERENCE
                ? serial.substring(0, MAX_ACCOUNT_REFERENCE)
                : serial)
        .put("TransactionDesc", s.transactionDesc());
    return daraja
        .post(s.credentials(), PUSH_PATH, body)
        .compose(response -> Future.succeededFuture(pushAnswer(response)))
        .recover(err -> refusedOrFailed(err));
  }

  private static CollectionStatus pushAnswer(HttpResponse<Buffer> response) {
    JsonObject json = jsonObject(response);
    String responseCode = json == null || json.getValue("ResponseCode") == null
        ? null
        : String.valueOf(json.getValue("ResponseCode"));
    if (response.statusCode() == 200 && "0".equals(responseCode)) {
      Object checkout = json.getValue("CheckoutRequestID");
      if (checkout instanceof String id && CHECKOUT_ID.matcher(id).matches()) {
        return CollectionStatus.pending(id);
      }
      throw new CollectionCallException(
          "Safaricom accepted the push without a usable CheckoutRequestID: " + snippet(response),
          false);
    }
    String errorCode = json == null ? null : stringOrNull(json.getValue("errorCode"));
    boolean refusedBeforeProcessing = errorCode != null
        && (errorCode.startsWith("4")
            || errorCode.startsWith("500.001")
            // "System is busy", "Spike Arrest Violation", "Quota Violation": turned away at the
            // gateway
            || errorCode.equals("500.003.02")
            || errorCode.equals("500.003.03"));
    if (responseCode == null && !refusedBeforeProcessing && isTransient(response.statusCode())) {
      // a bare 5xx, or 500.003.1001 "Internal Server Error": the prompt may be on the phone; do not
      // push again
      throw new CollectionCallException(
          "Safaricom answered " + response.statusCode() + ": " + snippet(response), true);
    }
    String code = errorCode != null ? errorCode : responseCode;
    String message = json == null
        ? snippet(response)
        : clean(String.valueOf(
            json.getValue(errorCode != null ? "errorMessage" : "ResponseDescription")));
    return CollectionStatus.failed(
        "Safaricom " + (code == null ? "HTTP " + response.statusCode() : code) + " " + message);
  }

  @Override
  protected Future<CollectionStatus> askStatus(CollectionRequest request) {
    if (request.providerRequestId() == null) {
      return Future.failedFuture(new CollectionCallException(
          "no CheckoutRequestID: Daraja never answered the push, "
              + "so it cannot be queried (its callback still settles it)",
          false));
    }
    Settings s;
    try {
      s = Settings.of(request.settings());
    } catch (CollectionCallException e) {
      return Future.failedFuture(e);
    }
    String timestamp = TIMESTAMP.format(clock.instant().atZone(NAIROBI));
    JsonObject body = new JsonObject()
        .put("BusinessShortCode", numericOrText(s.shortCode()))
        .put("Password", password(s.shortCode(), s.passkey(), timestamp))
        .put("Timestamp", timestamp)
        .put("CheckoutRequestID", request.providerRequestId());
    return daraja.post(s.credentials(), QUERY_PATH, body).compose(response -> {
      JsonObject json = jsonObject(response);
      Object resultCode = json == null ? null : json.getValue("ResultCode");
      if (resultCode != null) {
        String code = String.valueOf(resultCode).trim();
        if ("0".equals(code)) {
          return Future.succeededFuture(CollectionStatus.succeeded(null));
        }
        if ("4999".equals(code)) {
          return Future.succeededFuture(CollectionStatus.pending(request.providerRequestId()));
        }
        return Future.succeededFuture(CollectionStatus.failed(
            code + " " + clean(String.valueOf(json.getValue("ResultDesc")))));
      }
      String errorCode = json == null ? null : stringOrNull(json.getValue("errorCode"));
      String errorMessage = json == null ? "" : String.valueOf(json.getValue("errorMessage"));
      if ("500.001.1001".equals(errorCode) && errorMessage.contains("being processed")) {
        return Future.succeededFuture(CollectionStatus.pending(request.providerRequestId()));
      }
      return Future.failedFuture(new CollectionCallException(
          "Safaricom STK query answered " + response.statusCode() + ": " + snippet(response),
          isTransient(response.statusCode())));
    });
  }

  /** The short code as a JSON number, as Daraja's sample sends {@code "BusinessShortCode": 174379}. */
  private static Object numericOrText(String shortCode) {
    return shortCode.matches("[0-9]{1,9}") ? Long.parseLong(shortCode) : shortCode;
  }

  private static String stringOrNull(Object v) {
    return v == null ? null : String.valueOf(v);
  }
}
