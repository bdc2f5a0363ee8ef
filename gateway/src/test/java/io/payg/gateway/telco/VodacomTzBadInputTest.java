package io.payg.gateway.telco;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.VodacomTzSimulator;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The matrix for the Vodacom Tanzania broker (XML), on the old confirmation URL (an alias of the one
 * URL): every refusal is the broker's {@code <responseCode>999</responseCode>} with a fixed
 * description, HTTP 200 (401 bad credentials, 403 plugin not enabled). An unknown or another
 * company's serial is not refused in the answer: the broker's request says the money moved, so it is
 * answered "Received", kept unmatched (not a transaction) and cancelled (999) in the result leg.
 */
class VodacomTzBadInputTest extends BadInputMatrix {

  static final String SP_ID = "payg-sp";
  static final String PASSWORD = "broker-password";
  static final String BUSINESS = "400700";

  @Override
  protected String provider() {
    return "vodacom-tz";
  }

  @Override
  protected String currency() {
    return "TZS";
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    // no result endpoint here: result jobs retry in the background; the matrix asserts the answers
    // and the books
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/vodacom-tz",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("username", SP_ID)
                    .put("password", PASSWORD)
                    .put("allowedSources", "127.0.0.1/32")
                    .put("businessNumber", BUSINESS))));
  }

  private VodacomTzSimulator broker(GatewayFixture.Company c, String password) {
    return new VodacomTzSimulator(
        gw.http, gw.base + "/api/v1/telco/vodacom-tz/" + c.id(), SP_ID, password);
  }

  private static VodacomTzSimulator.Payment payBill(String serial, String amount) {
    return VodacomTzSimulator.Payment.payBill(
        "TX" + UUID.randomUUID().toString().substring(0, 8),
        BUSINESS,
        serial,
        amount,
        "255754000001",
        Instant.now());
  }

  private Future<HttpResponse<Buffer>> confirm(String xml) {
    return broker(home, PASSWORD).send("confirmation", xml.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected Future<HttpResponse<Buffer>> send(BadInput c) {
    VodacomTzSimulator broker = broker(home, PASSWORD);
    VodacomTzSimulator.Payment good = payBill(homeSerial, major(amount()));
    String xml = new String(broker.body(good), StandardCharsets.UTF_8);
    String amount = badAmountText(c);
    if (amount != null) {
      return broker.confirmation(good.withAmount(amount));
    }
    return switch (c) {
      case MALFORMED_BODY -> confirm(xml.substring(0, xml.length() / 2));
      case ENTITY_EXPANSION -> confirm(BadInput.BILLION_LAUGHS);
      case EXTERNAL_ENTITY -> confirm(BadInput.XXE);
      case OVERSIZE_BODY ->
        confirm(xml.replace(
            "</transaction>", "<note>" + BadInput.oversize() + "</note></transaction>"));
      case WRONG_CONTENT_TYPE ->
        broker.send("confirmation", xml.getBytes(StandardCharsets.UTF_8), "application/json");
      case MISSING_FIELDS -> confirm(xml.replaceAll("<amount>[^<]*</amount>", ""));
      case WRONG_CURRENCY ->
        confirm(xml.replace("</transaction>", "<currency>KES</currency></transaction>"));
      case UNKNOWN_SERIAL -> broker.confirmation(good.withAccountReference("NO-SUCH-SERIAL"));
      case OTHER_COMPANYS_SERIAL -> broker.confirmation(good.withAccountReference(otherSerial));
      case PROVIDER_NOT_ENABLED ->
        broker(disabled, PASSWORD).confirmation(good.withAccountReference(disabledSerial));
      case BAD_AUTH -> broker(home, "not-the-password").confirmation(good);
      default -> throw new IllegalArgumentException(c.name());
    };
  }

  @Override
  protected void assertRefused(BadInput c, HttpResponse<Buffer> r) {
    if (c == BadInput.UNKNOWN_SERIAL || c == BadInput.OTHER_COMPANYS_SERIAL) {
      // the real protocol (MicroPowerManager 2018, LipanasiGateway): received now, cancelled in the
      // result leg
      assertStatus(200, r);
      assertTrue(
          r.bodyAsString()
              .contains("<responseCode>0</responseCode><responseDesc>Received</responseDesc>"),
          r.bodyAsString());
      assertTrue(
          gw.db.count(
                  "SELECT count(*) FROM unmatched_payments WHERE provider = 'vodacom-tz' AND status = 'OPEN' "
                      + "AND company_id = ?::uuid AND reason = 'DEVICE_NOT_FOUND'",
                  home.id())
              > 0,
          "kept as unmatched");
      return;
    }
    if (badAmountText(c) != null || c == BadInput.MISSING_FIELDS) {
      // authentic, the money moved, its amount unreadable: received now, kept without an amount,
      // cancelled in the result leg like any payment that cannot be booked
      assertStatus(200, r);
      assertTrue(
          r.bodyAsString()
              .contains("<responseCode>0</responseCode><responseDesc>Received</responseDesc>"),
          r.bodyAsString());
      assertTrue(
          gw.db.count(
                  "SELECT count(*) FROM unmatched_payments WHERE provider = 'vodacom-tz' AND amount IS NULL "
                      + "AND company_id = ?::uuid AND reason = 'AMOUNT_UNREADABLE'",
                  home.id())
              > 0,
          "kept without an amount");
      return;
    }
    String description = switch (c) {
      case NEGATIVE_AMOUNT,
          ZERO_AMOUNT,
          FRACTIONAL_AMOUNT,
          NON_NUMERIC_AMOUNT,
          OVERFLOWING_AMOUNT -> "Invalid amount";
      case WRONG_CURRENCY -> "Invalid currency";
      case UNKNOWN_SERIAL, OTHER_COMPANYS_SERIAL -> "Invalid account reference";
      case PROVIDER_NOT_ENABLED -> "Service not enabled";
      case BAD_AUTH -> "Authentication failed";
      default -> "Malformed request";
    };
    assertStatus(c == BadInput.BAD_AUTH ? 401 : c == BadInput.PROVIDER_NOT_ENABLED ? 403 : 200, r);
    String body = r.bodyAsString();
    assertTrue(body.contains("<responseCode>999</responseCode>"), body);
    assertTrue(body.contains("<responseDesc>" + description + "</responseDesc>"), body);
    assertTrue(body.contains("<serviceStatus>Failed</serviceStatus>"), body);
  }

  @Override
  protected Payment payment(String serial, long minor) {
    VodacomTzSimulator.Payment p = payBill(serial, major(minor));
    VodacomTzSimulator broker = broker(home, PASSWORD);
    return new Payment() {
      public String txnId() {
        return p.transactionId();
      }

      public Future<HttpResponse<Buffer>> deliver() {
        return broker.confirmation(p);
      }

      public Future<HttpResponse<Buffer>> deliverWithAmount(long other) {
        return broker.confirmation(p.withAmount(major(other)));
      }

      public Future<HttpResponse<Buffer>> deliverWithSerial(String otherSerial) {
        return broker.confirmation(p.withAccountReference(otherSerial));
      }
    };
  }

  @Override
  protected void assertRecorded(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertTrue(
        r.bodyAsString()
            .contains("<responseCode>" + VodacomTzTelcoAdapter.SUCCESS + "</responseCode>"),
        r.bodyAsString());
  }

  @Override
  protected void assertDuplicateRefused(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertTrue(r.bodyAsString().contains("<responseCode>999</responseCode>"), r.bodyAsString());
    assertTrue(
        r.bodyAsString().contains("<responseDesc>Duplicate transaction</responseDesc>"),
        r.bodyAsString());
  }
}
