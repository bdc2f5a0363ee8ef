package io.payg.telco.wave;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The Wave side of webhooks: builds event bodies the way Wave does, signs them with the webhook
 * secret ({@code Wave-Signature: t=...,v1=...}) and posts them. Tests and the demo drive the
 * gateway through it, over real HTTP.
 */
public final class WaveSimulator {

  private final WebClient client;
  private final String baseUrl;
  private final String secret;
  private final Clock clock;

  /**
   * @param baseUrl e.g. http://127.0.0.1:8080/api/v1/telco/wave/{companyId}
   */
  public WaveSimulator(WebClient client, String baseUrl, String secret) {
    this(client, baseUrl, secret, Clock.systemUTC());
  }

  /** With the clock that stamps signatures (tests send stale ones). */
  public WaveSimulator(WebClient client, String baseUrl, String secret, Clock clock) {
    this.client = client;
    this.baseUrl = baseUrl;
    this.secret = secret;
    this.clock = clock;
  }

  /** A {@code checkout.session.completed} event for a paid checkout session. */
  public static Buffer checkoutCompleted(String eventId, String sessionId, String transactionId, String amount,
                                         String currency, String clientReference, Instant whenCompleted) {
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
    return event(eventId, WaveTelcoAdapter.CHECKOUT_SESSION_COMPLETED, data);
  }

  /** A {@code merchant.payment_received} event: a payment to the business's merchant number / QR. */
  public static Buffer merchantPaymentReceived(String eventId, String paymentId, String amount, String currency,
                                               String senderMobile, String clientReference, Instant whenCreated) {
    JsonObject data = new JsonObject()
        .put("id", paymentId)
        .put("amount", amount)
        .put("currency", currency)
        .put("sender_mobile", senderMobile)
        .put("merchant_id", "M_sn_payg")
        .put("merchant_name", "PAYG Energy")
        .put("when_created", whenCreated.truncatedTo(ChronoUnit.SECONDS).toString());
    if (clientReference != null) {
      data.put("client_reference", clientReference);
    }
    return event(eventId, WaveTelcoAdapter.MERCHANT_PAYMENT_RECEIVED, data);
  }

  /** Any event: {@code {"id":..,"type":..,"data":{..}}}. */
  public static Buffer event(String eventId, String type, JsonObject data) {
    return new JsonObject().put("id", eventId).put("type", type).put("data", data).toBuffer();
  }

  /** Signs {@code body} now and posts it to {@code baseUrl/webhook}. */
  public Future<HttpResponse<Buffer>> send(Buffer body) {
    return sendSigned(body, signatureHeader(body));
  }

  /** Posts {@code body} with the given {@code Wave-Signature} value; null sends none. */
  public Future<HttpResponse<Buffer>> sendSigned(Buffer body, String signatureHeader) {
    var request = client.postAbs(baseUrl + "/" + WaveTelcoAdapter.WEBHOOK).putHeader("Content-Type", "application/json");
    if (signatureHeader != null) {
      request.putHeader("Wave-Signature", signatureHeader);
    }
    return request.sendBuffer(body);
  }

  /** The {@code Wave-Signature} of {@code body} at this simulator's clock. */
  public String signatureHeader(Buffer body) {
    return WaveSignature.header(secret, clock.instant().getEpochSecond(), body.getBytes());
  }
}
