package io.payg.manufacturer.steama;

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

class SteamaTokenIssuerContractTest extends TokenIssuerContractTest {

  private SteamaSimulator simulator;

  @Override
  protected Future<Peer> startPeer(Vertx vertx) {
    return SteamaSimulator.start(vertx, 0).map(sim -> {
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
        public void register(String serial) {
          sim.register(serial);
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
    return new SteamaTokenIssuer(client);
  }

  @Override
  protected Map<String, String> settings(Peer peer, Duration timeout) {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put(SteamaTokenIssuer.SETTING_TIMEOUT_MS, Long.toString(timeout.toMillis()));
    return settings;
  }

  @Override
  protected Pattern tokenPattern() {
    // online meters: the token is Steama's transaction id
    return Pattern.compile("\\d+");
  }
}
