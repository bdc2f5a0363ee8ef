package io.payg.gateway.config;

import static io.payg.gateway.config.Setting.*;

import io.payg.gateway.outbound.OutboundSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the gateway reads from its environment, typed. Each setting's name, default and
 * meaning are declared once in {@link Setting}. Configuration is data:
 * built once at start from a map (the process environment in production, a plain map in
 * tests) and printed as a summary with secrets masked.
 *
 * @param httpHost           HTTP_HOST, default 0.0.0.0
 * @param httpPort           HTTP_PORT, default 8080 (0 picks a free port)
 * @param databaseUrl        DATABASE_URL (postgresql://user:pass@host:port/db); empty = find one
 * @param dbPoolSize         DB_POOL_SIZE, default 16
 * @param dbPoolWaitQueue    DB_POOL_WAIT_QUEUE, requests that may wait for a connection, default 1000
 * @param dbPoolWait         DB_POOL_WAIT_MS, how long a request waits for a connection, default 2000;
 *                           past either bound the answer is 503 DATABASE_BUSY with Retry-After
 * @param migrationLockTimeout      MIGRATION_LOCK_TIMEOUT_MS, lock_timeout of a migration session, default 10000
 * @param migrationStatementTimeout MIGRATION_STATEMENT_TIMEOUT_MS, statement_timeout of one, default 1800000
 * @param shutdownGrace      SHUTDOWN_GRACE_MS, how long a SIGTERM waits for requests and jobs in flight, default 20000
 * @param eventLoops         EVENT_LOOPS, HTTP verticle instances, default the number of cores
 * @param revocationPoll     REVOCATION_POLL_MS, how often the access tokens of disabled, demoted or
 *                           re-passworded users are looked up, default 2000 (each instance, one small query)
 * @param jwtSecret          JWT_SECRET, HMAC key for access tokens when JWT_ALGORITHM=HS256 (demo mode only)
 * @param accessTokenTtl     ACCESS_TOKEN_TTL_SECONDS, default 900
 * @param tokenWorkerBatch   TOKEN_WORKER_BATCH, outbox jobs claimed per poll, default 64
 * @param tokenMaxInFlight   TOKEN_MAX_IN_FLIGHT, manufacturer calls at once, default 512
 * @param tokenMaxAttempts   TOKEN_MAX_ATTEMPTS, before a job is TOKEN_FAILED, default 8
 * @param outboxPollInterval OUTBOX_POLL_MS, how often workers look for due jobs, default 500
 * @param outboxLease        OUTBOX_LEASE_SECONDS, a claimed job is retried after this if its
 *                           worker died, default 60
 * @param retryBase          TOKEN_RETRY_BASE_MS, first retry delay ceiling, default 2000
 * @param retryCap           TOKEN_RETRY_CAP_MS, largest retry delay, default 300000
 * @param breakerMaxFailures MANUFACTURER_BREAKER_FAILURES, failures in a row that open a
 *                           manufacturer's circuit breaker, default 5
 * @param breakerReset       MANUFACTURER_BREAKER_RESET_MS, how long it stays open, default 30000
 * @param publicBaseUrl      PUBLIC_BASE_URL, how providers reach this gateway (callback URLs);
 *                           default http://127.0.0.1:{HTTP_PORT}
 * @param collectionPoll     COLLECTION_POLL_MS, how often pending collections are checked, default 5000
 * @param agentTokenWait     AGENT_TOKEN_WAIT_MS, how long an agent's cash payment waits for its
 *                           token before answering 202, default 5000
 * @param secretsKey         SECRETS_KEY, 32 bytes in base64: encrypts plugin credentials at rest
 *                           (required outside demo mode)
 * @param secretsKeyPrevious SECRETS_KEY_PREVIOUS, the key before a rotation: still opens what it sealed
 * @param bcryptCost         BCRYPT_COST, default 11
 * @param demo               the --demo flag only: an environment variable never turns a production start into a demo
 * @param manufacturerLimits MANUFACTURER_LIMITS and MANUFACTURER_TIMEOUTS_MS: requests in flight
 *                           at once and request timeout per manufacturer ({@link ManufacturerLimits})
 * @param reminderCheck      REMINDER_CHECK_MS, how often the daily installment-reminder job looks
 *                           at the clock, default 60000
 * @param auth               JWT_ALGORITHM, JWT_PRIVATE_KEY[_FILE], JWT_PUBLIC_KEY[_FILE], REFRESH_TOKEN_TTL_SECONDS
 * @param proxy              TRUSTED_PROXIES and PROXY_PROTOCOL: the real client address behind
 *                           proxies ({@link ProxySettings})
 * @param outbound           OUTBOUND_*: how plugins' peers may be called ({@link OutboundSettings})
 * @param operations         METRICS_*, PLUGIN_CACHE_MAX_ENTRIES, OUTBOX_OVERDUE_SECONDS ({@link OperationsSettings})
 * @param edge               HTTP_TLS_*, HTTP_MAX_CONNECTIONS, sign-up and session limits,
 *                           retention ({@link EdgeSettings})
 * @param pipeline           DB_READ_*, DB_WORKER_POOL_SIZE, OUTBOX_WORKER_THREADS, OUTBOX_COMPLETION_*: the
 *                           payment pipeline's connections and threads ({@link PipelineSettings})
 * @param settings           the values read, for the masked summary
 */
public record GatewayConfig(
    String httpHost,
    int httpPort,
    String databaseUrl,
    int dbPoolSize,
    int dbPoolWaitQueue,
    Duration dbPoolWait,
    Duration migrationLockTimeout,
    Duration migrationStatementTimeout,
    Duration shutdownGrace,
    int eventLoops,
    String jwtSecret,
    Duration accessTokenTtl,
    Duration revocationPoll,
    int tokenWorkerBatch,
    int tokenMaxInFlight,
    int tokenMaxAttempts,
    Duration outboxPollInterval,
    Duration outboxLease,
    Duration retryBase,
    Duration retryCap,
    int breakerMaxFailures,
    Duration breakerReset,
    String publicBaseUrl,
    Duration collectionPoll,
    Duration agentTokenWait,
    String secretsKey,
    String secretsKeyPrevious,
    int bcryptCost,
    boolean demo,
    ManufacturerLimits manufacturerLimits,
    Duration reminderCheck,
    AuthSettings auth,
    ProxySettings proxy,
    OutboundSettings outbound,
    OperationsSettings operations,
    EdgeSettings edge,
    PipelineSettings pipeline,
    SettingValues settings) {

  /**
   * The most HTTP requests one token attempt makes, retries inside it included: Steama logs in,
   * looks the meter up and credits it, and on a 401 logs in again and repeats the call (5); Sun
   * King 4, SparkMeter 2, Calin and Angaza 1. Each ends within OUTBOUND_TIMEOUT_MAX_MS, so an
   * attempt ends within {@link #tokenAttemptBudget()}. An adapter that makes more must raise it.
   */
  public static final int REQUESTS_PER_TOKEN_ATTEMPT = 5;

  public static GatewayConfig fromEnv(Map<String, String> env, boolean demo) {
    return from(new SettingValues(env), demo);
  }

  private static GatewayConfig from(SettingValues v, boolean demo) {
    return new GatewayConfig(
        v.string(HTTP_HOST),
        v.integer(HTTP_PORT),
        v.string(DATABASE_URL),
        v.integer(DB_POOL_SIZE),
        v.integer(DB_POOL_WAIT_QUEUE),
        Duration.ofMillis(v.integer(DB_POOL_WAIT_MS)),
        Duration.ofMillis(v.integer(MIGRATION_LOCK_TIMEOUT_MS)),
        Duration.ofMillis(v.integer(MIGRATION_STATEMENT_TIMEOUT_MS)),
        Duration.ofMillis(v.integer(SHUTDOWN_GRACE_MS)),
        v.integer(EVENT_LOOPS),
        v.string(JWT_SECRET),
        Duration.ofSeconds(v.integer(ACCESS_TOKEN_TTL_SECONDS)),
        Duration.ofMillis(v.integer(REVOCATION_POLL_MS)),
        v.integer(TOKEN_WORKER_BATCH),
        v.integer(TOKEN_MAX_IN_FLIGHT),
        v.integer(TOKEN_MAX_ATTEMPTS),
        Duration.ofMillis(v.integer(OUTBOX_POLL_MS)),
        Duration.ofSeconds(v.integer(OUTBOX_LEASE_SECONDS)),
        Duration.ofMillis(v.integer(TOKEN_RETRY_BASE_MS)),
        Duration.ofMillis(v.integer(TOKEN_RETRY_CAP_MS)),
        v.integer(MANUFACTURER_BREAKER_FAILURES),
        Duration.ofMillis(v.integer(MANUFACTURER_BREAKER_RESET_MS)),
        v.string(PUBLIC_BASE_URL),
        Duration.ofMillis(v.integer(COLLECTION_POLL_MS)),
        Duration.ofMillis(v.integer(AGENT_TOKEN_WAIT_MS)),
        v.string(SECRETS_KEY),
        v.string(SECRETS_KEY_PREVIOUS),
        v.integer(BCRYPT_COST),
        demo,
        ManufacturerLimits.parse(v.string(MANUFACTURER_LIMITS), v.string(MANUFACTURER_TIMEOUTS_MS)),
        Duration.ofMillis(v.integer(REMINDER_CHECK_MS)),
        AuthSettings.from(v),
        ProxySettings.from(v),
        OutboundSettings.parse(
            v.string(OUTBOUND_ALLOWED_NETWORKS),
            v.string(OUTBOUND_PLAIN_HTTP_HOSTS),
            v.integer(OUTBOUND_MAX_RESPONSE_BYTES),
            v.integer(OUTBOUND_TIMEOUT_MAX_MS),
            demo),
        new OperationsSettings(
            v.string(METRICS_HOST),
            v.integer(METRICS_PORT),
            v.string(METRICS_TOKEN),
            v.integer(PLUGIN_CACHE_MAX_ENTRIES),
            Duration.ofSeconds(v.integer(OUTBOX_OVERDUE_SECONDS))),
        EdgeSettings.from(v),
        PipelineSettings.from(v),
        v);
  }

  /** OTEL_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME ({@link TraceSettings}). */
  public TraceSettings traces() {
    return TraceSettings.from(settings);
  }

  /** How long a job may wait in memory for a manufacturer's permit: well inside its lease. */
  public Duration permitWait() {
    Duration quarter = outboxLease.dividedBy(4);
    return quarter.compareTo(Duration.ofSeconds(5)) < 0 ? quarter : Duration.ofSeconds(5);
  }

  /** The longest one token attempt can take: the permit wait, then every request at its longest. */
  public Duration tokenAttemptBudget() {
    return permitWait().plus(outbound.maxRequestTime().multipliedBy(REQUESTS_PER_TOKEN_ATTEMPT));
  }

  /** The same settings read again with another database URL (the demo's and the tests' own database). */
  public GatewayConfig withDatabaseUrl(String url) {
    return from(settings.with(Setting.DATABASE_URL, url), demo);
  }

  /** Refuses to start on settings that cannot work, with a message an SRE can act on. */
  public GatewayConfig validated() {
    if (databaseUrl.isBlank()) {
      throw new IllegalStateException("DATABASE_URL is not set");
    }
    if (secretsKey.isBlank()) {
      throw new IllegalStateException(
          "SECRETS_KEY is not set (32 random bytes in base64: openssl rand -base64 32)");
    }
    auth.validate(demo, jwtSecret);
    operations.validate();
    edge.validate();
    pipeline.validate();
    traces().validate();
    // a call that outlives its job's lease lets another worker claim the job and vend again
    if (tokenAttemptBudget().plus(outboxPollInterval).compareTo(outboxLease) >= 0) {
      throw new IllegalStateException(
          "OUTBOX_LEASE_SECONDS (" + outboxLease.toSeconds() + " s) must be longer than one "
              + "token attempt: permit wait " + permitWait().toMillis() + " ms + "
              + REQUESTS_PER_TOKEN_ATTEMPT
              + " requests x OUTBOUND_TIMEOUT_MAX_MS "
              + outbound.maxRequestTime().toMillis() + " ms + OUTBOX_POLL_MS "
              + outboxPollInterval.toMillis() + " ms = "
              + tokenAttemptBudget().plus(outboxPollInterval).toMillis()
              + " ms; raise the lease or lower OUTBOUND_TIMEOUT_MAX_MS");
    }
    if (httpPort < 0
        || httpPort > 65535
        || dbPoolSize < 1
        || dbPoolWaitQueue < 0
        || dbPoolWait.toMillis() < 1
        || migrationLockTimeout.toMillis() < 1
        || migrationStatementTimeout.toMillis() < 1
        || shutdownGrace.isNegative()
        || eventLoops < 1
        || tokenMaxAttempts < 1
        || tokenWorkerBatch < 1
        || tokenMaxInFlight < 1
        || bcryptCost < 4
        || bcryptCost > 31
        || reminderCheck.toMillis() < 1
        || revocationPoll.toMillis() < 1) {
      throw new IllegalStateException("configuration out of range: " + summary());
    }
    return this;
  }

  /** One line per setting ({@link Setting}), secrets masked, for the start-up log. */
  public Map<String, String> summary() {
    Map<String, String> s = new LinkedHashMap<>(settings.summary());
    s.put("DEMO", String.valueOf(demo));
    return s;
  }

  static String maskUrlPassword(String url) {
    return SettingValues.maskUrlPassword(url);
  }
}
