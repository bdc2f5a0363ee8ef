package io.payg.gateway.config;

import java.time.Duration;
import java.util.Map;

/**
 * What the gateway allows callers it does not trust yet (the internet at its listener, sign-up
 * and login before a password is checked), and how long it keeps what they leave behind.
 *
 * @param tlsCertPem          HTTP_TLS_CERT (PEM text) or HTTP_TLS_CERT_FILE: the listener's certificate chain;
 *                            with HTTP_TLS_KEY[_FILE] the API is served over https only (default: plain http)
 * @param tlsKeyPem           HTTP_TLS_KEY (PKCS#8 PEM text) or HTTP_TLS_KEY_FILE: its private key
 * @param maxConnections      HTTP_MAX_CONNECTIONS: open API connections per gateway instance; one past it is
 *                            closed at once, default 10000
 * @param idleTimeout         HTTP_IDLE_TIMEOUT_SECONDS: a connection with no traffic for this long is closed, default 60
 * @param refreshGrace        REFRESH_GRACE_SECONDS: a just-rotated refresh token presented again within this
 *                            (its answer was lost) gets a fresh pair instead of revoking its family, default 10
 * @param bcryptJobs          UNAUTHENTICATED_BCRYPT_JOBS: password hashes and checks for sign-up and login
 *                            running at once per instance; more waiting answer 429, default 4
 * @param signupsPerSource    SIGNUPS_PER_SOURCE_PER_HOUR: sign-ups one source address (IPv6: its /64) may make
 *                            per hour across instances, default 10
 * @param secretMinLength     PLUGIN_SECRET_MIN_LENGTH: shortest HMAC / shared secret a plugin accepts, default 16
 * @param refreshRetention    REFRESH_TOKEN_RETENTION_DAYS: expired or revoked refresh tokens are deleted this
 *                            long after, default 30
 * @param retentionCheck      RETENTION_CHECK_MS: how often the retention jobs run (refresh tokens, login and
 *                            sign-up throttle state), default 300000
 * @param admission           TELCO_*_MAX_IN_FLIGHT: provider calls taken on at once per path, the rest shed
 *                            ({@link AdmissionLimits})
 */
public record EdgeSettings(
    String tlsCertPem,
    String tlsKeyPem,
    int maxConnections,
    Duration idleTimeout,
    Duration refreshGrace,
    int bcryptJobs,
    int signupsPerSource,
    int secretMinLength,
    Duration refreshRetention,
    Duration retentionCheck,
    AdmissionLimits admission) {

  public static EdgeSettings fromEnv(Map<String, String> env) {
    return from(new SettingValues(env));
  }

  static EdgeSettings from(SettingValues v) {
    return new EdgeSettings(
        v.pem(Setting.HTTP_TLS_CERT),
        v.pem(Setting.HTTP_TLS_KEY),
        v.integer(Setting.HTTP_MAX_CONNECTIONS),
        Duration.ofSeconds(v.integer(Setting.HTTP_IDLE_TIMEOUT_SECONDS)),
        Duration.ofSeconds(v.integer(Setting.REFRESH_GRACE_SECONDS)),
        v.integer(Setting.UNAUTHENTICATED_BCRYPT_JOBS),
        v.integer(Setting.SIGNUPS_PER_SOURCE_PER_HOUR),
        v.integer(Setting.PLUGIN_SECRET_MIN_LENGTH),
        Duration.ofDays(v.integer(Setting.REFRESH_TOKEN_RETENTION_DAYS)),
        Duration.ofMillis(v.integer(Setting.RETENTION_CHECK_MS)),
        AdmissionLimits.from(v));
  }

  public boolean tls() {
    return !tlsCertPem.isEmpty();
  }

  void validate() {
    if (tlsCertPem.isEmpty() != tlsKeyPem.isEmpty()) {
      throw new IllegalStateException(
          "HTTP_TLS_CERT and HTTP_TLS_KEY (or their _FILE forms) are set together or not at all");
    }
    admission.validate();
    if (maxConnections < 1
        || idleTimeout.isNegative()
        || refreshGrace.isNegative()
        || bcryptJobs < 1
        || signupsPerSource < 1
        || secretMinLength < 1
        || refreshRetention.isNegative()
        || retentionCheck.toMillis() < 1) {
      throw new IllegalStateException(
          "HTTP_MAX_CONNECTIONS, HTTP_IDLE_TIMEOUT_SECONDS, REFRESH_GRACE_SECONDS,"
              + " UNAUTHENTICATED_BCRYPT_JOBS, SIGNUPS_PER_SOURCE_PER_HOUR, PLUGIN_SECRET_MIN_LENGTH,"
              + " REFRESH_TOKEN_RETENTION_DAYS or RETENTION_CHECK_MS out of range");
    }
  }

  String describe() {
    return (tls() ? "https" : "http") + ", max " + maxConnections + " connections, idle "
        + idleTimeout.toSeconds()
        + " s, refresh grace " + refreshGrace.toSeconds() + " s, " + bcryptJobs + " bcrypt jobs, "
        + signupsPerSource
        + " sign-ups/source/h, secrets >= " + secretMinLength + ", refresh tokens kept "
        + refreshRetention.toDays() + " d, "
        + admission.describe();
  }
}
