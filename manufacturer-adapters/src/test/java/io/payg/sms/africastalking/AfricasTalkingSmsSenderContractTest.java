package io.payg.sms.africastalking;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.payg.domain.port.SmsSendException;
import io.payg.domain.port.SmsSender;
import io.payg.sms.contract.SmsSenderContractTest;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class AfricasTalkingSmsSenderContractTest extends SmsSenderContractTest {

  private AfricasTalkingSimulator simulator;

  @Override
  protected Future<Peer> startPeer(Vertx vertx) {
    return AfricasTalkingSimulator.start(vertx, 0).map(sim -> {
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
        public List<RecordedSms> messages() {
          return sim.messages().stream()
              .map(m -> new RecordedSms(m.to(), m.text(), m.messageId()))
              .toList();
        }

        @Override
        public Future<Void> stop() {
          return sim.stop();
        }
      };
    });
  }

  @Override
  protected SmsSender createSender(WebClient client) {
    return new AfricasTalkingSmsSender(client);
  }

  @Override
  protected Map<String, String> settings(Peer peer) {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put(AfricasTalkingSmsSender.SETTING_TIMEOUT_MS, "3000");
    return settings;
  }

  @Override
  protected Map<String, String> settingsWithWrongCredentials(Peer peer) {
    Map<String, String> settings = settings(peer);
    settings.put(AfricasTalkingSmsSender.SETTING_API_KEY, "wrong-key");
    return settings;
  }

  @Override
  protected boolean isRetryable(Throwable failure) {
    return assertInstanceOf(SmsSendException.class, failure).retryable();
  }
}
