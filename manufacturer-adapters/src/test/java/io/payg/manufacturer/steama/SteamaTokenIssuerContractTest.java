package io.payg.manufacturer.steama;

import io.payg.domain.port.TokenIssuer;
import io.payg.manufacturer.contract.TokenIssuerContractTest;
import io.payg.manufacturer.simulator.SteamaSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Pattern;

class SteamaTokenIssuerContractTest extends TokenIssuerContractTest {

  @Override
  protected Future<SteamaSimulator> startSimulator(Vertx vertx) {
    return SteamaSimulator.start(vertx, 0);
  }

  @Override
  protected TokenIssuer createIssuer(WebClient client) {
    return new SteamaTokenIssuer(client);
  }

  @Override
  protected Pattern tokenPattern() {
    // online meters: the token is Steama's transaction id
    return Pattern.compile("\\d+");
  }
}
