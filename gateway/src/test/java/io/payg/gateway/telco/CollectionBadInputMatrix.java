package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigInteger;
import java.util.Map;
import java.util.UUID;

/**
 * The matrix for request-to-pay providers (MTN MoMo, Airtel): the money fields come in through
 * our {@code POST /api/v1/collections} (refused with problem documents, no collection stored);
 * bodies, content types, forgeries and other companies' references come in through the
 * provider's callback (refused in the provider's answer, nothing recorded). The simulator's own
 * callbacks are off: the test delivers them, so a replay is an exact repeat.
 */
abstract class CollectionBadInputMatrix extends BadInputMatrix {

  /** A collection that the provider says SUCCEEDED (approved at the simulator), not yet called back. */
  protected String approvedHome;

  protected String approvedOther;
  protected String pendingHome;

  /** The payer approves {@code reference} at the provider (no callback sent). */
  protected abstract void approve(String reference);

  /** The provider's callback body saying {@code reference} succeeded, as the provider writes it. */
  protected abstract JsonObject successCallback(GatewayFixture.Company c, String reference);

  /** A phone number of the provider's country. */
  protected abstract String msisdn();

  @Override
  protected Map<String, String> env() {
    // the poller stays out of the way: only the callbacks the test sends settle collections
    return Map.of("COLLECTION_POLL_MS", "3600000");
  }

  protected HttpResponse<Buffer> collect(
      GatewayFixture.Company c, String key, String serial, Object amount, String currency) {
    return await(collectAsync(c, key, serial, amount, currency));
  }

  protected Future<HttpResponse<Buffer>> collectAsync(
      GatewayFixture.Company c, String key, String serial, Object amount, String currency) {
    return gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject()
            .put("provider", provider())
            .put("msisdn", msisdn())
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", currency));
  }

  /** A new collection for {@code serial}, started through the API; its id. */
  protected String started(GatewayFixture.Company c, String serial, long minor) {
    HttpResponse<Buffer> r = collect(c, "k-" + UUID.randomUUID(), serial, minor, currency());
    assertEquals(202, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("id");
  }

  protected Future<HttpResponse<Buffer>> callback(
      GatewayFixture.Company c, Buffer body, String contentType) {
    return gw.http
        .postAbs(gw.base + "/api/v1/telco/" + provider() + "/" + c.id() + "/callback")
        .putHeader("Content-Type", contentType)
        .sendBuffer(body);
  }

  @Override
  protected void prepare(BadInput c) {
    switch (c) {
      case WRONG_CONTENT_TYPE, MISSING_FIELDS, OVERSIZE_BODY -> {
        approvedHome = started(home, homeSerial, amount());
        approve(approvedHome);
      }
      case OTHER_COMPANYS_SERIAL -> {
        approvedOther = started(other, otherSerial, amount());
        approve(approvedOther);
      }
      case BAD_AUTH -> pendingHome = started(home, homeSerial, amount());
      default -> {}
    }
  }

  @Override
  protected Future<HttpResponse<Buffer>> send(BadInput c) {
    String json = "application/json";
    return switch (c) {
      case MALFORMED_BODY -> callback(home, Buffer.buffer("{\"status\":"), json);
      case ENTITY_EXPANSION -> callback(home, Buffer.buffer(BadInput.BILLION_LAUGHS), json);
      case EXTERNAL_ENTITY -> callback(home, Buffer.buffer(BadInput.XXE), "application/xml");
      case OVERSIZE_BODY ->
        callback(
            home,
            successCallback(home, approvedHome)
                .put("padding", BadInput.oversize())
                .toBuffer(),
            json);
      case WRONG_CONTENT_TYPE ->
        callback(home, successCallback(home, approvedHome).toBuffer(), "text/plain");
      case MISSING_FIELDS ->
        callback(home, withoutStatus(successCallback(home, approvedHome)).toBuffer(), json);
      case NEGATIVE_AMOUNT ->
        collectAsync(home, "k-" + UUID.randomUUID(), homeSerial, -amount(), currency());
      case ZERO_AMOUNT -> collectAsync(home, "k-" + UUID.randomUUID(), homeSerial, 0, currency());
      case FRACTIONAL_AMOUNT ->
        collectAsync(home, "k-" + UUID.randomUUID(), homeSerial, 500.5, currency());
      case NON_NUMERIC_AMOUNT ->
        collectAsync(home, "k-" + UUID.randomUUID(), homeSerial, "five hundred", currency());
      case OVERFLOWING_AMOUNT ->
        collectAsync(
            home,
            "k-" + UUID.randomUUID(),
            homeSerial,
            new BigInteger("99999999999999999999999999"),
            currency());
      case WRONG_CURRENCY ->
        collectAsync(home, "k-" + UUID.randomUUID(), homeSerial, amount(), "USD");
      case UNKNOWN_SERIAL ->
        collectAsync(home, "k-" + UUID.randomUUID(), "NO-SUCH-SERIAL", amount(), currency());
      // the other company's collection, paid at the provider, called back on our URL
      case OTHER_COMPANYS_SERIAL ->
        callback(home, successCallback(home, approvedOther).toBuffer(), json);
      case PROVIDER_NOT_ENABLED ->
        callback(
            disabled, successCallback(disabled, UUID.randomUUID().toString()).toBuffer(), json);
      case BAD_AUTH -> forged(pendingHome);
    };
  }

  /** A callback that is not the provider's: says "paid" for {@code reference}, which is not. */
  protected abstract Future<HttpResponse<Buffer>> forged(String reference);

  /** The callback without its status field. */
  protected abstract JsonObject withoutStatus(JsonObject callback);

  @Override
  protected void assertRefused(BadInput c, HttpResponse<Buffer> r) {
    switch (c) {
      case MALFORMED_BODY,
          ENTITY_EXPANSION,
          EXTERNAL_ENTITY,
          OVERSIZE_BODY,
          WRONG_CONTENT_TYPE,
          MISSING_FIELDS -> problem(400, "MALFORMED_REQUEST", r);
      case NEGATIVE_AMOUNT,
          ZERO_AMOUNT,
          FRACTIONAL_AMOUNT,
          NON_NUMERIC_AMOUNT,
          OVERFLOWING_AMOUNT -> problem(400, "VALIDATION_FAILED", r);
      case WRONG_CURRENCY -> problem(422, "WRONG_CURRENCY", r);
      case UNKNOWN_SERIAL -> problem(422, "DEVICE_NOT_FOUND", r);
      case PROVIDER_NOT_ENABLED -> problem(403, "PROVIDER_NOT_ENABLED", r);
      // the provider ignores callback answers: a callback taken as a hint is answered 200 {}; what
      // matters is that nothing was recorded (asserted by the matrix)
      case OTHER_COMPANYS_SERIAL -> assertCallbackTaken(r);
      case BAD_AUTH -> assertForgeryAnswer(r);
    }
  }

  protected void assertForgeryAnswer(HttpResponse<Buffer> r) {
    assertCallbackTaken(r);
  }

  protected static void assertCallbackTaken(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertEquals(new JsonObject(), r.bodyAsJsonObject());
  }

  protected static void problem(int status, String code, HttpResponse<Buffer> r) {
    assertStatus(status, r);
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertEquals(code, r.bodyAsJsonObject().getString("code"), r.bodyAsString());
  }

  @Override
  protected Payment payment(String serial, long minor) {
    String key = "k-" + UUID.randomUUID();
    HttpResponse<Buffer> started = collect(home, key, serial, minor, currency());
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String id = started.bodyAsJsonObject().getString("id");
    approve(id);
    Buffer callback = successCallback(home, id).toBuffer();
    return new Payment() {
      public String txnId() {
        return id;
      }

      public Future<HttpResponse<Buffer>> deliver() {
        return callback(home, callback, "application/json");
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
    assertCallbackTaken(r);
  }

  @Override
  protected void assertDuplicateRefused(HttpResponse<Buffer> r) {
    problem(409, "DUPLICATE_TRANSACTION", r);
  }
}
