package io.payg.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.db.DatabaseUrl;
import io.payg.gateway.device.DeviceKeyStore;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.plugin.SecretBox;
import io.payg.gateway.webhook.WebhookStore;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar payg-gateway.jar --reencrypt-secrets}: after a key rotation (new key in
 * SECRETS_KEY, the old one in SECRETS_KEY_PREVIOUS), re-seals every plugin secret and OpenPAYGO
 * device key with the current key; afterwards SECRETS_KEY_PREVIOUS can be removed. Safe to run
 * while gateways serve (each value is rewritten only if it still holds what was read) and again.
 */
public final class SecretRotation {

  private static final Logger LOG = LoggerFactory.getLogger(SecretRotation.class);

  private SecretRotation() {}

  /** Re-seals everything; true when it all went through. */
  public static boolean run(GatewayConfig config) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool()
          .connectingTo(DatabaseUrl.parse(config.databaseUrl()).connectOptions())
          .using(vertx)
          .build();
      SecretBox box = new SecretBox(config.secretsKey(), config.secretsKeyPrevious());
      int plugins = new PluginStore(pool, box, 1, new SimpleMeterRegistry())
          .reencryptAll()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      int devices = new DeviceKeyStore(pool, box)
          .resealAll()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      int webhooks = new WebhookStore(pool, box)
          .resealAll()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      LOG.info(
          "re-sealed {} plugin secret(s), {} OpenPAYGO device key(s) and {} webhook secret(s) with the current "
              + "SECRETS_KEY",
          plugins,
          devices,
          webhooks);
      return true;
    } catch (Exception e) {
      LOG.error("re-encryption stopped: {}", e.getMessage());
      return false;
    } finally {
      vertx.close();
    }
  }
}
