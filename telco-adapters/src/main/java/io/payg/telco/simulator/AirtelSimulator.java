package io.payg.telco.simulator;

import io.payg.telco.airtel.AirtelCollections;
import io.payg.telco.airtel.AirtelMessageSigning;
import io.payg.telco.airtel.AirtelTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An in-process Airtel Money Africa staging API on 127.0.0.1, for the gateway's tests and demo
 * mode. It speaks the calls {@link AirtelCollections} makes:
 * <ul>
 *   <li>{@code POST /auth/oauth2/token}: checks {@code {client_id, client_secret, grant_type:
 *       client_credentials}} (401 {@code invalid_client} otherwise); answers
 *       {@code {access_token, expires_in: "3600", token_type: "bearer"}}; tokens live
 *       {@link #setTokenLifetime(Duration) one hour} unless {@link #revokeTokens() revoked};</li>
 *   <li>{@code POST /merchant/v1/payments/}: checks the bearer token (401), {@code X-Country} /
 *       {@code X-Currency} against the body's countries and currencies, and the body (400
 *       ESB000008); a transaction id seen before answers 400 ESB000041 "External Transaction ID
 *       already exists" and changes nothing; else records the payment as TIP and answers 200
 *       {@code {data: {transaction: {id, status}}, status: {code, message, result_code: ESB000010,
 *       response_code, success: true}}};</li>
 *   <li>{@code POST /merchant/v2/payments/}: the same, and the body must be signed: {@code x-key}
 *       decrypts with the simulator's RSA private key (PKCS#1 v1.5 or OAEP-SHA-256: the sources
 *       disagree, see {@link AirtelMessageSigning}) to {@code Base64(key):Base64(iv)}, and
 *       {@code x-signature} AES-256-CBC-decrypts to the exact body bytes; otherwise 400 ESB000008
 *       "Invalid signature" (Airtel's refusal text for a bad signature is not published: guessed).
 *       {@link #signingPublicKey()} is the key to configure ({@link #settingsV2()});</li>
 *   <li>{@code GET /standard/v1/payments/{id}}: {@code {data: {transaction: {id, status, message,
 *       airtel_money_id (TS only)}}, status: {...}}}; an unknown id answers 404 ESB000045.</li>
 * </ul>
 *
 * <p>Sources: paths, headers, bodies and codes follow developers.airtel.africa (Collection API:
 * Authorization, USSD Push v1/v2, Transaction Enquiry, Callback), as copied in
 * fredpatch/ono_ticketr_server:services/airtelmoney/documentations.md (token answer
 * {@code expires_in} as a string, push answer {@code ESB000010} / {@code DP00800001006}); the
 * statuses TS, TF, TIP, TA, TE as listed by Airtel's enquiry documentation and by production
 * integrations (e.g. the "Statuts Airtel possibles" of a PHP integration found by code search:
 * TS success, TF failed, TA ambiguous, TIP in progress, TE expired); not found as 404 ESB000045 /
 * DP00800001025 ("No transaction found with provided transaction Id"). Timing: Airtel's sample
 * token answer says {@code expires_in "180"}; the simulator issues one-hour tokens unless
 * {@link #setTokenLifetime} sets the published 180 s. Callbacks are sent once (Airtel documents
 * no retry schedule).
 *
 * <p>The payer is played by the test: {@link #approve(String)}, {@link #reject(String, String)},
 * {@link #expire(String)} (TE, no callback: Airtel documents none for an expired prompt),
 * or {@link #approveAll(boolean)}. Like Airtel, the callback URL belongs to the application, not to
 * the request: {@link #setCallbackUrl(String)}. When {@link #setCallbacks(boolean) callbacks} are
 * on (the default) and a URL is set, settling a payment POSTs
 * {@code {transaction: {id, message, status_code, airtel_money_id}}} to it once, never retried,
 * with {@code hash} = Base64(HMAC-SHA256(secret, {"transaction":{...}})) when a
 * {@link #setCallbackSecret(String) callback secret} is set (Airtel's "callback authentication").
 * Every attempt is listed in {@link #callbacks()}.
 *
 * <p>Failure knobs: {@link #setDown(boolean)} closes connections without an answer,
 * {@link #setFailNext(int)} answers 500, {@link #setLatency(Duration)} delays answers (a payment is
 * recorded before the delay: a client timing out reproduces "requested, answer lost").
 */
public final class AirtelSimulator extends CollectionsSimulator<AirtelSimulator> {

  public static final String DEFAULT_CLIENT_ID = "airtel-sim-client-id";
  public static final String DEFAULT_CLIENT_SECRET = "airtel-sim-client-secret";
  public static final String DEFAULT_COUNTRY = "TZ";

  /** One payment accepted (200), as received: national msisdn, amount in major units ("5000", "10.5"). */
  public record Request(
      String id, String msisdn, String amount, String currency, String country, String reference) {}

  /** One callback attempt; {@code statusCode} is -1 when it could not be delivered. */
  public record Callback(String id, String url, String statusCode, int httpStatus) {}

  private static final Pattern NATIONAL = Pattern.compile("[0-9]{7,10}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

  private final PendingRequests<Payment> payments =
      new PendingRequests<>(this, "payment", new PendingRequests.Provider<>() {
        @Override
        public PendingRequests.CallbackCall callback(String id, Payment p, JsonObject transaction) {
          String url = callbackUrl;
          return url == null
              ? null
              : new PendingRequests.CallbackCall(
                  HttpMethod.POST,
                  url,
                  callbackBody(transaction).toBuffer(),
                  transaction.getString("status_code"));
        }

        @Override
        public void attempted(String id, String url, String statusCode, int httpStatus) {
          callbacks.add(new Callback(id, url, statusCode, httpStatus));
        }
      });
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private final AtomicLong moneyIds = new AtomicLong(1234);
  private final AtomicInteger signed = new AtomicInteger();
  private volatile String callbackUrl;
  private volatile String callbackSecret;
  private final KeyPair signingKeys;

  private final class Payment extends PendingRequests.Entry {
    final Request request;
    String message = "Transaction in progress";
    String airtelMoneyId;

    Payment(Request request) {
      super("TIP");
      this.request = request;
    }

    /** The callback's {@code transaction}: id, message, status_code, airtel_money_id. */
    @Override
    JsonObject settle(boolean approved, String reason) {
      if (approved) {
        status("TS");
        airtelMoneyId = "MP260116.0830.L" + String.format("%05d", moneyIds.incrementAndGet());
        message = "Paid " + request.currency() + " " + request.amount()
            + " to PAYG ENERGY, Trans ID " + airtelMoneyId + ".";
      } else {
        status("TF");
        message = reason;
      }
      JsonObject transaction = new JsonObject()
          .put("id", request.id())
          .put("message", message)
          .put("status_code", status());
      if (airtelMoneyId != null) {
        transaction.put("airtel_money_id", airtelMoneyId);
      }
      return transaction;
    }

    synchronized JsonObject transaction() {
      JsonObject transaction = new JsonObject();
      if (airtelMoneyId != null) {
        transaction.put("airtel_money_id", airtelMoneyId);
      }
      return transaction.put("id", request.id()).put("message", message).put("status", status());
    }
  }

  private AirtelSimulator(Vertx vertx) {
    super(vertx);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.signingKeys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The RSA public key of message signing, Base64 (X.509), as Airtel's portal shows it. */
  public String signingPublicKey() {
    return Base64.getEncoder().encodeToString(signingKeys.getPublic().getEncoded());
  }

  /** {@link #settings()} with apiVersion v2 and this simulator's signing key. */
  public Map<String, String> settingsV2() {
    Map<String, String> s = new HashMap<>(settings());
    s.put(AirtelCollections.SETTING_API_VERSION, "v2");
    s.put(AirtelCollections.SETTING_SIGNING_PUBLIC_KEY, signingPublicKey());
    return Map.copyOf(s);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<AirtelSimulator> start(Vertx vertx, int port) {
    return listen(new AirtelSimulator(vertx), port);
  }

  /** The plugin settings this simulator accepts: baseUrl, clientId, clientSecret, country (TZ). */
  public Map<String, String> settings() {
    return Map.of(
        AirtelCollections.SETTING_BASE_URL, baseUrl(),
        AirtelCollections.SETTING_CLIENT_ID, DEFAULT_CLIENT_ID,
        AirtelCollections.SETTING_CLIENT_SECRET, DEFAULT_CLIENT_SECRET,
        AirtelCollections.SETTING_COUNTRY, DEFAULT_COUNTRY);
  }

  // ---------------------------------------------------------------- knobs

  /**
   * The payer approves: the payment becomes TS with a new airtel_money_id. The future completes
   * once the callback attempt is over (at once without one); it fails for an unknown id or a
   * payment no longer in progress.
   */
  public Future<Void> approve(String id) {
    return payments.settle(id, true, null);
  }

  /** The payment fails (TF) with {@code message} (e.g. "Insufficient funds"). */
  public Future<Void> reject(String id, String message) {
    return payments.settle(
        id, false, message == null || message.isBlank() ? "Transaction failed" : message);
  }

  /** The payer lets the prompt time out: the payment becomes TE "Transaction Expired"; no callback. */
  public AirtelSimulator expire(String id) {
    Payment p = payments.get(id);
    if (p == null) {
      throw new IllegalArgumentException("no payment " + id);
    }
    synchronized (p) {
      if (!"TIP".equals(p.status())) {
        throw new IllegalStateException("payment " + id + " is " + p.status());
      }
      p.status("TE");
      p.message = "Transaction Expired";
    }
    return this;
  }

  /** Signed (v2) payments received, in order. */
  public int signedRequests() {
    return signed.get();
  }

  /** The application's callback URL, as configured in Airtel's portal; null: none. */
  public AirtelSimulator setCallbackUrl(String url) {
    this.callbackUrl = url;
    return this;
  }

  /** The private key of callback authentication: callbacks carry {@code hash}; null: unsigned. */
  public AirtelSimulator setCallbackSecret(String secret) {
    this.callbackSecret = secret;
    return this;
  }

  /** Accepted payments (repeats refused as ESB000041 are not listed), oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Callback attempts, oldest first. */
  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  /** The payment's current status (TIP, TS, TF, TE), or null when unknown. */
  public String statusOf(String id) {
    return payments.statusOf(id);
  }

  /** {transaction}, with {@code hash} when a callback secret is set (Airtel's "callback authentication"). */
  private JsonObject callbackBody(JsonObject transaction) {
    JsonObject body = new JsonObject().put("transaction", transaction);
    String secret = callbackSecret;
    if (secret != null) {
      body.put(
          "hash",
          AirtelTelcoAdapter.hash(
              secret,
              new JsonObject()
                  .put("transaction", transaction)
                  .encode()
                  .getBytes(StandardCharsets.UTF_8)));
    }
    return body;
  }

  // ---------------------------------------------------------------- HTTP

  @Override
  protected void answerInternalError(HttpServerRequest req) {
    reply(req, 500, envelope(null, "500", "Internal Server Error", "ESB000001", null, false));
  }

  @Override
  protected void route(HttpServerRequest req, Buffer body) {
    String path = req.path();
    if (req.method() == HttpMethod.POST && path.equals(AirtelCollections.TOKEN_PATH)) {
      token(req, body);
    } else if (req.method() == HttpMethod.POST && path.equals(AirtelCollections.PAYMENTS_PATH)) {
      payment(req, body);
    } else if (req.method() == HttpMethod.POST && path.equals(AirtelCollections.PAYMENTS_V2_PATH)) {
      if (!authorized(req)) {
        return;
      }
      byte[] opened = AirtelMessageSigning.open(
          req.getHeader(AirtelCollections.SIGNATURE_HEADER),
          req.getHeader(AirtelCollections.KEY_HEADER),
          signingKeys.getPrivate());
      if (opened == null || !Arrays.equals(opened, body.getBytes())) {
        reply(req, 400, envelope(null, "400", "Invalid signature", "ESB000008", null, false));
        return;
      }
      signed.incrementAndGet();
      payment(req, body);
    } else if (req.method() == HttpMethod.GET
        && path.startsWith(AirtelCollections.ENQUIRY_PATH)
        && path.length() > AirtelCollections.ENQUIRY_PATH.length()) {
      enquiry(req, path.substring(AirtelCollections.ENQUIRY_PATH.length()));
    } else {
      reply(req, 404, new JsonObject().put("error", "not_found"));
    }
  }

  private void token(HttpServerRequest req, Buffer raw) {
    JsonObject body = object(raw);
    if (body == null
        || !"client_credentials".equals(body.getValue("grant_type"))
        || !constantTimeEquals(DEFAULT_CLIENT_ID, body.getValue("client_id"))
        || !constantTimeEquals(DEFAULT_CLIENT_SECRET, body.getValue("client_secret"))) {
      reply(
          req,
          401,
          new JsonObject()
              .put("error_description", "Client authentication failed")
              .put("error", "invalid_client"));
      return;
    }
    IssuedToken token = issueToken();
    reply(
        req,
        200,
        new JsonObject()
            .put("access_token", token.accessToken())
            .put("expires_in", Long.toString(token.lifetimeSeconds()))
            .put("token_type", "bearer"));
  }

  private void payment(HttpServerRequest req, Buffer raw) {
    if (!authorized(req)) {
      return;
    }
    JsonObject body = object(raw);
    String invalid = invalid(
        body,
        req.getHeader(AirtelCollections.COUNTRY_HEADER),
        req.getHeader(AirtelCollections.CURRENCY_HEADER));
    if (invalid != null) {
      reply(req, 400, envelope(null, "400", invalid, "ESB000008", null, false));
      return;
    }
    JsonObject transaction = body.getJsonObject("transaction");
    String id = transaction.getString("id");
    Request request = new Request(
        id,
        body.getJsonObject("subscriber").getString("msisdn"),
        new BigDecimal(transaction.getValue("amount").toString()).toPlainString(),
        transaction.getString("currency"),
        transaction.getString("country"),
        body.getString("reference"));
    if (!payments.take(id, new Payment(request), () -> requests.add(request))) {
      reply(
          req,
          400,
          envelope(
              null, "400", "External Transaction ID already exists.", "ESB000041", null, false));
      return;
    }
    reply(
        req,
        200,
        envelope(
            new JsonObject()
                .put("transaction", new JsonObject().put("id", id).put("status", "Success.")),
            "200",
            "SUCCESS",
            "ESB000010",
            "DP00800001006",
            true));
  }

  private void enquiry(HttpServerRequest req, String id) {
    if (!authorized(req)) {
      return;
    }
    if (req.getHeader(AirtelCollections.COUNTRY_HEADER) == null
        || req.getHeader(AirtelCollections.CURRENCY_HEADER) == null) {
      reply(
          req,
          400,
          envelope(
              null, "400", "X-Country and X-Currency are required.", "ESB000008", null, false));
      return;
    }
    ScriptedAnswer scripted = nextScripted(id);
    if (scripted != null) {
      reply(req, scripted.status(), "application/json", scripted.body());
      return;
    }
    Payment p = payments.get(id);
    if (p == null) {
      reply(
          req,
          404,
          envelope(
              null,
              "404",
              "No transaction found with provided transaction Id.",
              "ESB000045",
              "DP00800001025",
              false));
      return;
    }
    JsonObject transaction = p.transaction();
    String responseCode = switch (transaction.getString("status")) {
      case "TS" -> "DP00800001001";
      case "TF", "TE" -> "DP00800001007";
      default -> "DP00800001006";
    };
    reply(
        req,
        200,
        envelope(
            new JsonObject().put("transaction", transaction),
            "200",
            "SUCCESS",
            "ESB000010",
            responseCode,
            true));
  }

  /** Bearer token; answers the refusal itself. */
  private boolean authorized(HttpServerRequest req) {
    if (!bearerValid(req)) {
      reply(
          req,
          401,
          new JsonObject()
              .put("error_description", "The access token is invalid or has expired")
              .put("error", "invalid_token"));
      return false;
    }
    return true;
  }

  private static String invalid(JsonObject body, String xCountry, String xCurrency) {
    if (body == null) {
      return "A JSON object body is required.";
    }
    if (xCountry == null
        || !COUNTRY.matcher(xCountry).matches()
        || xCurrency == null
        || !CURRENCY.matcher(xCurrency).matches()) {
      return "X-Country and X-Currency are required.";
    }
    if (!(body.getValue("subscriber") instanceof JsonObject subscriber)
        || !(body.getValue("transaction") instanceof JsonObject transaction)) {
      return "subscriber and transaction are required.";
    }
    if (!(subscriber.getValue("msisdn") instanceof String msisdn)
        || !NATIONAL.matcher(msisdn).matches()) {
      return "Invalid MSISDN: subscriber.msisdn must be the number without the country code.";
    }
    if (!xCountry.equals(subscriber.getValue("country"))
        || !xCountry.equals(transaction.getValue("country"))) {
      return "Invalid country.";
    }
    if (!xCurrency.equals(subscriber.getValue("currency"))
        || !xCurrency.equals(transaction.getValue("currency"))) {
      return "Invalid currency.";
    }
    if (!(transaction.getValue("amount") instanceof Number amount)
        || new BigDecimal(amount.toString()).signum() <= 0) {
      return "transaction.amount must be a positive number.";
    }
    if (!(transaction.getValue("id") instanceof String id) || id.isBlank() || id.length() > 64) {
      return "transaction.id is required.";
    }
    if (!(body.getValue("reference") instanceof String reference)
        || reference.isBlank()
        || reference.length() > 64) {
      return "reference is required.";
    }
    return null;
  }

  private static JsonObject envelope(
      JsonObject data,
      String code,
      String message,
      String resultCode,
      String responseCode,
      boolean success) {
    JsonObject status =
        new JsonObject().put("code", code).put("message", message).put("result_code", resultCode);
    if (responseCode != null) {
      status.put("response_code", responseCode);
    }
    status.put("success", success);
    JsonObject envelope = new JsonObject();
    if (data != null) {
      envelope.put("data", data);
    }
    return envelope.put("status", status);
  }

  private static JsonObject object(Buffer raw) {
    try {
      return raw != null && raw.length() > 0 && raw.toJsonValue() instanceof JsonObject o
          ? o
          : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void reply(HttpServerRequest req, int status, JsonObject json) {
    reply(req, status, "application/json", json.encode());
  }
}
