package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.VodacomMzSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.UUID;

/**
 * The matrix for Vodacom M-Pesa Mozambique. M-Pesa never calls the gateway (the push is answered
 * in the same HTTP call), so the only way in is our {@code POST /api/v1/collections}: every bad
 * input is refused there with a problem document, nothing pushed, nothing stored. Replays are the
 * same Idempotency-Key.
 */
class VodacomMzBadInputTest extends CollectionBadInputMatrix {

  private VodacomMzSimulator mpesa;

  @Override
  protected String provider() {
    return "vodacom-mz";
  }

  @Override
  protected String currency() {
    return "MZN";
  }

  @Override
  protected String msisdn() {
    return "258843330333";
  }

  @Override
  protected void startProvider() {
    mpesa = await(VodacomMzSimulator.start(gw.app.vertx(), 0));
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/vodacom-mz",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(mpesa.settings())))));
  }

  // M-Pesa Mozambique has no callback: the callback hooks of the request-to-pay matrix never run
  @Override
  protected void approve(String reference) {
    throw new UnsupportedOperationException("no callback");
  }

  @Override
  protected JsonObject successCallback(GatewayFixture.Company c, String reference) {
    throw new UnsupportedOperationException("no callback");
  }

  @Override
  protected JsonObject withoutStatus(JsonObject callback) {
    throw new UnsupportedOperationException("no callback");
  }

  @Override
  protected Future<HttpResponse<Buffer>> forged(String reference) {
    throw new UnsupportedOperationException("no callback");
  }

  @Override
  protected void prepare(BadInput c) {
    // no callbacks to forge: nothing to set up
  }

  private Future<HttpResponse<Buffer>> raw(
      GatewayFixture.Company c, String token, Buffer body, String contentType) {
    return gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", "k-" + UUID.randomUUID())
        .putHeader("Content-Type", contentType)
        .sendBuffer(body);
  }

  private JsonObject good() {
    return new JsonObject()
        .put("provider", provider())
        .put("msisdn", msisdn())
        .put("serial", homeSerial)
        .put("amount", amount())
        .put("currency", currency());
  }

  @Override
  protected Future<HttpResponse<Buffer>> send(BadInput c) {
    String json = "application/json";
    String token = home.adminToken();
    return switch (c) {
      case MALFORMED_BODY -> raw(home, token, Buffer.buffer("{\"provider\":"), json);
      case ENTITY_EXPANSION -> raw(home, token, Buffer.buffer(BadInput.BILLION_LAUGHS), json);
      case EXTERNAL_ENTITY -> raw(home, token, Buffer.buffer(BadInput.XXE), "application/xml");
      case OVERSIZE_BODY ->
        raw(home, token, good().put("note", BadInput.oversize()).toBuffer(), json);
      case WRONG_CONTENT_TYPE -> raw(home, token, good().toBuffer(), "text/plain");
      case MISSING_FIELDS -> {
        JsonObject body = good();
        body.remove("serial");
        yield raw(home, token, body.toBuffer(), json);
      }
      case OTHER_COMPANYS_SERIAL ->
        collectAsync(home, "k-" + UUID.randomUUID(), otherSerial, amount(), currency());
      case PROVIDER_NOT_ENABLED ->
        collectAsync(disabled, "k-" + UUID.randomUUID(), disabledSerial, amount(), currency());
      case BAD_AUTH -> raw(home, "not-a-token", good().toBuffer(), json);
      default -> super.send(c);
    };
  }

  @Override
  protected void assertRefused(BadInput c, HttpResponse<Buffer> r) {
    switch (c) {
      case MALFORMED_BODY, ENTITY_EXPANSION -> problem(400, "MALFORMED_JSON", r);
      case EXTERNAL_ENTITY -> problem(415, "UNSUPPORTED_MEDIA_TYPE", r); // sent as application/xml
      case OVERSIZE_BODY -> problem(413, "BODY_TOO_LARGE", r);
      case WRONG_CONTENT_TYPE -> problem(415, "UNSUPPORTED_MEDIA_TYPE", r);
      case MISSING_FIELDS -> problem(400, "VALIDATION_FAILED", r);
      case OTHER_COMPANYS_SERIAL -> problem(422, "DEVICE_NOT_FOUND", r);
      case PROVIDER_NOT_ENABLED -> problem(422, "PROVIDER_NOT_ENABLED", r);
      case BAD_AUTH -> problem(401, "UNAUTHENTICATED", r);
      default -> super.assertRefused(c, r);
    }
    assertEquals(
        0,
        mpesa.pushes().stream().filter(p -> p.msisdn().equals(msisdn())).count()
            - pushesForPayments,
        "no push for a refused collection");
  }

  private long pushesForPayments;

  @Override
  protected Payment payment(String serial, long minor) {
    String key = "k-" + UUID.randomUUID();
    pushesForPayments++;
    String[] id = new String[1];
    return new Payment() {
      public String txnId() {
        return id[0];
      }

      public Future<HttpResponse<Buffer>> deliver() {
        return collectAsync(home, key, serial, minor, currency()).onSuccess(r -> {
          if (r.statusCode() == 202) {
            id[0] = r.bodyAsJsonObject().getString("id");
          }
        });
      }

      public Future<HttpResponse<Buffer>> deliverWithAmount(long other) {
        return collectAsync(home, key, serial, other, currency());
      }

      public Future<HttpResponse<Buffer>> deliverWithSerial(String otherSerial) {
        return collectAsync(home, key, otherSerial, minor, currency());
      }
    };
  }

  @Override
  protected void assertRecorded(HttpResponse<Buffer> r) {
    assertStatus(202, r);
  }

  @Override
  protected void assertSameAnswer(HttpResponse<Buffer> first, HttpResponse<Buffer> again) {
    assertStatus(202, again);
    assertEquals(
        first.bodyAsJsonObject().getString("id"), again.bodyAsJsonObject().getString("id"));
  }
}
