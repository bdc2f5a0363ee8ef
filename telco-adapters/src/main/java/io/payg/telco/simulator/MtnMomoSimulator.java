package io.payg.telco.simulator;

import io.payg.telco.mtn.MtnMomoCollections;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * An in-process MTN MoMo Collection sandbox on 127.0.0.1, for the gateway's tests and demo mode.
 * It speaks the calls {@link MtnMomoCollections} makes:
 * <ul>
 *   <li>{@code POST /collection/token/}: checks {@code Ocp-Apim-Subscription-Key} and HTTP Basic
 *       apiUser:apiKey (401 otherwise); answers {@code {access_token, token_type, expires_in}};
 *       tokens live {@link #setTokenLifetime(Duration) one hour} unless {@link #revokeTokens() revoked};</li>
 *   <li>{@code POST /collection/v1_0/requesttopay}: checks the subscription key and bearer token
 *       (401), {@code X-Target-Environment} "sandbox" (403), a UUID {@code X-Reference-Id}, an http(s)
 *       {@code X-Callback-Url} when given, and the body (400); a reference seen before answers
 *       409 RESOURCE_ALREADY_EXIST and changes nothing; else records the request as PENDING, 202;</li>
 *   <li>{@code GET /collection/v1_0/requesttopay/{reference}}: the request-to-pay object
 *       ({@code financialTransactionId} once SUCCESSFUL, {@code reason} once FAILED), 404
 *       RESOURCE_NOT_FOUND for an unknown reference.</li>
 * </ul>
 * Error bodies are {@code {code, message}} with MoMo's codes where its documentation names them.
 *
 * <p>Sources: momodeveloper.mtn.com, Collection API (paths {@code /collection/token/},
 * {@code /collection/v1_0/requesttopay[/{referenceId}]}; headers {@code Ocp-Apim-Subscription-Key},
 * {@code X-Reference-Id}, {@code X-Target-Environment}, {@code X-Callback-Url}; 202 on creation,
 * 409 RESOURCE_ALREADY_EXIST, 404 RESOURCE_NOT_FOUND; the {@code RequestToPayResult} object with
 * the amount as a string and {@code reason} as an {@code ErrorReason {code, message}}), its
 * "Callback" page (the result object PUT or POSTed once, unsigned, not retried) and the sandbox
 * (reason as a plain string such as APPROVAL_REJECTED); MTN-Group/MoMoAPIs_Javascript_sdk
 * (src/code-snippets: amount "5.0" as a string, payer {partyIdType: MSISDN, partyId}). Where these
 * disagree the simulator produces each variant: {@link #setReasonAsObject} (string or object
 * reason), {@link #setAmountWithDecimals} ("5000" or "5000.00"), {@link #setCallbackMethod} (PUT
 * or POST); {@link #scriptStatus} answers a published sample verbatim.
 *
 * <p>The payer is played by the test: {@link #approve(String)}, {@link #reject(String, String)},
 * or {@link #approveAll(boolean)}. When {@link #setCallbacks(boolean) callbacks} are on (the
 * default), settling a request sends the final object once to its {@code X-Callback-Url} by
 * {@link #setCallbackMethod PUT}, never retried, whatever the answer; when off, the callback is
 * "lost" and only the status call tells. Every callback attempt is listed in {@link #callbacks()}.
 *
 * <p>Failure knobs: {@link #setDown(boolean)} closes connections without an answer,
 * {@link #setFailNext(int)} answers 500, {@link #setLatency(Duration)} delays answers (a
 * request-to-pay is recorded before the delay: a client timing out reproduces "requested, answer
 * lost").
 */
public final class MtnMomoSimulator extends CollectionsSimulator<MtnMomoSimulator> {

  public static final String DEFAULT_SUBSCRIPTION_KEY = "momo-sim-subscription-key";
  public static final String DEFAULT_API_USER = "6f0e3a4c-5b1d-4e8a-9c2f-7d3b1a0e9f42";
  public static final String DEFAULT_API_KEY = "momo-sim-api-key";
  public static final String TARGET_ENVIRONMENT = "sandbox";

  /** One request-to-pay accepted (202), as received: amount in major units ("5000", "10.50"). */
  public record Request(String reference, String msisdn, String amount, String currency) {}

  /** One callback attempt; {@code statusCode} is -1 when it could not be delivered. */
  public record Callback(String reference, String url, String status, int statusCode) {}

  private static final String REQUEST_TO_PAY_ITEM = MtnMomoCollections.REQUEST_TO_PAY_PATH + "/";
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,6})?");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final PendingRequests<Transaction> transactions =
      new PendingRequests<>(this, "request-to-pay", new PendingRequests.Provider<>() {
        @Override
        public PendingRequests.CallbackCall callback(
            String reference, Transaction t, JsonObject settled) {
          return t.callbackUrl == null
              ? null
              : new PendingRequests.CallbackCall(
                  callbackMethod, t.callbackUrl, settled.toBuffer(), settled.getString("status"));
        }

        @Override
        public void attempted(String reference, String url, String status, int httpStatus) {
          callbacks.add(new Callback(reference, url, status, httpStatus));
        }
      });
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private final AtomicLong financialIds = new AtomicLong(3_634_404_630L);
  private volatile HttpMethod callbackMethod = HttpMethod.PUT;
  private volatile boolean reasonAsObject;
  private volatile boolean amountWithDecimals;

  private final class Transaction extends PendingRequests.Entry {
    final JsonObject body;
    final String callbackUrl;
    String financialTransactionId;
    String reason;

    Transaction(JsonObject body, String callbackUrl) {
      super("PENDING");
      this.body = body;
      this.callbackUrl = callbackUrl;
    }

    /** The final object, as the status call shows it, is the callback's body. */
    @Override
    JsonObject settle(boolean approved, String reason) {
      if (approved) {
        status("SUCCESSFUL");
        financialTransactionId = Long.toString(financialIds.incrementAndGet());
      } else {
        status("FAILED");
        this.reason = reason;
      }
      return view(reasonAsObject, amountWithDecimals);
    }

    synchronized JsonObject view(boolean reasonAsObject, boolean amountWithDecimals) {
      JsonObject view = new JsonObject();
      if (financialTransactionId != null) {
        view.put("financialTransactionId", financialTransactionId);
      }
      view.put("externalId", body.getValue("externalId"))
          // the request's amount; some MoMo deployments echo it with decimals ("5000.00" for
          // "5000"): RequestToPayResult.amount is a free "string" in momodeveloper.mtn.com's spec
          .put(
              "amount",
              amountWithDecimals
                  ? new BigDecimal(body.getString("amount"))
                      .setScale(2, RoundingMode.UNNECESSARY)
                      .toPlainString()
                  : body.getValue("amount"))
          .put("currency", body.getValue("currency"))
          .put("payer", body.getValue("payer"))
          .put("payerMessage", body.getValue("payerMessage"))
          .put("payeeNote", body.getValue("payeeNote"))
          .put("status", status());
      if (reason != null) {
        // two published shapes: the sandbox's string ("APPROVAL_REJECTED"), and the API
        // specification's ErrorReason object {code, message} (momodeveloper.mtn.com, Collection
        // API "RequestToPayResult"); a listener must read both
        view.put(
            "reason",
            reasonAsObject
                ? new JsonObject().put("code", reason).put("message", reasonMessage(reason))
                : reason);
      }
      return view;
    }
  }

  /** MoMo's message for its reason codes (momodeveloper.mtn.com, "Common error" codes). */
  static String reasonMessage(String code) {
    return switch (code) {
      case "APPROVAL_REJECTED" -> "Approval rejected";
      case "EXPIRED" -> "Request to pay expired";
      case "NOT_ENOUGH_FUNDS" -> "The payer does not have enough funds";
      case "PAYER_NOT_FOUND" -> "Payer does not exist";
      case "PAYER_LIMIT_REACHED" -> "The payer's limit has been breached";
      default -> "The transaction failed";
    };
  }

  private MtnMomoSimulator(Vertx vertx) {
    super(vertx);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<MtnMomoSimulator> start(Vertx vertx, int port) {
    return listen(new MtnMomoSimulator(vertx), port);
  }

  /** The plugin settings this simulator accepts: baseUrl, subscriptionKey, apiUser, apiKey, targetEnvironment. */
  public Map<String, String> settings() {
    return Map.of(
        MtnMomoCollections.SETTING_BASE_URL, baseUrl(),
        MtnMomoCollections.SETTING_SUBSCRIPTION_KEY, DEFAULT_SUBSCRIPTION_KEY,
        MtnMomoCollections.SETTING_API_USER, DEFAULT_API_USER,
        MtnMomoCollections.SETTING_API_KEY, DEFAULT_API_KEY,
        MtnMomoCollections.SETTING_TARGET_ENVIRONMENT, TARGET_ENVIRONMENT);
  }

  // ---------------------------------------------------------------- knobs

  /**
   * The payer approves: the request becomes SUCCESSFUL with a new financialTransactionId. The
   * future completes once the callback attempt is over (at once without one); it fails for an
   * unknown reference or a request no longer PENDING.
   */
  public Future<Void> approve(String reference) {
    return transactions.settle(reference, true, null);
  }

  /** The request fails with {@code reason} (MoMo's codes: APPROVAL_REJECTED, EXPIRED, NOT_ENOUGH_FUNDS, ...). */
  public Future<Void> reject(String reference, String reason) {
    return transactions.settle(
        reference, false, reason == null || reason.isBlank() ? "APPROVAL_REJECTED" : reason);
  }

  /** PUT (the default) or POST: MoMo uses both, and asks listeners to accept both. */
  public MtnMomoSimulator setCallbackMethod(HttpMethod method) {
    if (method != HttpMethod.PUT && method != HttpMethod.POST) {
      throw new IllegalArgumentException("MoMo calls back with PUT or POST");
    }
    this.callbackMethod = method;
    return this;
  }

  /** FAILED reasons as {code, message} objects (true) or as the sandbox's strings (false, the default). */
  public MtnMomoSimulator setReasonAsObject(boolean asObject) {
    this.reasonAsObject = asObject;
    return this;
  }

  /** Report amounts with two decimals ("5000.00" for a request of "5000"). */
  public MtnMomoSimulator setAmountWithDecimals(boolean withDecimals) {
    this.amountWithDecimals = withDecimals;
    return this;
  }

  /** Accepted request-to-pay calls (repeats answered 409 are not listed), oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Callback attempts, oldest first. */
  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  /** The request's current status (PENDING, SUCCESSFUL, FAILED), or null when unknown. */
  public String statusOf(String reference) {
    return transactions.statusOf(reference);
  }

  // ---------------------------------------------------------------- HTTP

  @Override
  protected void answerInternalError(HttpServerRequest req) {
    reply(
        req,
        500,
        error("INTERNAL_PROCESSING_ERROR", "An internal error occurred while processing."));
  }

  @Override
  protected void route(HttpServerRequest req, Buffer body) {
    String path = req.path();
    if (req.method() == HttpMethod.POST && path.equals(MtnMomoCollections.TOKEN_PATH)) {
      token(req);
    } else if (req.method() == HttpMethod.POST
        && path.equals(MtnMomoCollections.REQUEST_TO_PAY_PATH)) {
      requestToPay(req, body);
    } else if (req.method() == HttpMethod.GET && path.startsWith(REQUEST_TO_PAY_ITEM)) {
      status(req, path.substring(REQUEST_TO_PAY_ITEM.length()));
    } else {
      reply(req, 404, error("RESOURCE_NOT_FOUND", "Requested resource was not found."));
    }
  }

  private void token(HttpServerRequest req) {
    if (!subscriptionKeyValid(req)) {
      reply(req, 401, subscriptionKeyError());
      return;
    }
    String expected = "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (DEFAULT_API_USER + ":" + DEFAULT_API_KEY).getBytes(StandardCharsets.UTF_8));
    if (!constantTimeEquals(expected, req.getHeader("Authorization"))) {
      reply(req, 401, new JsonObject().put("error", "login_failed"));
      return;
    }
    IssuedToken token = issueToken();
    reply(
        req,
        200,
        new JsonObject()
            .put("access_token", token.accessToken())
            .put("token_type", "access_token")
            .put("expires_in", token.lifetimeSeconds()));
  }

  private void requestToPay(HttpServerRequest req, Buffer raw) {
    if (!authorized(req)) {
      return;
    }
    String reference = req.getHeader(MtnMomoCollections.REFERENCE_ID_HEADER);
    if (reference == null || !MtnMomoCollections.UUID_TEXT.matcher(reference).matches()) {
      reply(req, 400, error("INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID."));
      return;
    }
    String callbackUrl = req.getHeader(MtnMomoCollections.CALLBACK_URL_HEADER);
    if (callbackUrl != null && !httpUrl(callbackUrl)) {
      reply(req, 400, error("INVALID_CALLBACK_URL_HOST", "Callback URL host is not valid."));
      return;
    }
    JsonObject body;
    try {
      body = raw.toJsonValue() instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      body = null;
    }
    String invalid = invalid(body);
    if (invalid != null) {
      reply(req, 400, error("BAD_REQUEST", invalid));
      return;
    }
    JsonObject payer = body.getJsonObject("payer");
    Request request = new Request(
        reference,
        payer.getString("partyId"),
        body.getString("amount"),
        body.getString("currency"));
    if (!transactions.take(
        reference, new Transaction(body.copy(), callbackUrl), () -> requests.add(request))) {
      reply(
          req,
          409,
          error("RESOURCE_ALREADY_EXIST", "Duplicated reference id. Creation of resource failed."));
      return;
    }
    reply(req, 202, null);
  }

  private void status(HttpServerRequest req, String reference) {
    if (!authorized(req)) {
      return;
    }
    ScriptedAnswer scripted = nextScripted(reference);
    if (scripted != null) {
      reply(req, scripted.status(), "application/json;charset=utf-8", scripted.body());
      return;
    }
    Transaction t = transactions.get(reference);
    if (t == null) {
      reply(req, 404, error("RESOURCE_NOT_FOUND", "Requested resource was not found."));
      return;
    }
    reply(req, 200, t.view(reasonAsObject, amountWithDecimals));
  }

  /** Subscription key, bearer token, target environment; answers the refusal itself. */
  private boolean authorized(HttpServerRequest req) {
    if (!subscriptionKeyValid(req)) {
      reply(req, 401, subscriptionKeyError());
      return false;
    }
    if (!bearerValid(req)) {
      reply(
          req,
          401,
          new JsonObject()
              .put("statusCode", 401)
              .put("message", "Access denied due to invalid or expired access token."));
      return false;
    }
    if (!TARGET_ENVIRONMENT.equals(req.getHeader(MtnMomoCollections.TARGET_ENVIRONMENT_HEADER))) {
      reply(
          req,
          403,
          error("NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden."));
      return false;
    }
    return true;
  }

  private static String invalid(JsonObject body) {
    if (body == null) {
      return "A JSON object body is required.";
    }
    if (!(body.getValue("amount") instanceof String amount)
        || !DECIMAL.matcher(amount).matches()
        || new BigDecimal(amount).signum() <= 0) {
      return "amount must be a positive decimal string.";
    }
    if (!(body.getValue("currency") instanceof String currency)
        || !CURRENCY.matcher(currency).matches()) {
      return "currency must be an ISO 4217 code.";
    }
    if (!(body.getValue("externalId") instanceof String)) {
      return "externalId is required.";
    }
    if (!(body.getValue("payer") instanceof JsonObject payer)
        || !"MSISDN".equals(payer.getValue("partyIdType"))
        || !(payer.getValue("partyId") instanceof String partyId)
        || !partyId.matches("[0-9]{5,15}")) {
      return "payer must be {partyIdType: MSISDN, partyId: digits}.";
    }
    for (String note : List.of("payerMessage", "payeeNote")) {
      Object value = body.getValue(note);
      if (value != null && !(value instanceof String s && s.length() <= 160)) {
        return note + " must be a string of at most 160 characters.";
      }
    }
    return null;
  }

  private static boolean httpUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.getHost() != null
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean subscriptionKeyValid(HttpServerRequest req) {
    return constantTimeEquals(
        DEFAULT_SUBSCRIPTION_KEY, req.getHeader(MtnMomoCollections.SUBSCRIPTION_KEY_HEADER));
  }

  private static JsonObject subscriptionKeyError() {
    return new JsonObject()
        .put("statusCode", 401)
        .put(
            "message",
            "Access denied due to invalid subscription key. Make sure to provide a valid key for an active "
                + "subscription.");
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("code", code).put("message", message);
  }

  private void reply(HttpServerRequest req, int status, JsonObject json) {
    reply(req, status, "application/json;charset=utf-8", json == null ? null : json.encode());
  }
}
