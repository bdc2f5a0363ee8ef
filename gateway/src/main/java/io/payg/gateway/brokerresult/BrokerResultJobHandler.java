package io.payg.gateway.brokerresult;

import io.payg.domain.peer.PeerStatus;
import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.plugin.PluginStore;
import io.payg.telco.vodacomtz.BrokerPasswordDigest;
import io.payg.telco.vodacomtz.VodacomTzBrokerResult;
import io.payg.telco.vodacomtz.VodacomTzBrokerResultClient;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;

/**
 * A BROKER_RESULT job: posts the result to the broker (the plugin's {@code resultUrl}, else the
 * request's {@code <resultURL>}) over TLS with the company's client certificate, and records the
 * broker's answer. Acknowledged: DONE (a cancellation also marks its kept payment CANCELLED).
 * The broker down or unreachable, or settings missing: retried with the outbox's backoff. The
 * broker answering without acknowledging: the answer is kept and the job ends FAILED for an operator.
 */
// retried with backoff as in
// jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/route/paybill/MpesaPayBillCallbackConsumer.java
public final class BrokerResultJobHandler implements JobHandler {

  private final BrokerResultStore store;
  private final PluginStore plugins;
  private final VodacomTzBrokerResultClient client;
  private final Clock clock;

  public BrokerResultJobHandler(
      BrokerResultStore store,
      PluginStore plugins,
      VodacomTzBrokerResultClient client,
      Clock clock) {
    this.store = store;
    this.plugins = plugins;
    this.client = client;
    this.clock = clock;
  }

  @Override
  public String kind() {
    return BrokerResultStore.KIND;
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return store
        .context(job.id())
        .compose(row -> plugins
            .settings(job.companyId(), row.getString("provider"))
            .compose(s -> send(job, row, s.settings())));
  }

  private Future<Void> send(OutboxJob job, Row row, Map<String, String> settings) {
    UUID resultId = row.getUUID("id");
    String code = row.getString("result_code");
    String spId = settings.get(VodacomTzTelcoAdapter.SETTING_USERNAME);
    String password = settings.getOrDefault(VodacomTzTelcoAdapter.SETTING_PASSWORD, "");
    BrokerPasswordDigest digest = BrokerPasswordDigest.fromSetting(
        settings.get(VodacomTzTelcoAdapter.SETTING_PASSWORD_DIGEST));
    ZoneId zone = VodacomTzTelcoAdapter.zone(settings);
    String configured = settings.get(VodacomTzBrokerResult.SETTING_RESULT_URL);
    String url = configured != null && !configured.isBlank()
        ? configured.trim()
        : row.getString("request_result_url");
    if (spId == null || spId.isBlank() || digest == null || zone == null || url == null) {
      // settings can be fixed while the job waits: retried, not failed
      return Future.failedFuture(new JobFailure(
          "the vodacom-tz plugin lacks username, passwordDigest, timestampTimeZone or a result URL",
          true));
    }
    String ns = row.getString("namespace");
    VodacomTzBrokerResult.Result result = new VodacomTzBrokerResult.Result(
        ns == null ? VodacomTzTelcoAdapter.NAMESPACE : ns,
        code,
        row.getString("result_desc"),
        row.getUUID("transaction_id") == null
            ? null
            : row.getUUID("transaction_id").toString(),
        row.getString("conversation_id"),
        row.getString("originator_conversation_id"),
        row.getString("provider_txn_id"),
        row.getString("initiator"));
    byte[] document = VodacomTzBrokerResult.document(
        result, spId.trim(), password, digest, clock.instant(), zone);
    return client
        .post(
            url,
            document,
            settings.get(VodacomTzBrokerResult.SETTING_CLIENT_CERTIFICATE),
            settings.get(VodacomTzBrokerResult.SETTING_CLIENT_KEY),
            settings.get(VodacomTzBrokerResult.SETTING_BROKER_CA))
        // bad settings too are retried: an operator can fix them within the retry budget
        .recover(err -> Future.failedFuture(new JobFailure(err.getMessage(), true)))
        .compose(answer -> {
          String text = new String(answer.body(), StandardCharsets.UTF_8);
          VodacomTzBrokerResult.Acknowledgement ack =
              VodacomTzBrokerResult.acknowledgement(answer.body(), code);
          if (answer.status() / 100 == 2 && ack.acknowledged()) {
            return store.acknowledged(
                job.id(),
                resultId,
                answer.status(),
                ack.responseCode(),
                ack.responseDesc(),
                ack.serviceStatus(),
                text);
          }
          boolean brokerTrouble = PeerStatus.isTransient(answer.status());
          return store
              .answered(
                  resultId,
                  answer.status(),
                  ack.responseCode(),
                  ack.responseDesc(),
                  ack.serviceStatus(),
                  text)
              .compose(v -> Future.failedFuture(new JobFailure(
                  "the broker answered HTTP " + answer.status() + " responseCode "
                      + ack.responseCode() + " without acknowledging the result",
                  brokerTrouble)));
        });
  }
}
