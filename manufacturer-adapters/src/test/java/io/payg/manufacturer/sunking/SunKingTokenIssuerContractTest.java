package io.payg.manufacturer.sunking;

import io.payg.domain.DeviceType;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.TokenIssuer;
import io.payg.manufacturer.contract.TokenIssuerContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

class SunKingTokenIssuerContractTest extends TokenIssuerContractTest {

  private SunKingSimulator simulator;

  @Override
  protected Future<Peer> startPeer(Vertx vertx) {
    return SunKingSimulator.start(vertx, 0).map(sim -> {
      simulator = sim;
      return new Peer() {
        @Override
        public void failNext(int n) {
          sim.setFailNext(n);
        }

        @Override
        public void down(boolean down) {
          sim.setDown(down);
        }

        @Override
        public void latency(Duration latency) {
          sim.setLatency(latency);
        }

        @Override
        public void rejectSerial(String serial) {
          sim.rejectSerial(serial);
        }

        @Override
        public List<RecordedVend> vends() {
          return sim.vends().stream().map(v -> new RecordedVend(v.serial(), v.token())).toList();
        }

        @Override
        public Future<Void> stop() {
          return sim.stop();
        }
      };
    });
  }

  @Override
  protected TokenIssuer createIssuer(WebClient client) {
    return new SunKingTokenIssuer(client);
  }

  @Override
  protected Map<String, String> settings(Peer peer, Duration timeout) {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put(SunKingTokenIssuer.SETTING_TIMEOUT_MS, Long.toString(timeout.toMillis()));
    return settings;
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
