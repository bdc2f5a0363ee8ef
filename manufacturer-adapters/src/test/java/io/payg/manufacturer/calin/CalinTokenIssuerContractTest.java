package io.payg.manufacturer.calin;

import io.payg.domain.port.TokenIssuer;
import io.payg.manufacturer.contract.TokenIssuerContractTest;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Pattern;

class CalinTokenIssuerContractTest extends TokenIssuerContractTest {

  @Override
  protected Future<CalinSimulator> startSimulator(Vertx vertx) {
    return CalinSimulator.start(vertx, 0);
  }

  @Override
  protected TokenIssuer createIssuer(WebClient client) {
    return new CalinTokenIssuer(client);
  }

  @Override
  protected Pattern tokenPattern() {
    return Pattern.compile("\\d{20}");
  }
}
