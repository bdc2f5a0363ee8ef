package io.payg.manufacturer.angaza;

import io.payg.domain.DeviceType;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.TokenIssuer;
import io.payg.manufacturer.contract.TokenIssuerContractTest;
import io.payg.manufacturer.simulator.AngazaSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Pattern;

class AngazaTokenIssuerContractTest extends TokenIssuerContractTest {

  @Override
  protected Future<AngazaSimulator> startSimulator(Vertx vertx) {
    return AngazaSimulator.start(vertx, 0);
  }

  @Override
  protected TokenIssuer createIssuer(WebClient client) {
    return new AngazaTokenIssuer(client);
  }

  @Override
  protected DeviceType deviceType() {
    return DeviceType.SHS;
  }

  @Override
  protected TokenAmount amount() {
    return TokenAmount.days(7);
  }

  @Override
  protected Pattern tokenPattern() {
    return Pattern.compile("\\d{12}");
  }
}
