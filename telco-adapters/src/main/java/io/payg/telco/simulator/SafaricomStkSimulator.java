package io.payg.telco.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Daraja's API side on loopback, written from Safaricom's pages: the OAuth token
 * (https://developer.safaricom.co.ke/apis/Authorization), M-Pesa Express push and its callback
 * (.../apis/MpesaExpressSimulate), M-Pesa Express query (.../apis/MpesaExpressQuery) and the
 * Transaction Status query with its asynchronous result (.../apis/TransactionStatus). Where the
 * pages are silent, MicroPowerManager's plugin is the source
 * (EnAccess/micropowermanager:src/backend/app/Plugins/SafaricomKePaymentProvider).
 *
 * <p>Knobs: {@link #approve}, {@link #fail} (any published result code: 1032 cancelled, 1
 * insufficient balance, 2001 wrong PIN, 1037 unreachable ...), {@link #setLockedSubscriber},
 * {@link #onTransactionStatus}, and the base's callbacks on/off, down, fail-next, latency, tokens.
 */
public final class SafaricomStkSimulator extends CollectionsSimulator<SafaricomStkSimulator> {

  public static final String CONSUMER_KEY = "daraja-sim-consumer-key";
  public static final String CONSUMER_SECRET = "daraja-sim-consumer-secret";
  /**
   * The sandbox's Lipa Na M-Pesa Online short code and passkey: MpesaExpressSimulate's sample Password
   * decodes to them.
   */
  public static final String SHORT_CODE = "174379";

  public static final String PASSKEY =
      "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
  public static final String INITIATOR = "testapi";
  public static final String SECURITY_CREDENTIAL = "sim-security-credential";

  /** "YYYYMMDDHHmmss" (MpesaExpressSimulate's parameter table), Nairobi time. */
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

  private static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SEQUENCE = new AtomicLong(29115);

  /** One push as Daraja received it. */
  public record Push(
      String merchantRequestId,
      String checkoutRequestId,
      String phoneNumber,
      long amount,
      String accountReference,
      String transactionType,
      String partyB,
      String callbackUrl) {}

  /** One callback sent, and the HTTP status the merchant answered (0: no answer). */
  public record Callback(
      String checkoutRequestId, JsonObject body, int httpStatus, JsonObject answer) {}

  /** A Transaction Status query as Daraja received it. */
  public record StatusQuery(
      String transactionId,
      String originatorConversationId,
      String resultUrl,
      String queueTimeOutUrl,
      JsonObject body) {}

  private final Map<String, Push> pushes = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> results = new ConcurrentHashMap<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private final List<StatusQuery> statusQueries = new CopyOnWriteArrayList<>();
  private final Map<String, Long> completedPayments = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> queryAnswers = new ConcurrentHashMap<>();
  private final Map<String, Integer> queryStatuses = new ConcurrentHashMap<>();
  private volatile boolean lockedSubscriber;
  private volatile boolean answerStatusQueries = true;

  private SafaricomStkSimulator(Vertx vertx) {
    super(vertx);
  }

  public static Future<SafaricomStkSimulator> start(Vertx vertx, int port) {
    return listen(new SafaricomStkSimulator(vertx), port);
  }

  /** The {@code safaricom-stk} plugin settings this simulator accepts (callbacks come from 127.0.0.1). */
  public Map<String, String> settings() {
    return Map.of(
        "baseUrl",
        baseUrl(),
        "consumerKey",
        CONSUMER_KEY,
        "consumerSecret",
        CONSUMER_SECRET,
        "shortCode",
        SHORT_CODE,
        "passkey",
        PASSKEY,
        "allowedSources",
        "127.0.0.1/32");
  }

  /** The Transaction Status settings of the {@code safaricom} (C2B) plugin for this simulator. */
  public Map<String, String> transactionStatusSettings() {
    return Map.of(
        "baseUrl",
        baseUrl(),
        "consumerKey",
        CONSUMER_KEY,
        "consumerSecret",
        CONSUMER_SECRET,
        "initiator",
        INITIATOR,
        "securityCredential",
        SECURITY_CREDENTIAL);
  }

  // ---------------------------------------------------------------- knobs

  public List<Push> pushes() {
    return new ArrayList<>(pushes.values());
  }

  /** The push whose AccountReference is {@code reference} (the serial), or null. */
  public Push pushFor(String reference) {
    return pushes.values().stream()
        .filter(p -> p.accountReference().equals(reference))
        .findFirst()
        .orElse(null);
  }

  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  public List<StatusQuery> statusQueries() {
    return List.copyOf(statusQueries);
  }

  /**
   * The query about {@code checkoutRequestId} is answered with exactly this status and body from now
   * on (a conformance kit's published answer), whatever the push's state.
   */
  public SafaricomStkSimulator answerQuery(String checkoutRequestId, int status, JsonObject body) {
    queryStatuses.put(checkoutRequestId, status);
    queryAnswers.put(checkoutRequestId, body.copy());
    return this;
  }

  /** Answers every push with 500.001.1001 "Unable to lock subscriber" (MpesaExpressSimulate error table). */
  public SafaricomStkSimulator setLockedSubscriber(boolean locked) {
    this.lockedSubscriber = locked;
    return this;
  }

  /**
   * The payer typed the PIN: ResultCode 0 with a new MpesaReceiptNumber; answers the receipt once the
   * callback is over.
   */
  public Future<String> approve(String checkoutRequestId) {
    String receipt = receipt();
    return settle(checkoutRequestId, 0, "The service request is processed successfully.", receipt)
        .map(receipt);
  }

  /** The push ends with {@code resultCode} (1032 "Request cancelled by user", 1, 2001, 1037 ...). */
  public Future<Void> fail(String checkoutRequestId, int resultCode, String resultDesc) {
    return settle(checkoutRequestId, resultCode, resultDesc, null);
  }

  /** A C2B payment Daraja knows (for Transaction Status): {@code transId} of {@code amountKes} shillings, Completed. */
  public SafaricomStkSimulator completedPayment(String transId, long amountKes) {
    completedPayments.put(transId, amountKes);
    return this;
  }

  /** Off: Transaction Status queries are accepted but their result never sent (a lost ResultURL call). */
  public SafaricomStkSimulator onTransactionStatus(boolean answer) {
    this.answerStatusQueries = answer;
    return this;
  }

  private Future<Void> settle(
      String checkoutRequestId, int resultCode, String resultDesc, String receipt) {
    Push push = pushes.get(checkoutRequestId);
    if (push == null || results.containsKey(checkoutRequestId)) {
      return Future.failedFuture("unknown or settled push " + checkoutRequestId);
    }
    JsonObject stk = new JsonObject()
        .put("MerchantRequestID", push.merchantRequestId())
        .put("CheckoutRequestID", checkoutRequestId)
        .put("ResultCode", resultCode)
        .put("ResultDesc", resultDesc);
    if (resultCode == 0) {
      // the success sample's items, with numbers as numbers (Amount 1.00, TransactionDate and
      // PhoneNumber digits)
      stk.put(
          "CallbackMetadata",
          new JsonObject()
              .put(
                  "Item",
                  new JsonArray()
                      .add(new JsonObject().put("Name", "Amount").put("Value", (double)
                          push.amount()))
                      .add(new JsonObject().put("Name", "MpesaReceiptNumber").put("Value", receipt))
                      .add(new JsonObject()
                          .put(
                              "Name",
                              "Balance")) // no Value: as Daraja sends it (MicroPowerManager's
                      // fixtures)
                      .add(new JsonObject()
                          .put("Name", "TransactionDate")
                          .put(
                              "Value",
                              Long.parseLong(TIMESTAMP.format(Instant.now().atZone(NAIROBI)))))
                      .add(new JsonObject()
                          .put("Name", "PhoneNumber")
                          .put("Value", Long.parseLong(push.phoneNumber())))));
    }
    results.put(
        checkoutRequestId,
        new JsonObject()
            .put("ResultCode", String.valueOf(resultCode))
            .put("ResultDesc", resultDesc)
            .put("MerchantRequestID", push.merchantRequestId()));
    JsonObject body = new JsonObject().put("Body", new JsonObject().put("stkCallback", stk));
    if (!callbacksOn()) {
      return Future.succeededFuture();
    }
    return callbackClient
        .postAbs(push.callbackUrl())
        .sendJsonObject(body)
        .map(r -> {
          JsonObject answer;
          try {
            answer = r.bodyAsJsonObject();
          } catch (RuntimeException e) {
            answer = null;
          }
          callbacks.add(new Callback(checkoutRequestId, body, r.statusCode(), answer));
          return (Void) null;
        })
        .recover(err -> {
          callbacks.add(new Callback(checkoutRequestId, body, 0, null));
          return Future.succeededFuture();
        });
  }

  private static String receipt() {
    // "NLJ7RT61SV": ten upper-case letters and digits (the success sample)
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder b = new StringBuilder("S");
    for (int i = 0; i < 9; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- HTTP

  @Override
  protected void answerInternalError(HttpServerRequest req) {
    reply(req, 500, error("500.003.1001", "Internal Server Error"));
  }

  @Override
  protected void route(HttpServerRequest req, Buffer body) {
    String path = req.path();
    if (req.method() == HttpMethod.GET && "/oauth/v1/generate".equals(path)) {
      token(req);
      return;
    }
    if (req.method() != HttpMethod.POST) {
      // "All M-PESA APIs on the Daraja platform are POST except Authorization API"
      // (TransactionStatus error table)
      reply(req, 405, error("405.001", "Method Not Allowed"));
      return;
    }
    if (!bearerValid(req)) {
      reply(req, 404, error("404.001.03", "Invalid Access Token"));
      return;
    }
    JsonObject json;
    try {
      json = body.length() == 0 ? null : body.toJsonObject();
    } catch (RuntimeException e) {
      json = null;
    }
    if (json == null) {
      reply(req, 400, error("400.002.05", "Invalid Request Payload"));
      return;
    }
    switch (path) {
      case "/mpesa/stkpush/v1/processrequest" -> push(req, json);
      case "/mpesa/stkpushquery/v1/query" -> query(req, json);
      case "/mpesa/transactionstatus/v1/query" -> transactionStatus(req, json);
      default -> reply(req, 404, error("404.001.01", "Resource not found"));
    }
  }

  private void token(HttpServerRequest req) {
    if (!"client_credentials".equals(req.getParam("grant_type"))) {
      reply(req, 400, error("400.008.02", "Invalid grant type passed"));
      return;
    }
    String authorization = req.getHeader("Authorization");
    String expected = "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (CONSUMER_KEY + ":" + CONSUMER_SECRET).getBytes(StandardCharsets.UTF_8));
    if (authorization == null || !authorization.startsWith("Basic ")) {
      reply(req, 400, error("400.008.01", "Invalid authentication type passed"));
      return;
    }
    if (!constantTimeEquals(expected, authorization)) {
      // wrong keys: Daraja answers 400 (unconfirmed body; MicroPowerManager reads only the status)
      reply(req, 400, error("400.008.01", "Invalid Authentication passed"));
      return;
    }
    IssuedToken token = issueToken();
    // "expires_in": 3599 (the Authorization page's sample)
    reply(
        req,
        200,
        new JsonObject()
            .put("access_token", token.accessToken())
            .put("expires_in", token.lifetimeSeconds()));
  }

  private boolean passwordValid(JsonObject json) {
    String shortCode = String.valueOf(json.getValue("BusinessShortCode"));
    Object timestamp = json.getValue("Timestamp");
    String expected = Base64.getEncoder()
        .encodeToString((SHORT_CODE + PASSKEY + timestamp).getBytes(StandardCharsets.UTF_8));
    return SHORT_CODE.equals(shortCode)
        && timestamp instanceof String t
        && t.matches("[0-9]{14}")
        && constantTimeEquals(expected, json.getValue("Password"));
  }

  private void push(HttpServerRequest req, JsonObject json) {
    if (!SHORT_CODE.equals(String.valueOf(json.getValue("BusinessShortCode")))) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid BusinessShortCode"));
      return;
    }
    if (!passwordValid(json)) {
      reply(req, 500, error("500.001.1001", "Wrong credentials"));
      return;
    }
    Object type = json.getValue("TransactionType");
    if (!"CustomerPayBillOnline".equals(type) && !"CustomerBuyGoodsOnline".equals(type)) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid TransactionType"));
      return;
    }
    long amount;
    try {
      amount = Long.parseLong(String.valueOf(json.getValue("Amount")));
    } catch (NumberFormatException e) {
      amount = 0;
    }
    String phone = String.valueOf(json.getValue("PhoneNumber"));
    String reference = json.getValue("AccountReference") instanceof String r ? r : null;
    String callbackUrl = json.getValue("CallBackURL") instanceof String u ? u : "";
    if (amount < 1) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid Amount"));
      return;
    }
    if (!phone.matches("254[0-9]{9}") || !phone.equals(String.valueOf(json.getValue("PartyA")))) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid PhoneNumber"));
      return;
    }
    if (!callbackUrl.startsWith("http://") && !callbackUrl.startsWith("https://")) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid CallBackURL"));
      return;
    }
    if (reference == null || reference.isEmpty() || reference.length() > 12) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid AccountReference"));
      return;
    }
    if (lockedSubscriber) {
      reply(
          req,
          500,
          error(
              "500.001.1001",
              "Unable to lock subscriber, a transaction is already in process for the current subscriber"));
      return;
    }
    long n = SEQUENCE.incrementAndGet();
    String merchant = n + "-" + (34_620_000 + n) + "-1";
    String checkout = "ws_CO_" + TIMESTAMP.format(Instant.now().atZone(NAIROBI))
        + String.format("%06d", RANDOM.nextInt(1_000_000)) + n;
    Push push = new Push(
        merchant,
        checkout,
        phone,
        amount,
        reference,
        (String) type,
        String.valueOf(json.getValue("PartyB")),
        callbackUrl);
    pushes.put(checkout, push);
    reply(
        req,
        200,
        new JsonObject()
            .put("MerchantRequestID", merchant)
            .put("CheckoutRequestID", checkout)
            .put("ResponseCode", "0")
            .put("ResponseDescription", "Success. Request accepted for processing")
            .put("CustomerMessage", "Success. Request accepted for processing"));
    if (approvesAll()) {
      vertx.setTimer(20, id -> approve(checkout));
    }
  }

  private void query(HttpServerRequest req, JsonObject json) {
    if (!passwordValid(json)) {
      reply(req, 500, error("500.001.1001", "Wrong credentials"));
      return;
    }
    String checkout = json.getValue("CheckoutRequestID") instanceof String c ? c : "";
    Push push = pushes.get(checkout);
    if (push == null) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid CheckoutRequestID"));
      return;
    }
    JsonObject fixed = queryAnswers.get(checkout);
    if (fixed != null) {
      reply(req, queryStatuses.get(checkout), fixed);
      return;
    }
    JsonObject result = results.get(checkout);
    if (result == null) {
      // still on the payer's phone: MicroPowerManager reads this error as "pending"
      reply(req, 500, error("500.001.1001", "The transaction is being processed"));
      return;
    }
    reply(
        req,
        200,
        new JsonObject()
            .put("ResponseCode", "0")
            .put("ResponseDescription", "The service request has been accepted successsfully")
            .put("MerchantRequestID", push.merchantRequestId())
            .put("CheckoutRequestID", checkout)
            .put("ResultCode", result.getString("ResultCode"))
            .put("ResultDesc", result.getString("ResultDesc")));
  }

  private void transactionStatus(HttpServerRequest req, JsonObject json) {
    // the page's sample spells "Command ID" / "Transaction ID"; its table and every SDK CommandID /
    // TransactionID
    Object command =
        json.containsKey("CommandID") ? json.getValue("CommandID") : json.getValue("Command ID");
    Object transId = json.containsKey("TransactionID")
        ? json.getValue("TransactionID")
        : json.getValue("Transaction ID");
    String resultUrl = json.getValue("ResultURL") instanceof String u ? u : "";
    String timeoutUrl = json.getValue("QueueTimeOutURL") instanceof String u ? u : "";
    if (!"TransactionStatusQuery".equals(command)
        || !(transId instanceof String id)
        || resultUrl.isEmpty()
        || !INITIATOR.equals(json.getValue("Initiator"))
        || !SECURITY_CREDENTIAL.equals(json.getValue("SecurityCredential"))) {
      reply(req, 400, error("400.002.02", "Bad Request - Invalid parameters"));
      return;
    }
    long n = SEQUENCE.incrementAndGet();
    String originator = n + "-" + (7_134_000 + n) + "-1";
    String conversation =
        "AG_" + TIMESTAMP.format(Instant.now().atZone(NAIROBI)).substring(0, 8) + "_"
            + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    statusQueries.add(new StatusQuery(id, originator, resultUrl, timeoutUrl, json));
    reply(
        req,
        200,
        new JsonObject()
            .put("OriginatorConversationID", originator)
            .put("ConversationID", conversation)
            .put("ResponseCode", "0")
            .put("ResponseDescription", "Accept the service request successfully."));
    if (answerStatusQueries) {
      vertx.setTimer(20, t -> statusResult(id, originator, conversation, resultUrl));
    }
  }

  /** The result leg, shaped as the Transaction Status page's "Callback payload". */
  private void statusResult(
      String transId, String originator, String conversation, String resultUrl) {
    Long amount = completedPayments.get(transId);
    JsonObject result = new JsonObject()
        .put("ConversationID", conversation)
        .put("OriginatorConversationID", originator)
        .put(
            "ReferenceData",
            new JsonObject().put("ReferenceItem", new JsonObject().put("Key", "Occasion")))
        .put("ResultType", 0)
        .put(
            "TransactionID",
            "SIM" + Long.toString(SEQUENCE.incrementAndGet(), 36).toUpperCase());
    if (amount == null) {
      // an unknown receipt: a non-zero ResultCode without parameters (the code's text is
      // unconfirmed)
      result
          .put("ResultCode", 2001)
          .put("ResultDesc", "The transaction receipt number does not exist.");
    } else {
      result
          .put("ResultCode", 0)
          .put("ResultDesc", "The service request is processed successfully.")
          .put(
              "ResultParameters",
              new JsonObject()
                  .put(
                      "ResultParameter",
                      new JsonArray()
                          .add(new JsonObject()
                              .put("Key", "DebitPartyName")
                              .put("Value", "254708374149 - John Doe"))
                          .add(new JsonObject()
                              .put("Key", "CreditPartyName")
                              .put("Value", SHORT_CODE + " - Sim Energy"))
                          .add(new JsonObject()
                              .put("Key", "OriginatorConversationID")
                              .put("Value", originator))
                          .add(new JsonObject()
                              .put("Key", "InitiatedTime")
                              .put("Value", TIMESTAMP.format(Instant.now().atZone(NAIROBI))))
                          .add(new JsonObject()
                              .put("Key", "DebitAccountType")
                              .put("Value", "MMF Account For Customer"))
                          .add(new JsonObject()
                              .put("Key", "TransactionStatus")
                              .put("Value", "Completed"))
                          .add(new JsonObject()
                              .put("Key", "ReasonType")
                              .put("Value", "Pay Bill Online"))
                          .add(new JsonObject()
                              .put("Key", "FinalisedTime")
                              .put("Value", TIMESTAMP.format(Instant.now().atZone(NAIROBI))))
                          .add(new JsonObject()
                              .put("Key", "Amount")
                              .put("Value", String.valueOf(amount)))
                          .add(new JsonObject()
                              .put("Key", "ConversationID")
                              .put("Value", conversation))
                          .add(new JsonObject().put("Key", "ReceiptNo").put("Value", transId))));
    }
    callbackClient
        .postAbs(Objects.requireNonNull(resultUrl))
        .sendJsonObject(new JsonObject().put("Result", result));
  }

  private static JsonObject error(String code, String message) {
    // {"requestId", "errorCode", "errorMessage"}: MpesaExpressSimulate's "Sample Error Response"
    return new JsonObject()
        .put("requestId", Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE))
        .put("errorCode", code)
        .put("errorMessage", message);
  }

  private void reply(HttpServerRequest req, int status, JsonObject body) {
    reply(req, status, "application/json", body.encode());
  }
}
