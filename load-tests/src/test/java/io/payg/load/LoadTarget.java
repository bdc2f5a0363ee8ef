package io.payg.load;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway and company a simulation loads. The gateway: {@code -DbaseUrl} or
 * {@code PAYG_BASE_URL} [http://127.0.0.1:8080], loopback only. The company: given by
 * {@code -DcompanyId} and {@code -Dsecret} (or {@code PAYG_COMPANY_ID} and {@code PAYG_SECRET}:
 * the generic plugin's secret) with its meters ({@code -Dserials} / {@code -DserialsFile}), or,
 * when no company is given, signed up by the simulation itself through the public API
 * ({@link SetupFixture}): {@code -DsetupMeters} [50] meters, {@code -DsetupAgents} agents where
 * the simulation needs them, and Calin at {@code -DcalinBaseUrl} (e.g. the sandbox
 * {@code SimulatorMain calin}) with {@code -DcalinUserId} / {@code -DcalinApiKey}, else the
 * payments are booked and their token jobs fail.
 */
final class LoadTarget {

  static final String BASE_URL = setting("baseUrl", "PAYG_BASE_URL", "http://127.0.0.1:8080");

  private static Map<String, String> signedUp;

  private LoadTarget() {}

  /** A system property, else the environment variable, else the default. */
  static String setting(String property, String env, String defaultValue) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? defaultValue : v.trim();
  }

  /** True when the company is given rather than signed up. */
  static boolean companyGiven() {
    return setting("companyId", "PAYG_COMPANY_ID", null) != null;
  }

  /**
   * The company this run signed up (once per JVM), as {@link SetupFixture} wrote it:
   * baseUrl, companyId, secret, currency, serialsFile, and agentsFile with {@code agents > 0}.
   */
  static synchronized Map<String, String> signedUp(int agents) {
    if (signedUp == null) {
      String run = Long.toString(System.currentTimeMillis(), 36);
      Map<String, String> args = new HashMap<>();
      args.put("baseUrl", BASE_URL);
      args.put("meters", setting("setupMeters", "PAYG_SETUP_METERS", "50"));
      args.put("agents", Integer.toString(agents));
      args.put("currency", System.getProperty("currency", "KES"));
      args.put("out", Path.of("target", "load-target", run).toAbsolutePath().toString());
      for (String calin : new String[] {"calinBaseUrl", "calinUserId", "calinApiKey"}) {
        if (System.getProperty(calin) != null) {
          args.put(calin, System.getProperty(calin));
        }
      }
      System.out.println("# no -DcompanyId given: signing up a company of its own at " + BASE_URL);
      try {
        signedUp = Map.copyOf(SetupFixture.seed(args));
      } catch (Exception e) {
        throw new IllegalStateException(
            "signing up a company at " + BASE_URL + " failed: " + e.getMessage(), e);
      }
    }
    return signedUp;
  }
}
