package io.payg.gateway.config;

import io.payg.gateway.outbound.OutboundSettings;

/**
 * Every setting the gateway reads from its environment, declared once: its name, its default,
 * whether it is a secret, and what it means. {@link GatewayConfig} parses them (through
 * {@link SettingValues}), the start-up summary prints them masked, and the README's
 * configuration table is generated from them ({@code SettingsTableTest}). A setting declared
 * {@link #WITH_PREVIOUS} shares the README row of the one before it.
 */
public enum Setting {
  DATABASE_URL(
      "",
      "(required)",
      Form.DATABASE_URL,
      "`postgresql://user:pass@host:5432/db?sslmode=verify-full&sslrootcert=/path/ca.pem`; migrations "
          + "are applied at start. `sslmode` as libpq: absent = `prefer`; `require` encrypts without checking"
          + " the certificate; `verify-ca` / `verify-full` check it against `sslrootcert` (and the host "
          + "name); reserved characters in the password percent-encoded (`+` stays a plus)"),
  JWT_ALGORITHM(
      "ES256",
      null,
      Form.TEXT,
      "access-token signature: `ES256` or `RS256` (`HS256` with `JWT_SECRET` ≥ 32 chars in demo mode "
          + "only)"),
  JWT_SECRET(
      "",
      "(none)",
      Form.SECRET,
      "HMAC key of access tokens when `JWT_ALGORITHM` is `HS256`: demo mode only, at least 32 characters"),
  JWT_PRIVATE_KEY(
      "",
      "(required)",
      Form.SECRET_PEM,
      "PEM text of the signing pair (PKCS#8 private key); or `JWT_PRIVATE_KEY_FILE`, "
          + "`JWT_PUBLIC_KEY_FILE` with paths. ES256: `openssl ecparam -name prime256v1 -genkey -noout | "
          + "openssl pkcs8 -topk8 -nocrypt -out jwt.key && openssl ec -in jwt.key -pubout -out jwt.pub`. The "
          + "demo makes an ephemeral pair"),
  JWT_PUBLIC_KEY("", "(required)", Form.PEM, Setting.WITH_PREVIOUS),
  SECRETS_KEY(
      "",
      "(required; `openssl rand -base64 32`)",
      Form.SECRET,
      "AES-256-GCM key that seals plugin credentials and OpenPAYGO device keys at rest, each for its "
          + "place (company, plugin, setting; or device). To rotate: new key in `SECRETS_KEY`, old one in "
          + "`SECRETS_KEY_PREVIOUS`, run `java -jar gateway/target/payg-gateway.jar --reencrypt-secrets` "
          + "once, then drop the old key"),
  SECRETS_KEY_PREVIOUS("", "unset", Form.SECRET, Setting.WITH_PREVIOUS),
  HTTP_HOST("0.0.0.0", null, Form.TEXT, "where the API listens"),
  HTTP_PORT("8080", null, Form.TEXT, Setting.WITH_PREVIOUS),
  HTTP_TLS_CERT(
      "",
      "(none: plain http)",
      Form.PEM,
      "PEM text of the API listener's certificate chain and PKCS#8 private key (or "
          + "`HTTP_TLS_CERT_FILE`, `HTTP_TLS_KEY_FILE` with paths); set both and the API port speaks https "
          + "only"),
  HTTP_TLS_KEY("", "(none: plain http)", Form.SECRET_PEM, Setting.WITH_PREVIOUS),
  HTTP_MAX_CONNECTIONS(
      "10000",
      null,
      Form.TEXT,
      "open API connections per gateway instance; the one past it is closed at once, without an answer"),
  HTTP_IDLE_TIMEOUT_SECONDS(
      "60", null, Form.TEXT, "a connection without traffic for this long is closed"),
  DB_POOL_SIZE("16", null, Form.TEXT, "PostgreSQL connections"),
  SHUTDOWN_GRACE_MS(
      "20000",
      null,
      Form.TEXT,
      "on SIGTERM: readiness answers 503 at once, the HTTP server stops accepting and lets requests in "
          + "flight finish, the workers claim nothing more and let their jobs finish; past the grace the "
          + "leases of unfinished jobs are given back (another instance takes them at once), then the pool "
          + "closes"),
  MIGRATION_LOCK_TIMEOUT_MS(
      "10000",
      null,
      Form.TEXT,
      "`lock_timeout` and `statement_timeout` of the migration session: a migration stuck behind a long"
          + " transaction fails the start fast instead of queueing every payment behind its lock. Instances "
          + "starting together migrate one at a time (Flyway's advisory lock, session-level so that `CREATE "
          + "INDEX CONCURRENTLY` works); traffic is taken only once the schema is current"),
  MIGRATION_STATEMENT_TIMEOUT_MS("1800000", null, Form.TEXT, Setting.WITH_PREVIOUS),
  DB_READ_CONNECTIONS(
      null,
      "2 × cores (at least 4)",
      Form.TEXT,
      "the read client (`PgBuilder.client()`) of the validation lookup and the process snapshot: its "
          + "connections, and statements sent on one before the first answer (deeper pipelines measured "
          + "slower on 2 shared cores: docs/performance.md)") {
    @Override
    public String defaultValue() {
      return String.valueOf(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }
  },
  DB_READ_PIPELINING("1", null, Form.TEXT, Setting.WITH_PREVIOUS),
  DB_WORKER_POOL_SIZE(
      "4",
      null,
      Form.TEXT,
      "the TOKEN and SMS workers' own connections and threads, apart from the request path's"),
  OUTBOX_WORKER_THREADS("1", null, Form.TEXT, Setting.WITH_PREVIOUS),
  DB_SOCKET_DIR(
      "",
      "(none: TCP)",
      Form.TEXT,
      "the directory of the local PostgreSQL's Unix-domain socket (`/var/run/postgresql`): the request "
          + "and worker connections go through `<dir>/.s.PGSQL.<port>` (`DATABASE_URL`'s port, database, "
          + "user) instead of TCP, without TLS; migrations at start still use `DATABASE_URL`. Needs the "
          + "native transport (Linux x86-64)"),
  OUTBOX_COMPLETION_WINDOW_MS(
      "5",
      null,
      Form.TEXT,
      "a finished TOKEN or SMS job waits this long for others, to be recorded by one statement with them "
          + "(at most this many; `0`: each alone)"),
  OUTBOX_COMPLETION_MAX("64", null, Form.TEXT, Setting.WITH_PREVIOUS),
  DB_POOL_WAIT_QUEUE(
      "1000",
      null,
      Form.TEXT,
      "requests that may wait for a connection, and how long; past either the answer is 503 "
          + "`DATABASE_BUSY` with `Retry-After: 1` (nothing recorded; providers retry the same id)"),
  DB_POOL_WAIT_MS("2000", null, Form.TEXT, Setting.WITH_PREVIOUS),
  EVENT_LOOPS(null, "cores", Form.TEXT, "HTTP verticle instances") {
    @Override
    public String defaultValue() {
      return String.valueOf(Runtime.getRuntime().availableProcessors());
    }
  },
  ACCESS_TOKEN_TTL_SECONDS("900", null, Form.TEXT, "access token lifetime"),
  REVOCATION_POLL_MS(
      "2000",
      null,
      Form.TEXT,
      "how often each instance reloads the users disabled, demoted or re-passworded within one token "
          + "lifetime: their older access tokens are refused (401 `TOKEN_REVOKED`) within this time "
          + "everywhere, at once on the instance that made the change; no query per request"),
  REFRESH_TOKEN_TTL_SECONDS(
      "2592000",
      "`2592000` (30 days)",
      Form.TEXT,
      "refresh token lifetime (each refresh issues a new one)"),
  REFRESH_GRACE_SECONDS(
      "10",
      null,
      Form.TEXT,
      "a refresh token presented again within this of its rotation, while its successor is still "
          + "unused, is a retry after a lost answer: a fresh pair, the unreceived successor revoked. Outside "
          + "it, or once the successor was used, a reused token revokes its whole session (theft detection)"),
  REFRESH_TOKEN_RETENTION_DAYS(
      "30",
      null,
      Form.TEXT,
      "refresh tokens expired or revoked longer ago than this are deleted (a rotated one presented "
          + "after that is merely unknown: 401)"),
  RETENTION_CHECK_MS(
      "300000",
      null,
      Form.TEXT,
      "how often the retention jobs run: ended refresh tokens, and login / sign-up throttle rows whose "
          + "window is over. Money rows, unmatched payments, conflicts and the audit trail are kept forever "
          + "(docs/architecture.md)"),
  TELCO_PAYMENTS_MAX_IN_FLIGHT(
      "32",
      null,
      Form.TEXT,
      "provider calls worked on at once per instance, per path (payments: process calls, confirmations, "
          + "webhooks; validations: the rest); one past the limit is answered at once with the provider's busy "
          + "answer (generic and Wave: 503 `BUSY` problem document) and `Retry-After`, nothing read or stored; "
          + "calls of providers that do not redeliver (Daraja, Vodacom Tanzania, request-to-pay callbacks) are "
          + "never shed. Metric `payg_telco_shed_total{provider,path}`, gauge `payg_telco_in_flight{path}`; "
          + "sizing in docs/performance.md"),
  TELCO_VALIDATIONS_MAX_IN_FLIGHT("256", null, Form.TEXT, Setting.WITH_PREVIOUS),
  TELCO_SHED_RETRY_AFTER_SECONDS("1", null, Form.TEXT, "the `Retry-After` of a shed provider call"),
  TOKEN_WORKER_BATCH(
      "64", null, Form.TEXT, "outbox jobs claimed per poll, manufacturer calls at once"),
  TOKEN_MAX_IN_FLIGHT("512", null, Form.TEXT, Setting.WITH_PREVIOUS),
  TOKEN_MAX_ATTEMPTS("8", null, Form.TEXT, "retry budget and backoff (exponential, full jitter)"),
  TOKEN_RETRY_BASE_MS("2000", null, Form.TEXT, Setting.WITH_PREVIOUS),
  TOKEN_RETRY_CAP_MS("300000", null, Form.TEXT, Setting.WITH_PREVIOUS),
  OUTBOX_POLL_MS(
      "500",
      null,
      Form.TEXT,
      "job polling; a claimed job returns after the lease if its worker died"),
  OUTBOX_LEASE_SECONDS("60", null, Form.TEXT, Setting.WITH_PREVIOUS),
  MANUFACTURER_BREAKER_FAILURES(
      "5",
      null,
      Form.TEXT,
      "failures in a row that open a manufacturer's breaker; how long it stays open"),
  MANUFACTURER_BREAKER_RESET_MS("30000", null, Form.TEXT, Setting.WITH_PREVIOUS),
  MANUFACTURER_LIMITS(
      "",
      "`*=" + ManufacturerLimits.DEFAULT_LIMIT + "`",
      Form.TEXT,
      "per manufacturer: requests in flight at once from each company, request timeout "
          + "(`calin=64,steama=16`; `*` = any other; a company's plugin setting `timeoutMs` wins, up to "
          + "`OUTBOUND_TIMEOUT_MAX_MS`). Breakers and permits are per (company, manufacturer)"),
  MANUFACTURER_TIMEOUTS_MS(
      "", "`*=" + ManufacturerLimits.DEFAULT_TIMEOUT_MS + "`", Form.TEXT, Setting.WITH_PREVIOUS),
  OUTBOUND_ALLOWED_NETWORKS(
      "",
      "(none)",
      Form.TEXT,
      "CIDRs plugins may call although not public (`127.0.0.0/8` for simulators on the same host, "
          + "`10.2.0.0/16` for an on-premises peer). Otherwise loopback, private, link-local, unique-local, "
          + "carrier-NAT, multicast, reserved and unspecified addresses are refused after DNS resolution; "
          + "cloud metadata addresses always are"),
  OUTBOUND_PLAIN_HTTP_HOSTS(
      "",
      "(none)",
      Form.TEXT,
      "hosts (`host` or `host:port`) plugins may call over plain http outside demo mode; every other "
          + "peer must be https"),
  OUTBOUND_TIMEOUT_MAX_MS(
      String.valueOf(OutboundSettings.DEFAULT_TIMEOUT_MAX_MS),
      null,
      Form.TEXT,
      "longest any call to a peer may take, DNS to last byte, whatever a plugin's `timeoutMs` says. The"
          + " start refuses an `OUTBOX_LEASE_SECONDS` not longer than permit wait (≤ 5 s) + 5 requests (the "
          + "most one token attempt makes) × this + `OUTBOX_POLL_MS`"),
  OUTBOUND_MAX_RESPONSE_BYTES(
      String.valueOf(OutboundSettings.DEFAULT_MAX_RESPONSE_BYTES),
      null,
      Form.TEXT,
      "largest answer read from a peer"),
  OUTBOX_OVERDUE_SECONDS(
      "600",
      null,
      Form.TEXT,
      "a job still pending after this counts in `payg_outbox_overdue` (alert when above 0)"),
  METRICS_HOST(
      "127.0.0.1",
      null,
      Form.TEXT,
      "the management listener serving `/metrics` (never the API port); two instances on one host need "
          + "two ports"),
  METRICS_PORT("9464", null, Form.TEXT, Setting.WITH_PREVIOUS),
  METRICS_TOKEN(
      "", "(none)", Form.SECRET, "when set, a scrape must send `Authorization: Bearer <token>`"),
  LOG_FORMAT(
      "plain",
      null,
      Form.TEXT,
      "`plain` (text for people) or `json` (logstash-logback-encoder: one JSON object a line; the lines"
          + " of a payment's path carry `requestId`, `companyId`, `provider`, `providerTxnId`, "
          + "`transactionId`, the outbox TOKEN and SMS jobs' lines too (`requestId` kept with the job); "
          + "follow one payment with `jq 'select(.transactionId==\"…\")'` or by `requestId`: every request's "
          + "`X-Request-Id`, echoed; docs/operations.md, \"Logs\"). Read by `logback.xml`"),
  OTEL_EXPORTER(
      "none",
      null,
      Form.TEXT,
      "OpenTelemetry traces: `none` (no tracer installed), `otlp` (OTLP/HTTP protobuf to "
          + "`OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`) or `logging` (each span a log line); spans of "
          + "the HTTP server and clients under the caller's W3C `traceparent`, manufacturer calls "
          + "under their payment's request span; `OTEL_SERVICE_NAME` names the service "
          + "(docs/operations.md, \"Traces\")"),
  OTEL_EXPORTER_OTLP_ENDPOINT("http://127.0.0.1:4318", null, Form.TEXT, Setting.WITH_PREVIOUS),
  OTEL_SERVICE_NAME("payg-gateway", null, Form.TEXT, Setting.WITH_PREVIOUS),
  PLUGIN_CACHE_MAX_ENTRIES("10000", null, Form.TEXT, "plugin settings held in memory (5 s each)"),
  PLUGIN_SECRET_MIN_LENGTH(
      "16",
      null,
      Form.TEXT,
      "shortest HMAC / shared secret a tenant may set (`generic` `secret`, `wave` `webhookSecret` and "
          + "`previousWebhookSecret`, `airtel` `callbackSecret`; the list is "
          + "`PluginCatalog.sharedSecretKeys`); shorter: 400 `SECRET_TOO_SHORT` naming the setting"),
  REMINDER_CHECK_MS(
      "60000", null, Form.TEXT, "how often the daily installment-reminder job looks at the clock"),
  PUBLIC_BASE_URL(
      "",
      "`http://127.0.0.1:<port>`",
      Form.TEXT,
      "how providers reach the gateway (collection callback URLs)"),
  COLLECTION_POLL_MS(
      "5000",
      null,
      Form.TEXT,
      "how often pending collections are checked, and held Daraja confirmations asked about"),
  AGENT_TOKEN_WAIT_MS(
      "5000",
      null,
      Form.TEXT,
      "how long an agent's cash payment waits for its token before answering 202"),
  BCRYPT_COST("11", null, Form.TEXT, "password hashing cost"),
  UNAUTHENTICATED_BCRYPT_JOBS(
      "4",
      null,
      Form.TEXT,
      "sign-ups and logins hashing or checking a password at once, per instance; one more is answered "
          + "429 `BUSY` with `Retry-After: 1` at once (not queued on the worker pool the outbox shares)"),
  SIGNUPS_PER_SOURCE_PER_HOUR(
      "10",
      null,
      Form.TEXT,
      "sign-ups one source address (IPv6: its /64) may make per hour, counted in PostgreSQL across "
          + "instances; past it 429 `TOO_MANY_SIGNUPS` with `Retry-After` until its hour ends. A sign-up with"
          + " an email that already has a user answers the same 201 after the same work and creates nothing "
          + "(no e-mail enumeration)"),
  TRUSTED_PROXIES(
      "",
      "(empty)",
      Form.TEXT,
      "comma-separated addresses / CIDR blocks of the reverse proxies in front of the gateway. Only "
          + "from these peers are `Forwarded` (RFC 7239) / `X-Forwarded-For` believed; the client is the "
          + "rightmost hop that is not a trusted proxy, and that is what source allow-lists (Daraja, Vodacom)"
          + " check. Empty: headers ignored, the socket peer is the client"),
  PROXY_PROTOCOL(
      "false",
      null,
      Form.TEXT,
      "`true` when a layer-4 proxy (HAProxy, AWS NLB) opens every connection with a PROXY protocol "
          + "v1/v2 header: its source address is the peer (Vert.x `setUseProxyProtocol`). Every connection "
          + "must then carry the header");

  /** The description of a setting that shares the previous setting's README row. */
  static final String WITH_PREVIOUS = "";

  /** How a setting's value is read and shown. */
  public enum Form {
    TEXT,
    SECRET,
    /** A URL whose password is masked in the summary. */
    DATABASE_URL,
    /** PEM text, or the file named by NAME_FILE. */
    PEM,
    SECRET_PEM;

    public boolean secret() {
      return this == SECRET || this == SECRET_PEM;
    }

    public boolean pem() {
      return this == PEM || this == SECRET_PEM;
    }
  }

  private final String defaultValue;
  private final String shownDefault;
  private final Form form;
  private final String description;

  Setting(String defaultValue, String shownDefault, Form form, String description) {
    this.defaultValue = defaultValue;
    this.shownDefault = shownDefault;
    this.form = form;
    this.description = description;
  }

  /** The value used when the environment has none (empty: no value). */
  public String defaultValue() {
    return defaultValue;
  }

  /** The default as the README shows it. */
  public String shownDefault() {
    return shownDefault != null ? shownDefault : "`" + defaultValue + "`";
  }

  public Form form() {
    return form;
  }

  /** What the setting means (a setting sharing a row: that row's text). */
  public String description() {
    Setting s = this;
    while (s.description.isEmpty()) {
      s = values()[s.ordinal() - 1];
    }
    return s.description;
  }

  /** Whether this setting opens a README row of its own (else it joins the previous one's). */
  public boolean startsRow() {
    return !description.isEmpty();
  }
}
