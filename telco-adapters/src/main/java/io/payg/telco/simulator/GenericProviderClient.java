package io.payg.telco.simulator;

import io.payg.telco.support.HmacSha256;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;

/**
 * The provider side of the generic protocol: signs and sends the exact bytes an aggregator
 * would. Tests and the demo drive the gateway through it, over real HTTP.
 */
public final class GenericProviderClient {

  private final WebClient client;
  private final String baseUrl;
  private final String secret;

  /**
   * @param baseUrl e.g. http://127.0.0.1:8080/api/v1/telco/generic/{companyId}
   */
  public GenericProviderClient(WebClient client, String baseUrl, String secret) {
    this.client = client;
    this.baseUrl = baseUrl;
    this.secret = secret;
  }

  public Future<HttpResponse<Buffer>> validate(
      String serial, long amount, String currency, String msisdn) {
    return send(
        "validate",
        new JsonObject()
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", currency)
            .put("msisdn", msisdn)
            .toBuffer());
  }

  public Future<HttpResponse<Buffer>> process(
      String providerTxnId,
      String serial,
      long amount,
      String currency,
      String msisdn,
      String paidAt) {
    return send("process", processBody(providerTxnId, serial, amount, currency, msisdn, paidAt));
  }

  /** {@link #process}, with extra request headers (a W3C traceparent, an X-Request-Id). */
  public Future<HttpResponse<Buffer>> process(
      String providerTxnId,
      String serial,
      long amount,
      String currency,
      String msisdn,
      String paidAt,
      Map<String, String> headers) {
    Buffer body = processBody(providerTxnId, serial, amount, currency, msisdn, paidAt);
    var request = client
        .postAbs(baseUrl + "/process")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Signature", signature(secret, body));
    headers.forEach(request::putHeader);
    return request.sendBuffer(body);
  }

  public static Buffer processBody(
      String providerTxnId,
      String serial,
      long amount,
      String currency,
      String msisdn,
      String paidAt) {
    return new JsonObject()
        .put("providerTxnId", providerTxnId)
        .put("serial", serial)
        .put("amount", amount)
        .put("currency", currency)
        .put("msisdn", msisdn)
        .put("paidAt", paidAt)
        .toBuffer();
  }

  /** Sends {@code body} as is, signed. */
  public Future<HttpResponse<Buffer>> send(String operation, Buffer body) {
    return sendSigned(operation, body, signature(secret, body));
  }

  /** Sends {@code body} with the given signature header value (tests send wrong ones). */
  public Future<HttpResponse<Buffer>> sendSigned(
      String operation, Buffer body, String signatureHeader) {
    var request =
        client.postAbs(baseUrl + "/" + operation).putHeader("Content-Type", "application/json");
    if (signatureHeader != null) {
      request.putHeader("X-Signature", signatureHeader);
    }
    return request.sendBuffer(body);
  }

  public static String signature(String secret, Buffer body) {
    return "sha256=" + HmacSha256.signHex(secret, body.getBytes());
  }
}
