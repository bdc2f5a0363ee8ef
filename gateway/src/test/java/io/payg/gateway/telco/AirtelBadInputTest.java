package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.airtel.AirtelTelcoAdapter;
import io.payg.telco.simulator.AirtelSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The matrix for Airtel Money collections, with callback authentication on (the {@code hash}). */
class AirtelBadInputTest extends CollectionBadInputMatrix {

  private AirtelSimulator airtel;

  @Override
  protected String provider() {
    return "airtel";
  }

  @Override
  protected String currency() {
    return "TZS";
  }

  @Override
  protected String msisdn() {
    return "255754123456";
  }

  private static String secret(GatewayFixture.Company c) {
    return "airtel-callback-key-" + c.id();
  }

  @Override
  protected void startProvider() {
    airtel = await(AirtelSimulator.start(gw.app.vertx(), 0)).setCallbacks(false);
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    Map<String, Object> settings = new HashMap<>(airtel.settings());
    settings.put(AirtelTelcoAdapter.SETTING_CALLBACK_SECRET, secret(c));
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/airtel",
        c.adminToken(),
        new JsonObject().put("enabled", true).put("settings", new JsonObject(settings))));
  }

  @Override
  protected void approve(String reference) {
    await(airtel.approve(reference));
  }

  private static JsonObject signed(JsonObject transaction, String secret) {
    byte[] payload =
        new JsonObject().put("transaction", transaction).encode().getBytes(StandardCharsets.UTF_8);
    return new JsonObject()
        .put("transaction", transaction)
        .put("hash", AirtelTelcoAdapter.hash(secret, payload));
  }

  private static JsonObject transaction(String reference) {
    return new JsonObject()
        .put("id", reference)
        .put("message", "Paid TZS 5,000 to PAYG Energy")
        .put("status_code", "TS")
        .put("airtel_money_id", "MP210603.1234.L06941");
  }

  @Override
  protected JsonObject successCallback(GatewayFixture.Company c, String reference) {
    return signed(transaction(reference), secret(c));
  }

  @Override
  protected JsonObject withoutStatus(JsonObject callback) {
    JsonObject transaction = callback.getJsonObject("transaction").copy();
    transaction.remove("status_code");
    return signed(transaction, callback == null ? null : secret(home));
  }

  @Override
  protected Future<HttpResponse<Buffer>> forged(String reference) {
    return callback(
        home,
        signed(transaction(reference), "not-the-callback-key").toBuffer(),
        "application/json");
  }

  @Override
  protected void assertForgeryAnswer(HttpResponse<Buffer> r) {
    problem(401, "UNAUTHENTICATED", r);
  }
}
