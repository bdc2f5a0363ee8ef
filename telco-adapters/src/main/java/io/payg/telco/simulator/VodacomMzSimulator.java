package io.payg.telco.simulator;

import io.payg.telco.vodacommz.VodacomMzCollections;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.crypto.Cipher;

/**
 * M-Pesa Mozambique's Open API on loopback: the C2B single-stage push and the query transaction
 * status API, with the real paths, fields and INS codes. It holds its own RSA key pair: the
 * bearer token must be the API key encrypted with its public key ({@link #settings()}).
 *
 * <p>The payer's answer to a push is scripted: approved at once (the default), {@link #cancelBy
 * cancelled} by a given MSISDN (INS-5), {@link #insufficientBalanceFor refused} for lack of funds
 * (INS-2006), or {@link #holdPushes held} — the push times out (INS-9, HTTP 408) and stays Pending
 * until {@link #approve} — as when the payer is slow with the PIN. A published answer can be
 * played verbatim: {@link #scriptPush} (the next push, recorded as Completed when the script is
 * INS-0, else as the script says nothing moved) and {@link #scriptQuery} (the next query of one
 * reference).
 *
 * <p>Sources: paths, ports, fields and codes from Vodacom Mozambique's OpenAPI portal
 * (https://developer.mpesa.vm.co.mz/documentation/: C2B single stage, Query Transaction Status,
 * response codes) as used by paymentsds/mpesa-js-sdk (src/constants.js) and other public SDKs;
 * a push answer carries output_ResponseCode, output_ResponseDesc, output_TransactionID,
 * output_ConversationID, output_ThirdPartyReference; the query answer
 * output_ResponseTransactionStatus (Completed, Pending, Cancelled, Expired, N/A). Timing: the
 * push is answered only once the payer answered the PIN prompt or it timed out (INS-9), which the
 * portal describes for C2B single stage; the simulator answers at once unless {@link #holdPushes}.
 * The HTTP status
 * given with each code (201 INS-0, 401 INS-2/INS-5, 408 INS-9, 409 INS-10, 422 INS-2006, 400
 * validation) is an assumption. The bearer is the API key RSA-encrypted with the portal's public
 * key; sources disagree on the padding, so both are accepted: PKCS#1 v1.5 (the portal's sample
 * code, and a public Mozambique integration's generateBearerToken with RSA_PKCS1_PADDING found by
 * code search) and OAEP with SHA-1 (Node's default, as paymentsds/mpesa-js-sdk:src/security.js
 * calls {@code crypto.publicEncrypt({key})} without a padding).
 */
public final class VodacomMzSimulator {

  public static final String API_KEY = "mz-sim-api-key-0123456789";
  public static final String SERVICE_PROVIDER_CODE = "171717";
  private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9]{1,20}");
  private static final Pattern MSISDN = Pattern.compile("258[0-9]{9}");
  private static final Pattern AMOUNT = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,2})?");

  /** One push as received. */
  public record Push(
      String transactionReference,
      String msisdn,
      String amount,
      String thirdPartyReference,
      String serviceProviderCode) {}

  private final KeyPair keys;
  private final Map<String, String> statuses = new ConcurrentHashMap<>();
  private final Map<String, String> transactionIds = new ConcurrentHashMap<>();
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> cancelling = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(5_000_000);
  private volatile boolean hold;
  private final AtomicInteger queries = new AtomicInteger();
  private final Map<String, Boolean> broke = new ConcurrentHashMap<>();
  private final Queue<String[]> pushScripts = new ConcurrentLinkedQueue<>();
  private final Map<String, Queue<String[]>> queryScripts = new ConcurrentHashMap<>();
  private HttpServer server;

  private VodacomMzSimulator(KeyPair keys) {
    this.keys = keys;
  }

  public static Future<VodacomMzSimulator> start(Vertx vertx, int port) {
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      return Future.failedFuture(e);
    }
    VodacomMzSimulator sim = new VodacomMzSimulator(keys);
    return vertx
        .createHttpServer()
        .requestHandler(sim::handle)
        .listen(port, "127.0.0.1")
        .map(s -> {
          sim.server = s;
          return sim;
        });
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The portal's public key, Base64 X.509, as an operator copies it into the plugin settings. */
  public String publicKey() {
    return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
  }

  /** The plugin settings of a company using this simulator. */
  public Map<String, String> settings() {
    return Map.of(
        "baseUrl",
        baseUrl(),
        "queryBaseUrl",
        baseUrl(),
        "apiKey",
        API_KEY,
        "publicKey",
        publicKey(),
        "serviceProviderCode",
        SERVICE_PROVIDER_CODE);
  }

  public Future<Void> stop() {
    return server.close();
  }

  /** While on, pushes time out (INS-9) and stay Pending until {@link #approve}. */
  public VodacomMzSimulator holdPushes(boolean hold) {
    this.hold = hold;
    return this;
  }

  /** Pushes to {@code msisdn} are cancelled by the payer (INS-5). */
  public VodacomMzSimulator cancelBy(String msisdn) {
    cancelling.put(msisdn, true);
    return this;
  }

  /** Pushes to {@code msisdn} are refused for lack of funds (INS-2006). */
  public VodacomMzSimulator insufficientBalanceFor(String msisdn) {
    broke.put(msisdn, true);
    return this;
  }

  /**
   * The next valid push is answered {@code status} with {@code body} verbatim (a published
   * sample); it is recorded as Completed when the body says INS-0, as Pending for INS-9 / INS-10,
   * else as nothing moved.
   */
  public VodacomMzSimulator scriptPush(int status, String body) {
    pushScripts.add(new String[] {Integer.toString(status), body});
    return this;
  }

  /** The next query of {@code thirdPartyReference} is answered {@code status} with {@code body} verbatim. */
  public VodacomMzSimulator scriptQuery(String thirdPartyReference, int status, String body) {
    queryScripts
        .computeIfAbsent(thirdPartyReference, k -> new ConcurrentLinkedQueue<>())
        .add(new String[] {Integer.toString(status), body});
    return this;
  }

  /** The payer approves a held push, found by its third-party reference. */
  public void approve(String thirdPartyReference) {
    statuses.replace(thirdPartyReference, "Pending", "Completed");
  }

  /** Status queries received. */
  public int queries() {
    return queries.get();
  }

  public List<Push> pushes() {
    return List.copyOf(pushes);
  }

  /** Completed, Pending, Cancelled, or null when never pushed. */
  public String statusOf(String thirdPartyReference) {
    return statuses.get(thirdPartyReference);
  }

  private void handle(HttpServerRequest req) {
    if (!authorised(req.getHeader("Authorization"))) {
      answer(req, 401, "INS-2", "Invalid API Key", null);
      return;
    }
    String path = req.path();
    if ("POST".equals(req.method().name()) && VodacomMzCollections.C2B_PATH.equals(path)) {
      req.body().onSuccess(b -> push(req, b.toString(StandardCharsets.UTF_8)));
    } else if ("GET".equals(req.method().name()) && VodacomMzCollections.QUERY_PATH.equals(path)) {
      query(req);
    } else {
      answer(req, 400, "INS-22", "Invalid Operation Type", null);
    }
  }

  private boolean authorised(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    for (String padding :
        new String[] {"RSA/ECB/PKCS1Padding", "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"}) {
      try {
        Cipher rsa = Cipher.getInstance(padding);
        rsa.init(Cipher.DECRYPT_MODE, keys.getPrivate());
        byte[] key = rsa.doFinal(Base64.getDecoder().decode(header.substring(7).trim()));
        if (API_KEY.equals(new String(key, StandardCharsets.UTF_8))) {
          return true;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // the other padding
      }
    }
    return false;
  }

  private void push(HttpServerRequest req, String text) {
    JsonObject in;
    try {
      in = new JsonObject(text);
    } catch (RuntimeException e) {
      answer(req, 400, "INS-20", "Not All Parameters Provided. Please Try Again.", null);
      return;
    }
    Push p = new Push(
        in.getString("input_TransactionReference"),
        in.getString("input_CustomerMSISDN"),
        in.getString("input_Amount"),
        in.getString("input_ThirdPartyReference"),
        in.getString("input_ServiceProviderCode"));
    if (p.transactionReference() == null
        || p.msisdn() == null
        || p.amount() == null
        || p.thirdPartyReference() == null
        || p.serviceProviderCode() == null) {
      answer(
          req,
          400,
          "INS-20",
          "Not All Parameters Provided. Please Try Again.",
          p.thirdPartyReference());
    } else if (!SERVICE_PROVIDER_CODE.equals(p.serviceProviderCode())) {
      answer(req, 400, "INS-13", "Invalid Shortcode Used", p.thirdPartyReference());
    } else if (!REFERENCE.matcher(p.transactionReference()).matches()) {
      answer(
          req,
          400,
          "INS-17",
          "Invalid Transaction Reference. Length Should Be Between 1 and 20.",
          p.thirdPartyReference());
    } else if (!REFERENCE.matcher(p.thirdPartyReference()).matches()) {
      answer(req, 400, "INS-19", "Invalid ThirdPartyReference Used", p.thirdPartyReference());
    } else if (!AMOUNT.matcher(p.amount()).matches()) {
      answer(req, 400, "INS-15", "Invalid Amount Used", p.thirdPartyReference());
    } else if (!MSISDN.matcher(p.msisdn()).matches()) {
      answer(req, 400, "INS-2051", "MSISDN invalid.", p.thirdPartyReference());
    } else if (statuses.putIfAbsent(p.thirdPartyReference(), "Pending") != null) {
      answer(req, 409, "INS-10", "Duplicate Transaction", p.thirdPartyReference());
    } else {
      pushes.add(p);
      String[] script = pushScripts.poll();
      if (script != null) {
        String code = new JsonObject(script[1]).getString("output_ResponseCode", "");
        statuses.put(
            p.thirdPartyReference(),
            switch (code) {
              case "INS-0" -> "Completed";
              case "INS-9", "INS-10" -> "Pending";
              default -> "Cancelled";
            });
        req.response()
            .setStatusCode(Integer.parseInt(script[0]))
            .putHeader("Content-Type", "application/json")
            .end(script[1]);
      } else if (broke.containsKey(p.msisdn())) {
        statuses.put(p.thirdPartyReference(), "Cancelled");
        answer(req, 422, "INS-2006", "Insufficient balance", p.thirdPartyReference());
      } else if (cancelling.containsKey(p.msisdn())) {
        statuses.put(p.thirdPartyReference(), "Cancelled");
        answer(req, 401, "INS-5", "Transaction cancelled by customer", p.thirdPartyReference());
      } else if (hold) {
        answer(req, 408, "INS-9", "Request timeout", p.thirdPartyReference());
      } else {
        statuses.put(p.thirdPartyReference(), "Completed");
        answer(req, 201, "INS-0", "Request processed successfully", p.thirdPartyReference());
      }
    }
  }

  private void query(HttpServerRequest req) {
    queries.incrementAndGet();
    String reference = req.getParam("input_QueryReference");
    String thirdParty = req.getParam("input_ThirdPartyReference");
    if (reference == null
        || thirdParty == null
        || !SERVICE_PROVIDER_CODE.equals(req.getParam("input_ServiceProviderCode"))) {
      answer(req, 400, "INS-20", "Not All Parameters Provided. Please Try Again.", thirdParty);
      return;
    }
    Queue<String[]> scripts = queryScripts.get(reference);
    String[] script = scripts == null ? null : scripts.poll();
    if (script != null) {
      req.response()
          .setStatusCode(Integer.parseInt(script[0]))
          .putHeader("Content-Type", "application/json")
          .end(script[1]);
      return;
    }
    String status = statuses.getOrDefault(reference, "N/A");
    JsonObject out = new JsonObject()
        .put("output_ResponseCode", "INS-0")
        .put("output_ResponseDesc", "Request processed successfully")
        .put("output_ResponseTransactionStatus", status)
        .put("output_ConversationID", "conv-" + reference)
        .put("output_ThirdPartyReference", thirdParty);
    if ("Completed".equals(status)) {
      out.put("output_TransactionID", transactionId(reference));
    }
    req.response()
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .end(out.encode());
  }

  private String transactionId(String reference) {
    return transactionIds.computeIfAbsent(reference, r -> "MZ" + ids.incrementAndGet());
  }

  private void answer(
      HttpServerRequest req, int status, String code, String desc, String thirdPartyReference) {
    JsonObject out = new JsonObject()
        .put("output_ResponseCode", code)
        .put("output_ResponseDesc", desc)
        .put("output_ThirdPartyReference", thirdPartyReference == null ? "" : thirdPartyReference)
        .put("output_ConversationID", "conv-" + Objects.toString(thirdPartyReference, "none"))
        .put(
            "output_TransactionID",
            "INS-0".equals(code) ? transactionId(thirdPartyReference) : "N/A");
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(out.encode());
  }
}
