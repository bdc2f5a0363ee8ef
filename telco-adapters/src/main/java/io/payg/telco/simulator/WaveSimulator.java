package io.payg.telco.simulator;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Wave side of webhooks, written from Wave's documents (not from our adapter): it builds
 * event bodies as Wave publishes them, authenticates them with either of Wave's two security
 * strategies, and POSTs them over real HTTP. Tests and the demo drive the gateway through it.
 * Each behaviour names its source:
 * <ul>
 *   <li>an event is {@code {"id", "type", "data"}} POSTed as JSON (https://docs.wave.com/webhook, "Working with Wave
 *   webhooks");</li>
 *   <li>Signing Secret: {@code Wave-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + raw body)>}
 *       (https://docs.wave.com/webhook, "Signing Secret"; header example {@code t=1639081943,v1=9421...});</li>
 *   <li>Shared Secret: {@code Authorization: Bearer <secret>} (https://docs.wave.com/webhook, "Shared Secret");</li>
 *   <li>the receiver refuses deliveries older than 5 minutes (https://docs.wave.com/webhook; apis.io Wave Webhooks):
 *       {@link #stale} signs in the past;</li>
 *   <li>rotation duplicates the webhook: each event is delivered once per webhook, each signed with its own
 *       secret (https://docs.wave.com/webhook, as quoted in a public Wave integration guide): {@link #rotated};
 *       a header may carry more than one {@code v1} (apis.io Wave Webhooks: "one or more HMAC-SHA256
 *       signatures"): {@link #signatureHeader(Buffer, String...)};</li>
 *   <li>checkout.session.completed data fields and sample ids (https://docs.wave.com/webhook event example;
 *       field list: https://0xc007b.github.io/wave-api-client/interfaces/CheckoutSession.html);</li>
 *   <li>merchant.payment_received data: id T_..., amount (net), fee, currency, sender_mobile, merchant_name,
 *       custom_fields, when_created; sample amount "990", fee "10" (https://docs.wave.com/webhook example);</li>
 *   <li>merchant.payment_reversed: UNCONFIRMED — no Wave document found describes a reversal webhook; this
 *       simulator sends the reversed payment's object under that type, as issue 13 names it.</li>
 * </ul>
 */
public final class WaveSimulator {

  /** The two security strategies of a Wave webhook (https://docs.wave.com/webhook, "Webhook security"). */
  public enum Strategy {
    SIGNING_SECRET,
    SHARED_SECRET
  }

  private final WebClient client;
  private final String baseUrl;
  private final String secret;
  private final Clock clock;
  private final Strategy strategy;

  /**
   * @param baseUrl e.g. http://127.0.0.1:8080/api/v1/telco/wave/{companyId}
   */
  public WaveSimulator(WebClient client, String baseUrl, String secret) {
    this(client, baseUrl, secret, Clock.systemUTC());
  }

  /** With the clock that stamps signatures (tests send stale ones). */
  public WaveSimulator(WebClient client, String baseUrl, String secret, Clock clock) {
    this(client, baseUrl, secret, clock, Strategy.SIGNING_SECRET);
  }

  public WaveSimulator(
      WebClient client, String baseUrl, String secret, Clock clock, Strategy strategy) {
    this.client = client;
    this.baseUrl = baseUrl;
    this.secret = secret;
    this.clock = clock;
    this.strategy = strategy;
  }

  /** The same webhook registered with the Shared Secret strategy. */
  public WaveSimulator withSharedSecret() {
    return new WaveSimulator(client, baseUrl, secret, clock, Strategy.SHARED_SECRET);
  }

  /** Signs {@code seconds} in the past, as a delivery retried or replayed late would be. */
  public WaveSimulator stale(long seconds) {
    return new WaveSimulator(
        client, baseUrl, secret, Clock.offset(clock, Duration.ofSeconds(-seconds)), strategy);
  }

  /** A {@code checkout.session.completed} event for a paid checkout session. */
  public static Buffer checkoutCompleted(
      String eventId,
      String sessionId,
      String transactionId,
      String amount,
      String currency,
      String clientReference,
      Instant whenCompleted) {
    Instant completed = whenCompleted.truncatedTo(ChronoUnit.SECONDS);
    JsonObject data = new JsonObject()
        .put("id", sessionId)
        .put("amount", amount)
        .put("checkout_status", "complete")
        .put("client_reference", clientReference)
        .put("currency", currency)
        .put("error_url", "https://example.com/error")
        .put("last_payment_error", null)
        .put("business_name", "PAYG Energy")
        .put("payment_status", "succeeded")
        .put("transaction_id", transactionId)
        .put("success_url", "https://example.com/success")
        .put("wave_launch_url", "https://pay.wave.com/c/" + sessionId)
        .put("when_completed", completed.toString())
        .put("when_created", completed.minusSeconds(60).toString())
        .put("when_expires", completed.plusSeconds(30 * 60).toString());
    return event(eventId, "checkout.session.completed", data);
  }

  /** A {@code merchant.payment_received} event without a fee (the whole amount reached the merchant). */
  public static Buffer merchantPaymentReceived(
      String eventId,
      String paymentId,
      String amount,
      String currency,
      String senderMobile,
      String clientReference,
      Instant whenCreated) {
    return merchantPaymentReceived(
        eventId,
        paymentId,
        amount,
        null,
        currency,
        senderMobile,
        clientReference,
        null,
        whenCreated);
  }

  /**
   * A {@code merchant.payment_received} event: a payment to the business's merchant number / QR.
   * {@code amount} is what the merchant received, {@code fee} what Wave kept (null: none sent);
   * {@code accountNumber} goes in {@code custom_fields.account_number} when not null.
   */
  public static Buffer merchantPaymentReceived(
      String eventId,
      String paymentId,
      String amount,
      String fee,
      String currency,
      String senderMobile,
      String clientReference,
      String accountNumber,
      Instant whenCreated) {
    JsonObject data = new JsonObject()
        .put("id", paymentId)
        .put("amount", amount)
        .put("currency", currency)
        .put("sender_mobile", senderMobile)
        .put("merchant_id", "M_sn_payg")
        .put("merchant_name", "PAYG Energy")
        .put("when_created", whenCreated.truncatedTo(ChronoUnit.SECONDS).toString());
    if (fee != null) {
      data.put("fee", fee);
    }
    if (clientReference != null) {
      data.put("client_reference", clientReference);
    }
    if (accountNumber != null) {
      data.put("custom_fields", new JsonObject().put("account_number", accountNumber));
    }
    return event(eventId, "merchant.payment_received", data);
  }

  /** UNCONFIRMED: a reversal of the merchant payment {@code paymentId} (see the class comment). */
  public static Buffer merchantPaymentReversed(
      String eventId, String paymentId, String amount, String currency, Instant whenReversed) {
    JsonObject data = new JsonObject()
        .put("id", paymentId)
        .put("amount", amount)
        .put("currency", currency)
        .put("when_created", whenReversed.truncatedTo(ChronoUnit.SECONDS).toString());
    return event(eventId, "merchant.payment_reversed", data);
  }

  /** Any event: {@code {"id":..,"type":..,"data":{..}}}. */
  public static Buffer event(String eventId, String type, JsonObject data) {
    return new JsonObject()
        .put("id", eventId)
        .put("type", type)
        .put("data", data)
        .toBuffer();
  }

  /** Authenticates {@code body} with this webhook's strategy, now, and posts it to {@code baseUrl/webhook}. */
  public Future<HttpResponse<Buffer>> send(Buffer body) {
    if (strategy == Strategy.SHARED_SECRET) {
      return sendWithAuthorization(body, "Bearer " + secret);
    }
    return sendSigned(body, signatureHeader(body));
  }

  /**
   * A delivery during a secret rotation: the event once per webhook, the old one signed with
   * {@code oldSecret}, the new one with this simulator's secret; answers both responses.
   */
  public Future<List<HttpResponse<Buffer>>> rotated(Buffer body, String oldSecret) {
    return sendSigned(body, signatureHeader(body, oldSecret))
        .compose(
            first -> sendSigned(body, signatureHeader(body)).map(second -> List.of(first, second)));
  }

  /** Posts {@code body} with the given {@code Wave-Signature} value; null sends none. */
  public Future<HttpResponse<Buffer>> sendSigned(Buffer body, String signatureHeader) {
    HttpRequest<Buffer> request = post();
    if (signatureHeader != null) {
      request.putHeader("Wave-Signature", signatureHeader);
    }
    return request.sendBuffer(body);
  }

  /** Posts {@code body} with the given {@code Authorization} value; null sends none. */
  public Future<HttpResponse<Buffer>> sendWithAuthorization(Buffer body, String authorization) {
    HttpRequest<Buffer> request = post();
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request.sendBuffer(body);
  }

  private HttpRequest<Buffer> post() {
    return client.postAbs(baseUrl + "/webhook").putHeader("Content-Type", "application/json");
  }

  /** The {@code Wave-Signature} of {@code body} at this simulator's clock, with its secret. */
  public String signatureHeader(Buffer body) {
    return signatureHeader(body, secret);
  }

  /** The {@code Wave-Signature} of {@code body} at this simulator's clock, one {@code v1} per secret. */
  public String signatureHeader(Buffer body, String... secrets) {
    String t = Long.toString(clock.instant().getEpochSecond());
    StringBuilder header = new StringBuilder("t=").append(t);
    for (String s : secrets) {
      header.append(",v1=").append(hmacHex(s, t, body.getBytes()));
    }
    return header.toString();
  }

  /** HMAC-SHA256 over the timestamp's digits followed by the raw body, as lower-case hex. */
  static String hmacHex(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
