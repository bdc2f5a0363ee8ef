package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;

/** The matrix for MTN MoMo request-to-pay: unsigned callbacks, so a forgery is a "paid" callback MoMo denies. */
class MtnMomoBadInputTest extends CollectionBadInputMatrix {

  private MtnMomoSimulator momo;

  @Override
  protected String provider() {
    return "mtn-momo";
  }

  @Override
  protected String currency() {
    return "UGX";
  }

  @Override
  protected String msisdn() {
    return "256772123456";
  }

  @Override
  protected void startProvider() {
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0)).setCallbacks(false);
  }

  @Override
  protected void enable(GatewayFixture.Company c) {
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(momo.settings())))));
  }

  @Override
  protected void approve(String reference) {
    await(momo.approve(reference));
  }

  @Override
  protected JsonObject successCallback(GatewayFixture.Company c, String reference) {
    return new JsonObject()
        .put("financialTransactionId", "363440463")
        .put("externalId", reference)
        .put("amount", Long.toString(amount()))
        .put("currency", currency())
        .put("payer", new JsonObject().put("partyIdType", "MSISDN").put("partyId", msisdn()))
        .put("payerMessage", "PAYG")
        .put("payeeNote", "PAYG")
        .put("status", "SUCCESSFUL");
  }

  @Override
  protected JsonObject withoutStatus(JsonObject callback) {
    callback.remove("status");
    return callback;
  }

  @Override
  protected Future<HttpResponse<Buffer>> forged(String reference) {
    return callback(home, successCallback(home, reference).toBuffer(), "application/json");
  }
}
