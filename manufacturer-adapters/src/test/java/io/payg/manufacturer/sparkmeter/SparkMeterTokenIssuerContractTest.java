package io.payg.manufacturer.sparkmeter;

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

class SparkMeterTokenIssuerContractTest extends TokenIssuerContractTest {

  private SparkMeterSimulator simulator;

  @Override
  protected Future<Peer> startPeer(Vertx vertx) {
    return SparkMeterSimulator.start(vertx, 0).map(sim -> {
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
    return new SparkMeterTokenIssuer(client);
  }

  @Override
  protected Map<String, String> settings(Peer peer, Duration timeout) {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put(SparkMeterTokenIssuer.SETTING_TIMEOUT_MS, Long.toString(timeout.toMillis()));
    return settings;
  }

  @Override
  protected Pattern tokenPattern() {
    // online meters: the token is ThunderCloud's transaction id
    return Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }
}
