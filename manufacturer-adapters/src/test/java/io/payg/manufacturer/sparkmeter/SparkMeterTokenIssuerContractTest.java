package io.payg.manufacturer.sparkmeter;

import io.payg.domain.port.TokenIssuer;
import io.payg.manufacturer.contract.TokenIssuerContractTest;
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Pattern;

class SparkMeterTokenIssuerContractTest extends TokenIssuerContractTest {

  @Override
  protected Future<SparkMeterSimulator> startSimulator(Vertx vertx) {
    return SparkMeterSimulator.start(vertx, 0);
  }

  @Override
  protected TokenIssuer createIssuer(WebClient client) {
    return new SparkMeterTokenIssuer(client);
  }

  @Override
  protected Pattern tokenPattern() {
    // online meters: the token is ThunderCloud's transaction id
    return Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }
}
