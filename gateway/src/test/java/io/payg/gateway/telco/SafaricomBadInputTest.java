package io.payg.gateway.telco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.UUID;

/**
 * The matrix for Daraja C2B. Bad input goes to the validation URL, whose refusal is Daraja's
 * {@code {"ResultCode":"C2B000xx","ResultDesc":"Rejected"}}; replays go to the confirmation URL,
 * which Daraja only ever reads as an acknowledgement (a conflicting one is kept as a conflict).
 * Calls go through the alias path {@code ke-c2b} that Daraja accepts.
 */
class SafaricomBadInputTest extends BadInputMatrix {

  static final String SHORT_CODE = "600638";
  private GatewayFixture.Company foreign;

  @Override
  protected String provider() {
    return "safaricom";
  }

  @Override
  protected String currency() {
    return "KES";
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SHORT_CODE)
                    .put("allowedSources", "127.0.0.1/32"))));
  }

  private SafaricomSimulator daraja(GatewayFixture.Company c) {
    return new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + c.id());
  }

  private C2bPayment good(String serial) {
    return C2bPayment.payBill(
        "R" + UUID.randomUUID().toString().substring(0, 9).replace("-", ""),
        SHORT_CODE,
        serial,
        major(amount()),
        "254708374149",
        Instant.now());
  }

  private Future<HttpResponse<Buffer>> validation(
      GatewayFixture.Company c, Buffer body, String contentType) {
    return gw.http
        .postAbs(gw.base + "/api/v1/telco/ke-c2b/" + c.id() + "/validation")
        .putHeader("Content-Type", contentType)
        .sendBuffer(body);
  }

  private Future<HttpResponse<Buffer>> validation(JsonObject body) {
    return validation(home, body.toBuffer(), "application/json");
  }

  @Override
  protected Future<HttpResponse<Buffer>> send(BadInput c) {
    JsonObject json = new JsonObject(good(homeSerial).body());
    String amount = badAmountText(c);
    if (amount != null) {
      return validation(json.put("TransAmount", amount));
    }
    return switch (c) {
      case MALFORMED_BODY -> validation(home, Buffer.buffer("{\"TransID\":"), "application/json");
      case ENTITY_EXPANSION ->
        validation(home, Buffer.buffer(BadInput.BILLION_LAUGHS), "application/json");
      case EXTERNAL_ENTITY -> validation(home, Buffer.buffer(BadInput.XXE), "text/xml");
      case OVERSIZE_BODY -> validation(json.put("FirstName", BadInput.oversize()));
      case WRONG_CONTENT_TYPE -> validation(home, json.toBuffer(), "text/plain");
      case MISSING_FIELDS -> {
        json.remove("TransAmount");
        yield validation(json);
      }
      case WRONG_CURRENCY -> {
        // Daraja sends no currency: M-Pesa Kenya is KES; a company in another currency refuses it
        if (foreign == null) {
          foreign = gw.company("Foreign safaricom", "TZS", 50_000, 100_000);
          enable(foreign);
        }
        yield validation(
            foreign, json.put("BillRefNumber", newSerial(foreign)).toBuffer(), "application/json");
      }
      case UNKNOWN_SERIAL -> validation(json.put("BillRefNumber", "NO-SUCH-SERIAL"));
      case OTHER_COMPANYS_SERIAL -> validation(json.put("BillRefNumber", otherSerial));
      case PROVIDER_NOT_ENABLED ->
        validation(
            disabled, json.put("BillRefNumber", disabledSerial).toBuffer(), "application/json");
      case BAD_AUTH ->
        validation(
            json.put("BusinessShortCode", "999999")); // Daraja's only credential: the short code
      default -> throw new IllegalArgumentException(c.name());
    };
  }

  @Override
  protected void assertRefused(BadInput c, HttpResponse<Buffer> r) {
    String code = switch (c) {
      case NEGATIVE_AMOUNT,
          ZERO_AMOUNT,
          FRACTIONAL_AMOUNT,
          NON_NUMERIC_AMOUNT,
          OVERFLOWING_AMOUNT,
          WRONG_CURRENCY -> "C2B00013";
      case UNKNOWN_SERIAL, OTHER_COMPANYS_SERIAL -> "C2B00012";
      case BAD_AUTH -> "C2B00015";
      default -> "C2B00016";
    };
    assertStatus(200, r); // Daraja reads ResultCode from 200 answers only
    assertEquals(
        new JsonObject().put("ResultCode", code).put("ResultDesc", "Rejected"),
        r.bodyAsJsonObject());
  }

  @Override
  protected Payment payment(String serial, long minor) {
    C2bPayment p = good(serial);
    SafaricomSimulator daraja = daraja(home);
    lastTransId = p.transId();
    conflictsOfLast = 0;
    return new Payment() {
      public String txnId() {
        return p.transId();
      }

      public Future<HttpResponse<Buffer>> deliver() {
        return daraja.confirmation(p);
      }

      public Future<HttpResponse<Buffer>> deliverWithAmount(long other) {
        return daraja.send(
            "confirmation",
            new JsonObject(p.body()).put("TransAmount", major(other)).toBuffer());
      }

      public Future<HttpResponse<Buffer>> deliverWithSerial(String otherSerial) {
        return daraja.send(
            "confirmation",
            new JsonObject(p.body()).put("BillRefNumber", otherSerial).toBuffer());
      }
    };
  }

  @Override
  protected void assertRecorded(HttpResponse<Buffer> r) {
    assertStatus(200, r);
    assertEquals(
        new JsonObject().put("ResultCode", 0).put("ResultDesc", "Success"), r.bodyAsJsonObject());
  }

  private String lastTransId;
  private long conflictsOfLast;

  @Override
  protected void assertDuplicateRefused(HttpResponse<Buffer> r) {
    // the money moved already: Daraja gets its acknowledgement, operators get the conflict
    assertRecorded(r);
    assertEquals(
        ++conflictsOfLast,
        gw.db.count("SELECT count(*) FROM conflicts WHERE provider_txn_id = ?", lastTransId),
        "each conflicting confirmation is kept for an operator");
  }
}
