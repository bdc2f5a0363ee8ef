package io.payg.manufacturer.sunking;

import io.payg.domain.DeviceType;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.TokenIssuer;
import io.payg.manufacturer.contract.TokenIssuerContractTest;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Pattern;

class SunKingTokenIssuerContractTest extends TokenIssuerContractTest {

  @Override
  protected Future<SunKingSimulator> startSimulator(Vertx vertx) {
    return SunKingSimulator.start(vertx, 0);
  }

  @Override
  protected TokenIssuer createIssuer(WebClient client) {
    return new SunKingTokenIssuer(client);
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
