package io.payg.gateway.telco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;

/** The matrix for the generic signed-JSON protocol, on its process endpoint (problem documents). */
class GenericBadInputTest extends BadInputMatrix {

  @Override
  protected String provider() {
    return "generic";
  }

  @Override
  protected String currency() {
    return "KES";
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    // GatewayFixture.company enables generic with the company's own secret
  }

  @Override
  protected void disable(GatewayFixture.Company c) {
    GatewayFixture.ok(
        gw.put("/api/v1/plugins/generic", c.adminToken(), new JsonObject().put("enabled", false)));
  }

  private JsonObject good() {
    return new JsonObject()
        .put("providerTxnId", "G-" + UUID.randomUUID())
        .put("serial", homeSerial)
        .put("amount", amount())
        .put("currency", "KES")
        .put("msisdn", "254712345678")
        .put("paidAt", "2026-01-16T08:30:00Z");
  }

  private Future<HttpResponse<Buffer>> signed(
      GatewayFixture.Company c, Buffer body, String contentType) {
    return signed(c, c.secret(), body, contentType);
  }

  private Future<HttpResponse<Buffer>> signed(
      GatewayFixture.Company c, String secret, Buffer body, String contentType) {
    return gw.http
        .postAbs(gw.base + "/api/v1/telco/generic/" + c.id() + "/process")
        .putHeader("Content-Type", contentType)
        .putHeader("X-Signature", GenericProviderClient.signature(secret, body))
        .sendBuffer(body);
  }

  @Override
  protected Future<HttpResponse<Buffer>> send(BadInput c) {
    JsonObject json = good();
    String json_ = "application/json";
    return switch (c) {
      case MALFORMED_BODY -> signed(home, Buffer.buffer("{\"serial\":"), json_);
      case ENTITY_EXPANSION -> signed(home, Buffer.buffer(BadInput.BILLION_LAUGHS), json_);
      case EXTERNAL_ENTITY -> signed(home, Buffer.buffer(BadInput.XXE), "application/xml");
      case OVERSIZE_BODY -> signed(home, json.put("msisdn", BadInput.oversize()).toBuffer(), json_);
      case WRONG_CONTENT_TYPE -> signed(home, json.toBuffer(), "text/plain");
      case MISSING_FIELDS -> {
        json.remove("serial");
        yield signed(home, json.toBuffer(), json_);
      }
      case NEGATIVE_AMOUNT -> signed(home, json.put("amount", -50_000).toBuffer(), json_);
      case ZERO_AMOUNT -> signed(home, json.put("amount", 0).toBuffer(), json_);
      case FRACTIONAL_AMOUNT -> signed(home, json.put("amount", 500.5).toBuffer(), json_);
      case NON_NUMERIC_AMOUNT -> signed(home, json.put("amount", "50000").toBuffer(), json_);
      case OVERFLOWING_AMOUNT ->
        signed(
            home,
            Buffer.buffer(json.toBuffer()
                .toString()
                .replace("\"amount\":" + amount(), "\"amount\":99999999999999999999999999")),
            json_);
      case WRONG_CURRENCY -> signed(home, json.put("currency", "USD").toBuffer(), json_);
      case UNKNOWN_SERIAL -> signed(home, json.put("serial", "NO-SUCH-SERIAL").toBuffer(), json_);
      case OTHER_COMPANYS_SERIAL -> signed(home, json.put("serial", otherSerial).toBuffer(), json_);
      case PROVIDER_NOT_ENABLED ->
        signed(disabled, json.put("serial", disabledSerial).toBuffer(), json_);
      case BAD_AUTH ->
        signed(home, other.secret(), json.toBuffer(), json_); // another company's secret
    };
  }

  @Override
  protected void assertRefused(BadInput c, HttpResponse<Buffer> r) {
    String code = switch (c) {
      case MALFORMED_BODY,
          ENTITY_EXPANSION,
          EXTERNAL_ENTITY,
          OVERSIZE_BODY,
          WRONG_CONTENT_TYPE,
          MISSING_FIELDS -> "MALFORMED_REQUEST";
      case NEGATIVE_AMOUNT,
          ZERO_AMOUNT,
          FRACTIONAL_AMOUNT,
          NON_NUMERIC_AMOUNT,
          OVERFLOWING_AMOUNT -> "INVALID_AMOUNT";
      case WRONG_CURRENCY -> "WRONG_CURRENCY";
      case UNKNOWN_SERIAL, OTHER_COMPANYS_SERIAL -> "DEVICE_NOT_FOUND";
      case PROVIDER_NOT_ENABLED -> "PROVIDER_NOT_ENABLED";
      case BAD_AUTH -> "UNAUTHENTICATED";
    };
    int status = switch (code) {
      case "MALFORMED_REQUEST" -> 400;
      case "UNAUTHENTICATED" -> 401;
      case "PROVIDER_NOT_ENABLED" -> 403;
      case "DEVICE_NOT_FOUND" -> 404;
      default -> 422;
    };
    assertStatus(status, r);
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertEquals(code, r.bodyAsJsonObject().getString("code"), r.bodyAsString());
  }

  @Override
  protected Payment payment(String serial, long minor) {
    String id = "G-" + UUID.randomUUID();
    return new Payment() {
      public String txnId() {
        return id;
      }

      public Future<HttpResponse<Buffer>> deliver() {
        return home.provider()
            .process(id, serial, minor, "KES", "254712345678", "2026-01-16T08:30:00Z");
      }

      public Future<HttpResponse<Buffer>> deliverWithAmount(long other) {
        return home.provider()
            .process(id, serial, other, "KES", "254712345678", "2026-01-16T08:30:00Z");
      }

      public Future<HttpResponse<Buffer>> deliverWithSerial(String otherSerial) {
        return home.provider()
            .process(id, otherSerial, minor, "KES", "254712345678", "2026-01-16T08:30:00Z");
      }
    };
  }

  @Override
  protected void assertRecorded(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertEquals(36, r.bodyAsJsonObject().getString("transactionId").length(), r.bodyAsString());
  }

  @Override
  protected void assertSameAnswer(HttpResponse<Buffer> first, HttpResponse<Buffer> again) {
    // the token's value appears once issued: the receipt is the same transaction and allocations
    assertStatus(first.statusCode(), again);
    assertEquals(
        first.bodyAsJsonObject().getString("transactionId"),
        again.bodyAsJsonObject().getString("transactionId"));
    assertEquals(
        first.bodyAsJsonObject().getJsonArray("allocations"),
        again.bodyAsJsonObject().getJsonArray("allocations"));
  }

  @Override
  protected void assertDuplicateRefused(HttpResponse<Buffer> r) {
    assertStatus(409, r);
    assertEquals("DUPLICATE_TRANSACTION", r.bodyAsJsonObject().getString("code"));
  }
}
