package io.payg.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.SmsSender;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TokenIssuer;
import io.payg.gateway.agent.AgentOfficeRoutes;
import io.payg.gateway.agent.AgentRoutes;
import io.payg.gateway.apikey.ApiKeys;
import io.payg.gateway.audit.AuditRoutes;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.AccessRevocations;
import io.payg.gateway.auth.AccessTokens;
import io.payg.gateway.auth.LoginAttempts;
import io.payg.gateway.auth.LoginThrottle;
import io.payg.gateway.auth.PasswordHasher;
import io.payg.gateway.auth.RefreshTokenStore;
import io.payg.gateway.auth.SessionRoutes;
import io.payg.gateway.auth.Sessions;
import io.payg.gateway.auth.SigningKeys;
import io.payg.gateway.books.BooksRoutes;
import io.payg.gateway.books.BooksStore;
import io.payg.gateway.brokerresult.BrokerResultJobHandler;
import io.payg.gateway.brokerresult.BrokerResultStore;
import io.payg.gateway.brokerresult.VodacomTzResults;
import io.payg.gateway.bulkimport.ImportRoutes;
import io.payg.gateway.collection.CollectionPoller;
import io.payg.gateway.collection.CollectionRoutes;
import io.payg.gateway.collection.CollectionService;
import io.payg.gateway.commission.CommissionRoutes;
import io.payg.gateway.commission.CommissionStore;
import io.payg.gateway.company.CompanyRoutes;
import io.payg.gateway.company.CompanyStore;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.company.UserRoutes;
import io.payg.gateway.company.UserStore;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.confirmation.HeldConfirmationStore;
import io.payg.gateway.confirmation.HeldConfirmationWorker;
import io.payg.gateway.confirmation.HeldConfirmations;
import io.payg.gateway.conflict.ConflictRoutes;
import io.payg.gateway.conflict.ConflictStore;
import io.payg.gateway.customer.CustomerRoutes;
import io.payg.gateway.customer.CustomerStore;
import io.payg.gateway.db.DatabaseUrl;
import io.payg.gateway.db.Migrations;
import io.payg.gateway.db.ReadinessStore;
import io.payg.gateway.device.DeviceRoutes;
import io.payg.gateway.http.ApiReference;
import io.payg.gateway.http.ApiVerticle;
import io.payg.gateway.http.ContractFields;
import io.payg.gateway.http.ContractValidation;
import io.payg.gateway.http.Problems;
import io.payg.gateway.http.ResponseTimeBuckets;
import io.payg.gateway.http.TrustedProxies;
import io.payg.gateway.location.LocationRoutes;
import io.payg.gateway.location.LocationStore;
import io.payg.gateway.logging.RequestOrigin;
import io.payg.gateway.logging.TraceExport;
import io.payg.gateway.outbound.OutboundPolicy;
import io.payg.gateway.outbox.CompletionBatch;
import io.payg.gateway.outbox.JobHandoff;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.plugin.PluginCatalog;
import io.payg.gateway.plugin.PluginRoutes;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.plugin.PluginWiring;
import io.payg.gateway.plugin.SecretBox;
import io.payg.gateway.reconciliation.ReconciliationRoutes;
import io.payg.gateway.reconciliation.ReconciliationStore;
import io.payg.gateway.reversal.ReversalRoutes;
import io.payg.gateway.reversal.ReversalService;
import io.payg.gateway.sale.AgentSaleRoutes;
import io.payg.gateway.sale.SalePlanRoutes;
import io.payg.gateway.sale.SalePlanStore;
import io.payg.gateway.sale.SaleRoutes;
import io.payg.gateway.sale.SaleStore;
import io.payg.gateway.sms.InstallmentReminderJob;
import io.payg.gateway.sms.MaintenanceSmsHandler;
import io.payg.gateway.sms.ReminderRoutes;
import io.payg.gateway.sms.ReminderSmsHandler;
import io.payg.gateway.sms.ReminderStore;
import io.payg.gateway.sms.SmsJobHandler;
import io.payg.gateway.sms.SmsTemplateRoutes;
import io.payg.gateway.sms.SmsTemplateStore;
import io.payg.gateway.tariff.TariffRoutes;
import io.payg.gateway.tariff.TariffStore;
import io.payg.gateway.telco.TelcoAdmission;
import io.payg.gateway.telco.TelcoRoutes;
import io.payg.gateway.ticket.TicketRoutes;
import io.payg.gateway.ticket.TicketStore;
import io.payg.gateway.token.ManufacturerCalls;
import io.payg.gateway.token.TokenJobHandler;
import io.payg.gateway.transaction.TransactionRoutes;
import io.payg.gateway.transaction.TransactionStore;
import io.payg.gateway.unmatched.UnmatchedPaymentStore;
import io.payg.gateway.unmatched.UnmatchedRoutes;
import io.payg.gateway.webhook.WebhookJobHandler;
import io.payg.gateway.webhook.WebhookRoutes;
import io.payg.gateway.webhook.WebhookStore;
import io.payg.telco.vodacomtz.VodacomTzBrokerResultClient;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: migrations applied, one Vert.x with Micrometer metrics, one database
 * pool, the HTTP verticles (one per event loop) and the outbox workers (tokens, SMS).
 * {@link Main} starts it for production and demo mode; tests start it in-process.
 */
public final class GatewayApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);
  private static final int BODY_LIMIT_BYTES = 64 * 1024;
  /** A statement upload answers 202 when matching takes longer (the HTTP idle timeout is 60 s). */
  private static final Duration RECONCILIATION_WAIT = Duration.ofSeconds(20);

  private final Vertx vertx;
  private final Pool pool;
  private final SqlClient reads;
  private final Pool workerPool;
  private final PrometheusMeterRegistry registry;
  /** The API's port: HTTP_PORT, or the random one its listeners share when HTTP_PORT is 0. */
  private volatile int port;

  private final Map<String, Integer> outboxDepth = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> unmatchedOpen = new ConcurrentHashMap<>();
  private volatile Router mounted;
  /** The contract's request validator, loaded once before the API verticles start. */
  private volatile ContractValidation contractValidation;
  /** Set by a graceful stop: readiness answers 503 at once, before anything else stops. */
  private volatile boolean draining;

  private volatile Duration shutdownGrace = Duration.ofSeconds(20);
  private final List<String> apiDeployments = new CopyOnWriteArrayList<>();
  private final List<String> workerDeployments = new CopyOnWriteArrayList<>();
  private volatile int metricsPort;
  /** The OpenTelemetry SDK behind Vert.x's tracer, or null when OTEL_EXPORTER is none. */
  private volatile OpenTelemetrySdk traces;

  private GatewayApp(
      Vertx vertx, Pool pool, SqlClient reads, Pool workerPool, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.reads = reads;
    this.workerPool = workerPool;
    this.registry = registry;
  }

  /** Starts everything and returns once the gateway takes traffic. Blocking: call from main or a test. */
  public static GatewayApp start(GatewayConfig config, Clock clock) throws Exception {
    return start(config, clock, PluginCatalog.builtIn());
  }

  /** Starts a gateway that speaks the plugins of {@code catalog} (a test adds a fake provider). */
  public static GatewayApp start(GatewayConfig config, Clock clock, PluginCatalog catalog)
      throws Exception {
    config.validated();
    config.summary().forEach((k, v) -> LOG.info("config {} = {}", k, v));
    DatabaseUrl db = DatabaseUrl.parse(config.databaseUrl());
    var migrated =
        Migrations.apply(db, config.migrationLockTimeout(), config.migrationStatementTimeout());
    // Flyway reports no target version when nothing was pending: the schema was already current
    LOG.info(
        "schema at version {} ({} migration(s) applied now)",
        migrated.targetSchemaVersion != null
            ? migrated.targetSchemaVersion
            : migrated.initialSchemaVersion,
        migrated.migrationsExecuted);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new ResponseTimeBuckets());
    // OTEL_EXPORTER=none (the default) installs no tracer: Vert.x then skips every tracing hook
    OpenTelemetrySdk traces = config.traces().enabled() ? TraceExport.sdk(config.traces()) : null;
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions()
            .setTracingOptions(traces == null ? null : new OpenTelemetryOptions())
            .setEventLoopPoolSize(config.eventLoops())
            // epoll on Linux x86-64 (netty-transport-native-epoll), NIO elsewhere
            .setPreferNativeTransport(true)
            .setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setLabels(EnumSet.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.HTTP_ROUTE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.NAMESPACE))))
        .withMetrics(new MicrometerMetricsFactory(registry));
    if (traces != null) {
      builder.withTracer(new OpenTelemetryTracingFactory(traces));
      LOG.info("OpenTelemetry traces to the {} exporter", config.traces().exporter());
    }
    Vertx vertx = builder.build();
    LOG.info(
        "transport: {}",
        vertx.isNativeTransportEnabled()
            ? "native (epoll)"
            : "NIO (" + vertx.unavailableNativeTransportCause() + ")");
    if (config.pipeline().unixSocket() && !vertx.isNativeTransportEnabled()) {
      vertx.close();
      throw new IllegalStateException(
          "DB_SOCKET_DIR needs the native transport, which is not available here: "
              + vertx.unavailableNativeTransportCause());
    }
    String socketDir = config.pipeline().socketDir();
    try {
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions()
              .setMaxSize(config.dbPoolSize())
              .setName("payg-db")
              .setEventLoopSize(config.eventLoops())
              .setMaxWaitQueueSize(config.dbPoolWaitQueue())
              .setConnectionTimeout((int) config.dbPoolWait().toMillis())
              .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
          .connectingTo(db.connectOptions(socketDir))
          .using(vertx)
          .build();
      // validation lookups and snapshots: a few connections, many statements in flight on each
      SqlClient reads = PgBuilder.client()
          .with(new PoolOptions()
              .setMaxSize(config.pipeline().readConnections())
              .setName("payg-db-reads")
              .setEventLoopSize(config.eventLoops())
              .setMaxWaitQueueSize(config.dbPoolWaitQueue())
              .setConnectionTimeout((int) config.dbPoolWait().toMillis())
              .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
          .connectingTo(new PgConnectOptions(db.connectOptions(socketDir))
              .setPipeliningLimit(config.pipeline().readPipelining()))
          .using(vertx)
          .build();
      // the outbox workers' own connections: their bursts never queue ahead of a request's. Its
      // wait
      // queue is not bounded here: the workers bound their own jobs in flight
      // (TOKEN_MAX_IN_FLIGHT), each
      // job waits with one statement at most, and a statement refused after the manufacturer vended
      // would
      // leave the job to be vended again after its lease (docs/performance.md, "Token storm")
      Pool workerPool = PgBuilder.pool()
          .with(new PoolOptions()
              .setMaxSize(config.pipeline().workerPoolSize())
              .setName("payg-db-workers")
              .setMaxWaitQueueSize(-1))
          .connectingTo(db.connectOptions(socketDir))
          .using(vertx)
          .build();
      GatewayApp app = new GatewayApp(vertx, pool, reads, workerPool, registry);
      app.traces = traces;
      app.deploy(config, clock, db, catalog)
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      LOG.info("payg-gateway listening on {}:{}", config.httpHost(), app.port);
      return app;
    } catch (Exception e) {
      vertx.close();
      if (traces != null) {
        traces.close();
      }
      throw e;
    }
  }

  private Future<?> deploy(
      GatewayConfig config, Clock clock, DatabaseUrl db, PluginCatalog catalog) {
    // every adapter that calls out gets this one client: the outbound policy checks each request
    OutboundPolicy outbound = new OutboundPolicy(vertx, config.outbound());
    WebClient http = outbound.client(
        new WebClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout(5_000)
            .setUserAgent("payg-gateway"),
        config.tokenMaxInFlight());
    PluginWiring wiring = PluginWiring.build(catalog, http, clock);
    Map<String, TelcoAdapter> telcos = wiring.telcos();
    Map<String, TokenIssuer> issuers = wiring.issuers();
    // one breaker and one set of permits per (company, manufacturer), for token jobs and unlocks
    ManufacturerCalls manufacturerCalls = new ManufacturerCalls(
        vertx,
        registry,
        config.breakerMaxFailures(),
        config.breakerReset(),
        config.manufacturerLimits(),
        // a job waits for a permit well inside its lease, so no other worker claims it meanwhile
        config.permitWait(),
        config.outbound().maxRequestTime());
    Map<String, SmsSender> smsSenders = wiring.smsSenders();

    SecretBox secretBox = new SecretBox(config.secretsKey(), config.secretsKeyPrevious());
    PluginStore plugins =
        new PluginStore(pool, secretBox, config.operations().pluginCacheMaxEntries(), registry);
    WebhookStore webhooks = new WebhookStore(pool, secretBox);
    SaleStore sales = new SaleStore(pool);
    ReminderStore reminders = new ReminderStore(pool);
    AccessTokens tokens = new AccessTokens(
        vertx,
        SigningKeys.from(config.auth(), config.jwtSecret(), config.demo()),
        config.accessTokenTtl());
    PasswordHasher hasher =
        new PasswordHasher(vertx, config.bcryptCost(), config.edge().bcryptJobs());
    // the TOKEN and SMS workers below take the jobs the payment path inserts leased to them
    JobHandoff handoff = new JobHandoff();
    PaymentService payments = new PaymentService(vertx, pool, reads, clock, handoff);
    CompanyStore companyStore = new CompanyStore(pool, catalog);
    UserStore userStore = new UserStore(pool);
    RefreshTokenStore refreshTokens = new RefreshTokenStore(pool);
    Sessions sessions = new Sessions(
        tokens,
        refreshTokens,
        config.auth().refreshTokenTtl(),
        config.edge().refreshGrace(),
        clock);
    // retention: ended sessions go after REFRESH_TOKEN_RETENTION_DAYS (what is kept forever:
    // docs/architecture.md)
    vertx.setPeriodic(
        config.edge().retentionCheck().toMillis(),
        id -> refreshTokens
            .deleteEndedBefore(clock.instant().minus(config.edge().refreshRetention()))
            .onSuccess(n -> {
              if (n > 0) {
                LOG.info("retention: {} ended refresh tokens deleted", n);
              }
            })
            .onFailure(err -> LOG.warn("refresh token retention failed: {}", err.getMessage())));
    SessionRoutes sessionRoutes = new SessionRoutes(sessions);
    AccessRevocations revocations = new AccessRevocations(userStore, config.accessTokenTtl());
    vertx.setPeriodic(
        config.revocationPoll().toMillis(),
        id -> revocations
            .reload()
            .onFailure(err -> LOG.warn("access revocations not reloaded: {}", err.getMessage())));
    LoginAttempts loginAttempts = new LoginAttempts(pool);
    vertx.setPeriodic(
        config.edge().retentionCheck().toMillis(),
        id -> loginAttempts
            .prune()
            .onFailure(err -> LOG.warn("pruning login attempts failed: {}", err.getMessage())));
    ProtectedPages protectedPages = new ProtectedPages(
        companyStore, hasher, new LoginThrottle(5, Duration.ofMinutes(15), clock));
    CompanyRoutes companies = new CompanyRoutes(
        companyStore,
        userStore,
        hasher,
        sessions,
        loginAttempts,
        protectedPages,
        config.edge().signupsPerSource());
    TransactionStore transactionStore = new TransactionStore(pool);
    UnmatchedPaymentStore unmatched = new UnmatchedPaymentStore(pool);
    Map<String, CollectionProvider> collectionProviders = wiring.collections();
    // read when a callback URL is written: with HTTP_PORT 0 the port is known once the API listens
    Supplier<String> publicBase = () ->
        config.publicBaseUrl().isEmpty() ? "http://127.0.0.1:" + port : config.publicBaseUrl();
    CollectionService collections =
        new CollectionService(pool, collectionProviders, plugins, payments, clock, publicBase);
    BrokerResultStore brokerResults = new BrokerResultStore(pool);
    ReversalService reversals = new ReversalService(pool);
    // Daraja C2B confirmations checked with its Transaction Status API before booking (when
    // configured)
    HeldConfirmations heldConfirmations = new HeldConfirmations(
        vertx,
        new HeldConfirmationStore(pool),
        wiring.statusQueries(),
        plugins,
        payments,
        publicBase,
        wiring.callbackPaths());
    TelcoRoutes telco = new TelcoRoutes(
        telcos,
        plugins,
        payments,
        collections,
        reversals,
        clock,
        registry,
        Map.of(VodacomTzTelcoAdapter.NAME, new VodacomTzResults(vertx, brokerResults)),
        new TrustedProxies(config.proxy().trustedProxies()),
        heldConfirmations,
        new TelcoAdmission(config.edge().admission(), registry));
    ApiKeys apiKeys = new ApiKeys(pool, protectedPages);
    List<Consumer<Router>> protectedRoutes = List.of(
        companies::mountProtected,
        new UserRoutes(userStore, hasher, protectedPages, clock, revocations)::mount,
        new PluginRoutes(plugins, protectedPages, config.edge().secretMinLength(), catalog)::mount,
        new LocationRoutes(new LocationStore(pool))::mount,
        new TariffRoutes(new TariffStore(pool))::mount,
        new CustomerRoutes(
            new CustomerStore(pool, sales, plugins.secrets()), transactionStore, clock)::mount,
        new SaleRoutes(pool, sales, clock)::mount,
        new SalePlanRoutes(new SalePlanStore(pool, sales, plugins.secrets()), protectedPages, clock)
            ::mount,
        new ConflictRoutes(new ConflictStore(pool))::mount,
        new SmsTemplateRoutes(new SmsTemplateStore(pool))::mount,
        new ReminderRoutes(reminders)::mount,
        new CollectionRoutes(collections)::mount,
        new TransactionRoutes(transactionStore, vertx, protectedPages)::mount,
        new ReversalRoutes(reversals, protectedPages)::mount,
        new AgentRoutes(
                vertx,
                pool,
                payments,
                transactionStore,
                companyStore,
                clock,
                config.agentTokenWait())::mount,
        new TicketRoutes(new TicketStore(pool))::mount,
        new CommissionRoutes(new CommissionStore(pool))::mount,
        new AgentSaleRoutes(pool, sales, new CommissionStore(pool), clock)::mount,
        new DeviceRoutes(pool, plugins, issuers, manufacturerCalls, protectedPages)::mount,
        new AuditRoutes(new AuditStore(pool))::mount,
        new UnmatchedRoutes(unmatched, payments, companyStore, transactionStore)::mount,
        new BooksRoutes(new BooksStore(pool))::mount,
        new WebhookRoutes(webhooks, protectedPages)::mount,
        apiKeys::mount,
        new AgentOfficeRoutes(
            pool,
            new CustomerStore(pool, sales, plugins.secrets()),
            payments,
            transactionStore,
            companyStore,
            protectedPages,
            clock)::mount,
        new ReconciliationRoutes(
            new ReconciliationStore(pool, new UnmatchedPaymentStore(pool)),
            statementProviders(telcos, collectionProviders),
            RECONCILIATION_WAIT)::mount,
        new ImportRoutes(pool, plugins.secrets(), clock)::mount);

    // readiness asks on a connection of its own: a request pool that is merely full does not make
    // every instance unready at once; and it never shows the database's error text. It goes the
    // requests' way (TCP or DB_SOCKET_DIR's socket), so it fails when their way does
    Pool readiness = PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(1)
            .setName("payg-readiness")
            .setMaxWaitQueueSize(4)
            .setConnectionTimeout(2)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS))
        .connectingTo(db.connectOptions(config.pipeline().socketDir())
            .addProperty("application_name", "payg-readiness"))
        .using(vertx)
        .build();
    ReadinessStore database = new ReadinessStore(readiness);
    HealthChecks health = HealthChecks.create(vertx)
        .register(
            "database",
            2_000,
            promise -> database
                .ping()
                // try: the check may have timed out already, and a second complete() throws inside
                // the SQL client
                .onSuccess(r -> promise.tryComplete(Status.OK()))
                .onFailure(err -> {
                  LOG.warn("readiness: database check failed: {}", err.getMessage());
                  promise.tryComplete(
                      Status.KO(new JsonObject().put("reason", "database unreachable")));
                }));

    // the OpenAPI document is data in the jar, read once
    Buffer openApi = vertx.fileSystem().readFileBlocking("openapi.json");
    ContractFields fields = ContractFields.from(openApi.toJsonObject());
    // the validator reads the same document once (its cost on the agent path: docs/performance.md)
    Future<ContractValidation> validationLoaded = ContractValidation.load(
            vertx, openApi.toJsonObject())
        .onSuccess(v -> contractValidation = v);
    Function<Vertx, Router> routes = v -> {
      Router router = Router.router(v);
      // first: every request's id and trace, before any handler logs or books a payment
      router.route().handler(RequestOrigin::handle);
      router
          .get("/openapi.json")
          .handler(ctx ->
              ctx.response().putHeader("Content-Type", "application/json").end(openApi));
      ApiReference.mount(v, router);
      router
          .get("/health/live")
          .handler(ctx -> ctx.response()
              .putHeader("Content-Type", "application/json")
              .end("{\"status\":\"UP\"}"));
      router
          .get("/health/ready")
          .handler(ctx -> {
            if (draining) {
              ctx.response()
                  .setStatusCode(503)
                  .putHeader("Content-Type", "application/json")
                  .end("{\"status\":\"DOWN\",\"reason\":\"shutting down\"}");
            } else {
              ctx.next();
            }
          })
          .handler(HealthCheckHandler.createWithHealthChecks(health));
      BodyHandler bodies = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
      // a statement upload or an import file is read as it arrives (any size), never buffered whole
      router.route("/api/*").handler(ctx -> {
        if (ReconciliationRoutes.streamsItsBody(ctx) || ImportRoutes.streamsItsBody(ctx)) {
          ctx.next();
        } else {
          bodies.handle(ctx);
        }
      });
      router.route("/api/*").handler(fields::checkOpen);
      router.route("/api/*").handler(ctx -> contractValidation.checkOpen(ctx));
      companies.mountPublic(router);
      sessionRoutes.mount(router);
      telco.mount(router);
      // an integrator's API key (Bearer pgk_…) is decided first and never reaches the JWT checks
      router.route("/api/*").handler(apiKeys::authenticate);
      router.route("/api/*").handler(ApiKeys.unlessApiKey(tokens::refuseNonCanonical));
      router
          .route("/api/*")
          .handler(ApiKeys.unlessApiKey(JWTAuthHandler.create(tokens.provider())));
      router.route("/api/*").handler(ApiKeys.unlessApiKey(revocations::check));
      router.route("/api/*").handler(fields::checkAuthenticated);
      router.route("/api/*").handler(ctx -> contractValidation.checkAuthenticated(ctx));
      protectedRoutes.forEach(r -> r.accept(router));
      router.route().failureHandler(Problems::handleFailure);
      router.errorHandler(404, ctx -> Problems.send(ctx, 404, "NOT_FOUND", "No such resource"));
      router.errorHandler(
          405,
          ctx ->
              Problems.send(ctx, 405, "METHOD_NOT_ALLOWED", "Method not allowed on this resource"));
      mounted = router;
      return router;
    };

    OutboxStore outbox = new OutboxStore(pool);
    // the TOKEN and SMS workers: their own connections and threads (PipelineSettings)
    OutboxStore pipelineOutbox = new OutboxStore(workerPool);
    CompletionBatch.Window completions = new CompletionBatch.Window(
        config.pipeline().completionWindow(), config.pipeline().completionMax());
    DeploymentOptions onWorkerThreads = new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName("payg-outbox")
        .setWorkerPoolSize(config.pipeline().workerThreads());
    OutboxWorker.Settings workerSettings = new OutboxWorker.Settings(
        config.tokenWorkerBatch(),
        config.tokenMaxInFlight(),
        config.tokenMaxAttempts(),
        config.outboxPollInterval(),
        config.outboxLease(),
        config.retryBase(),
        config.retryCap(),
        config.shutdownGrace());
    registerOutboxGauges(outbox, config.operations().overdueAfter());
    registerUnmatchedGauge(
        unmatched,
        telcos.values().stream().map(TelcoAdapter::provider).distinct().toList());

    shutdownGrace = config.shutdownGrace();
    AtomicInteger openConnections = new AtomicInteger();
    List<ApiVerticle> listeners = new CopyOnWriteArrayList<>();
    // Vert.x shares one random port among the servers of a negative port: every event loop's
    // listener is bound in the same step, with no free port picked first and bound later (another
    // process's socket took such a port in between once: "Address already in use")
    int listenPort = config.httpPort() == 0 ? -1 : config.httpPort();
    return validationLoaded
        .compose(loaded -> startManagement(config))
        .compose(v -> vertx.deployVerticle(
            () -> {
              ApiVerticle listener = new ApiVerticle(
                  config.httpHost(),
                  listenPort,
                  routes,
                  config.shutdownGrace(),
                  config.proxy().proxyProtocol(),
                  config.edge(),
                  openConnections);
              listeners.add(listener);
              return listener;
            },
            new DeploymentOptions().setInstances(config.eventLoops())))
        .onSuccess(id -> {
          apiDeployments.add(id);
          port = listeners.get(0).actualPort();
        })
        .compose(id -> vertx.deployVerticle(
            new OutboxWorker(
                pipelineOutbox,
                new TokenJobHandler(
                    vertx,
                    workerPool,
                    plugins,
                    issuers,
                    registry,
                    manufacturerCalls,
                    handoff,
                    completions),
                workerSettings,
                registry,
                handoff),
            onWorkerThreads))
        .onSuccess(workerDeployments::add)
        .compose(id -> vertx.deployVerticle(
            new OutboxWorker(
                pipelineOutbox,
                new SmsJobHandler(vertx, workerPool, plugins, smsSenders, completions),
                workerSettings,
                registry,
                handoff),
            onWorkerThreads))
        .onSuccess(workerDeployments::add)
        .compose(
            id -> vertx.deployVerticle(new CollectionPoller(collections, config.collectionPoll())))
        .onSuccess(workerDeployments::add)
        .compose(id -> vertx.deployVerticle(
            new HeldConfirmationWorker(heldConfirmations, config.collectionPoll())))
        .onSuccess(workerDeployments::add)
        .compose(id -> vertx.deployVerticle(new OutboxWorker(
            outbox,
            new ReminderSmsHandler(vertx, reminders, outbox, plugins, smsSenders),
            workerSettings,
            registry)))
        .onSuccess(workerDeployments::add)
        // maintenance tokens sent by SMS on request: the same budget and backoff as confirmations
        .compose(id -> vertx.deployVerticle(new OutboxWorker(
            outbox,
            new MaintenanceSmsHandler(vertx, pool, plugins, smsSenders),
            workerSettings,
            registry)))
        .onSuccess(workerDeployments::add)
        .compose(id -> vertx.deployVerticle(
            new InstallmentReminderJob(reminders, clock, config.reminderCheck(), registry)))
        .onSuccess(workerDeployments::add)
        // Vodacom Tanzania's result leg: 30 s per post, the outbox's retry budget and backoff
        .compose(id -> vertx.deployVerticle(new OutboxWorker(
            outbox,
            new BrokerResultJobHandler(
                brokerResults,
                plugins,
                new VodacomTzBrokerResultClient(
                    30_000,
                    // its client certificate needs a client of its own, under the same outbound
                    // policy
                    options -> outbound.client(options, new io.vertx.core.http.PoolOptions())),
                clock),
            workerSettings,
            registry)))
        .onSuccess(workerDeployments::add)
        // webhooks: retried until the event is 3 days old (the handler ends it), waits capped at an
        // hour
        .compose(id -> vertx.deployVerticle(new OutboxWorker(
            outbox,
            new WebhookJobHandler(webhooks, http, clock),
            new OutboxWorker.Settings(
                config.tokenWorkerBatch(),
                config.tokenMaxInFlight(),
                Integer.MAX_VALUE,
                config.outboxPollInterval(),
                config.outboxLease(),
                config.retryBase(),
                WebhookJobHandler.RETRY_CAP,
                config.shutdownGrace()),
            registry)))
        .onSuccess(workerDeployments::add);
  }

  /**
   * {@code /metrics} on a listener of its own (METRICS_HOST, default loopback), never on the API
   * port: the scrape shows every route, pool and manufacturer of every tenant. With
   * METRICS_TOKEN set, a scrape must bring it as a bearer token.
   */
  private Future<Void> startManagement(GatewayConfig config) {
    Router router = Router.router(vertx);
    String token = config.operations().metricsToken();
    if (!token.isEmpty()) {
      byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
      router.route().handler(ctx -> {
        String given = ctx.request().getHeader("Authorization");
        if (given != null
            && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
          ctx.next();
        } else {
          ctx.response()
              .setStatusCode(401)
              .putHeader("WWW-Authenticate", "Bearer")
              .end();
        }
      });
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(config.operations().metricsPort(), config.operations().metricsHost())
        .map(server -> {
          metricsPort = server.actualPort();
          LOG.info("metrics on {}:{}/metrics", config.operations().metricsHost(), metricsPort);
          return null;
        });
  }

  /**
   * Outbox depth, oldest job age and jobs pending longer than OUTBOX_OVERDUE_SECONDS (deferred
   * or retried that long: alert on it), refreshed every 5 s (a scrape never waits on the database).
   */
  private void registerOutboxGauges(OutboxStore outbox, Duration overdue) {
    for (String kind : List.of(
        "TOKEN",
        "SMS",
        ReminderSmsHandler.KIND,
        BrokerResultStore.KIND,
        WebhookJobHandler.KIND,
        MaintenanceSmsHandler.KIND)) {
      outboxDepth.put(kind + ".depth", 0);
      outboxDepth.put(kind + ".oldest", 0);
      outboxDepth.put(kind + ".overdue", 0);
      Gauge.builder("payg_outbox_depth", outboxDepth, m -> m.get(kind + ".depth"))
          .tag("kind", kind)
          .description("Pending outbox jobs")
          .register(registry);
      Gauge.builder("payg_outbox_oldest_seconds", outboxDepth, m -> m.get(kind + ".oldest"))
          .tag("kind", kind)
          .description("Age of the oldest pending outbox job")
          .register(registry);
      Gauge.builder("payg_outbox_overdue", outboxDepth, m -> m.get(kind + ".overdue"))
          .tag("kind", kind)
          .description("Pending outbox jobs older than OUTBOX_OVERDUE_SECONDS")
          .register(registry);
    }
    vertx.setPeriodic(
        5_000,
        id -> outbox.depth(overdue).onSuccess(rows -> {
          outboxDepth.replaceAll((k, v) -> 0);
          rows.forEach(r -> {
            String kind = r.getString("kind");
            outboxDepth.put(kind + ".depth", r.getLong("depth").intValue());
            outboxDepth.put(kind + ".oldest", (int) Math.round(r.getDouble("oldest")));
            int late = r.getLong("overdue").intValue();
            outboxDepth.put(kind + ".overdue", late);
            if (late > 0) {
              LOG.warn(
                  "{} {} job(s) pending for over {} s (deferred or retried): see payg_outbox_overdue",
                  late,
                  kind,
                  overdue.toSeconds());
            }
          });
        }));
  }

  /**
   * OPEN unmatched payments per provider (all companies), refreshed every 5 s and whenever a row
   * is kept, so an operator's alert on {@code payg_unmatched_open > 0} fires within seconds.
   */
  private void registerUnmatchedGauge(UnmatchedPaymentStore unmatched, List<String> providers) {
    providers.forEach(p -> unmatchedGauge(p));
    Runnable refresh = () -> unmatched.openByProvider().onSuccess(open -> {
      unmatchedOpen.forEach((p, n) -> n.set(open.getOrDefault(p, 0L)));
      open.forEach((p, n) -> unmatchedGauge(p).set(n));
    });
    vertx.setPeriodic(5_000, id -> refresh.run());
    vertx.eventBus().consumer(UnmatchedPaymentStore.CREATED_ADDRESS, m -> refresh.run());
  }

  private AtomicLong unmatchedGauge(String provider) {
    return unmatchedOpen.computeIfAbsent(provider, p -> {
      var n = new AtomicLong();
      Gauge.builder("payg_unmatched_open", n, AtomicLong::get)
          .tag("provider", p)
          .description("Unmatched payments waiting for an operator (status OPEN)")
          .register(registry);
      return n;
    });
  }

  /** The providers a statement may be of: every telco and collection provider the gateway speaks. */
  private static Set<String> statementProviders(
      Map<String, TelcoAdapter> telcos, Map<String, CollectionProvider> collections) {
    Set<String> names = new TreeSet<>(collections.keySet());
    telcos.values().forEach(t -> names.add(t.provider()));
    return Set.copyOf(names);
  }

  /** "METHOD /path" of every endpoint the API serves, in OpenAPI path syntax (for the contract test). */
  public Set<String> endpoints() {
    Set<String> out = new TreeSet<>();
    for (var route : mounted.getRoutes()) {
      if (route.methods() == null || route.getPath() == null || route.getPath().endsWith("*")) {
        continue; // body handlers, auth filters and failure handlers are not endpoints
      }
      String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      route.methods().forEach(m -> out.add(m.name() + " " + path));
    }
    return out;
  }

  public int port() {
    return port;
  }

  /** Where {@code /metrics} is served (the management listener). */
  public int metricsPort() {
    return metricsPort;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * A graceful stop (SIGTERM): readiness goes 503 at once; the HTTP servers stop accepting and let
   * requests in flight finish; the workers claim nothing more, let their jobs finish and give back
   * the leases of the rest; each step within the shutdown grace; only then the pool closes.
   */
  @Override
  public void close() {
    draining = true;
    long budget = shutdownGrace.toMillis() + 5_000;
    try {
      Future.join(apiDeployments.stream().map(vertx::undeploy).toList())
          .transform(
              ar -> Future.join(workerDeployments.stream().map(vertx::undeploy).toList()))
          .toCompletionStage()
          .toCompletableFuture()
          .get(2 * budget, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("graceful stop did not complete: {}", e.getMessage());
    }
    try {
      Future.join(pool.close(), reads.close(), workerPool.close())
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("pool did not close cleanly: {}", e.getMessage());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly: {}", e.getMessage());
    }
    if (traces != null) {
      // the spans still batched are exported before the process ends
      traces.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
