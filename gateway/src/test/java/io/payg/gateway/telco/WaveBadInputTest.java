package io.payg.gateway.telco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.WaveSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.UUID;

/**
 * The matrix for Wave webhooks (XOF, no minor unit). Wave retries any non-2xx answer for days:
 * authentic but unusable deliveries are answered 200 {@code {"received":true,"recorded":false,"code":..}},
 * a bad signature 401 and a plugin not enabled 403 (problem documents).
 */
class WaveBadInputTest extends BadInputMatrix {

  static final String SECRET = "wave_sn_WHS_matrix";

  @Override
  protected String provider() {
    return "wave";
  }

  @Override
  protected String currency() {
    return "XOF";
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/wave",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("webhookSecret", SECRET + c.id()))));
  }

  private WaveSimulator wave(GatewayFixture.Company c) {
    return new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + c.id(), SECRET + c.id());
  }

  private static JsonObject checkout(String txnId, String serial, String amount, String currency) {
    return new JsonObject(WaveSimulator.checkoutCompleted(
        "EV_" + UUID.randomUUID(), "cos-" + txnId, txnId, amount, currency, serial, Instant.now()));
  }

  private Future<HttpResponse<Buffer>> signed(
      GatewayFixture.Company c, Buffer body, String contentType) {
    WaveSimulator w = wave(c);
    return gw.http
        .postAbs(gw.base + "/api/v1/telco/wave/" + c.id() + "/webhook")
        .putHeader("Content-Type", contentType)
        .putHeader("Wave-Signature", w.signatureHeader(body))
        .sendBuffer(body);
  }

  private Future<HttpResponse<Buffer>> signed(JsonObject event) {
    return signed(home, event.toBuffer(), "application/json");
  }

  @Override
  protected Future<HttpResponse<Buffer>> send(BadInput c) {
    JsonObject event =
        checkout("T_" + UUID.randomUUID(), homeSerial, Long.toString(amount()), "XOF");
    JsonObject data = event.getJsonObject("data");
    String amount = badAmountText(c);
    if (amount != null) {
      data.put("amount", c == BadInput.FRACTIONAL_AMOUNT ? "5000.5" : amount);
      return signed(event);
    }
    return switch (c) {
      case MALFORMED_BODY -> signed(home, Buffer.buffer("{\"type\":"), "application/json");
      case ENTITY_EXPANSION ->
        signed(home, Buffer.buffer(BadInput.BILLION_LAUGHS), "application/json");
      case EXTERNAL_ENTITY -> signed(home, Buffer.buffer(BadInput.XXE), "application/xml");
      case OVERSIZE_BODY -> signed(event.put("padding", BadInput.oversize()));
      case WRONG_CONTENT_TYPE -> signed(home, event.toBuffer(), "text/plain");
      case MISSING_FIELDS -> {
        data.remove("amount");
        yield signed(event);
      }
      case WRONG_CURRENCY -> {
        data.put("currency", "USD");
        yield signed(event);
      }
      case UNKNOWN_SERIAL -> {
        data.put("client_reference", "NO-SUCH-SERIAL");
        yield signed(event);
      }
      case OTHER_COMPANYS_SERIAL -> {
        data.put("client_reference", otherSerial);
        yield signed(event);
      }
      case PROVIDER_NOT_ENABLED -> {
        data.put("client_reference", disabledSerial);
        yield signed(disabled, event.toBuffer(), "application/json");
      }
      case BAD_AUTH ->
        wave(home).sendSigned(event.toBuffer(), wave(other).signatureHeader(event.toBuffer()));
      default -> throw new IllegalArgumentException(c.name());
    };
  }

  @Override
  protected void assertRefused(BadInput c, HttpResponse<Buffer> r) {
    if (c == BadInput.BAD_AUTH || c == BadInput.PROVIDER_NOT_ENABLED) {
      assertStatus(c == BadInput.BAD_AUTH ? 401 : 403, r);
      assertEquals("application/problem+json", r.getHeader("Content-Type"));
      assertEquals(
          c == BadInput.BAD_AUTH ? "UNAUTHENTICATED" : "PROVIDER_NOT_ENABLED",
          r.bodyAsJsonObject().getString("code"));
      return;
    }
    String code = switch (c) {
      case NEGATIVE_AMOUNT,
          ZERO_AMOUNT,
          FRACTIONAL_AMOUNT,
          NON_NUMERIC_AMOUNT,
          OVERFLOWING_AMOUNT -> "INVALID_AMOUNT";
      // a signed payment without an amount: the money moved, kept without one (AMOUNT_UNREADABLE)
      case MISSING_FIELDS -> "INVALID_AMOUNT";
      case WRONG_CURRENCY -> "WRONG_CURRENCY";
      case UNKNOWN_SERIAL, OTHER_COMPANYS_SERIAL -> "DEVICE_NOT_FOUND";
      default -> "MALFORMED_REQUEST";
    };
    assertStatus(200, r); // anything else and Wave retries for days
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(true, body.getBoolean("received"));
    assertEquals(false, body.getBoolean("recorded"), r.bodyAsString());
    assertEquals(code, body.getString("code"), r.bodyAsString());
  }

  @Override
  protected Payment payment(String serial, long minor) {
    String txnId = "T_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Buffer first = checkout(txnId, serial, Long.toString(minor), "XOF").toBuffer();
    WaveSimulator wave = wave(home);
    return new Payment() {
      public String txnId() {
        return txnId;
      }

      public Future<HttpResponse<Buffer>> deliver() {
        return wave.send(first);
      }

      public Future<HttpResponse<Buffer>> deliverWithAmount(long other) {
        return wave.send(checkout(txnId, serial, Long.toString(other), "XOF").toBuffer());
      }

      public Future<HttpResponse<Buffer>> deliverWithSerial(String otherSerial) {
        return wave.send(
            checkout(txnId, otherSerial, Long.toString(minor), "XOF").toBuffer());
      }
    };
  }

  @Override
  protected void assertRecorded(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertEquals(true, r.bodyAsJsonObject().getBoolean("recorded"), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().getString("transactionId") != null);
  }

  @Override
  protected void assertSameAnswer(HttpResponse<Buffer> first, HttpResponse<Buffer> again) {
    assertStatus(first.statusCode(), again);
    assertEquals(
        first.bodyAsJsonObject().getString("transactionId"),
        again.bodyAsJsonObject().getString("transactionId"));
  }

  @Override
  protected void assertDuplicateRefused(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertEquals(false, r.bodyAsJsonObject().getBoolean("recorded"), r.bodyAsString());
    assertEquals("DUPLICATE_TRANSACTION", r.bodyAsJsonObject().getString("code"));
  }
}
