package io.payg.gateway;

import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.demo.Demo;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar payg-gateway.jar} runs the gateway from its environment;
 * {@code --demo} runs the self-contained demo (see {@link Demo}); {@code --reencrypt-secrets}
 * re-seals every secret at rest with the current SECRETS_KEY (see {@link SecretRotation}).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    boolean demo = Arrays.asList(args).contains("--demo");
    Map<String, String> env = new HashMap<>(System.getenv());
    try {
      GatewayConfig config = GatewayConfig.fromEnv(env, demo);
      if (Arrays.asList(args).contains("--reencrypt-secrets")) {
        System.exit(SecretRotation.run(config) ? 0 : 1);
        return;
      }
      if (config.demo()) {
        Demo.run(env);
        return;
      }
      GatewayApp app = GatewayApp.start(config, Clock.systemUTC());
      Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    } catch (Exception e) {
      LOG.error("payg-gateway did not start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }
}
