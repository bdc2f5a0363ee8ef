package io.payg.gateway.bulkimport;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.plugin.SecretBox;
import io.payg.gateway.reconciliation.BatchedUpload;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code POST /api/v1/imports[?dryRun=true]} (the CSV file as the request body, streamed),
 * {@code GET /api/v1/imports/{id}} (the summary and the first problems) and
 * {@code GET /api/v1/imports/{id}/rows?outcome=&afterLine=&limit=} (every row's outcome, by line).
 */
public final class ImportRoutes {

  public static final String UPLOAD_PATH = "/api/v1/imports";
  /** A file has at most this many data rows. */
  static final long MAX_ROWS = 100_000;
  /** Problems listed in the upload's answer; the rest are paged with /rows. */
  static final int PROBLEMS_SHOWN = 1000;

  static final int MAX_PAGE = 1000;
  private static final Set<String> OUTCOMES =
      Set.of("CREATED", "WOULD_CREATE", "UNCHANGED", "CONFLICT", "ERROR");

  private final ImportStore store;
  private final Clock clock;

  public ImportRoutes(Pool pool, SecretBox secrets, Clock clock) {
    this.store = new ImportStore(pool, secrets);
    this.clock = clock;
  }

  /** True for the upload, whose body this route reads itself: GatewayApp's body handler must leave it alone. */
  public static boolean streamsItsBody(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return ctx.request().method() == HttpMethod.POST
        && (UPLOAD_PATH.equals(path) || (UPLOAD_PATH + "/").equals(path));
  }

  public void mount(Router router) {
    router.post(UPLOAD_PATH).handler(ctx -> BatchedUpload.paused(ctx, this::start));
    router.get("/api/v1/imports/:id").handler(this::get);
    router.get("/api/v1/imports/:id/rows").handler(this::rows);
  }

  private void start(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String dry = ctx.queryParams().get("dryRun");
    if (dry != null && !dry.equals("true") && !dry.equals("false")) {
      throw ApiException.badRequest("'dryRun' must be true or false");
    }
    boolean dryRun = "true".equals(dry);
    BatchedUpload.requireCsv(ctx.request(), "file");
    UUID id = UUID.randomUUID();
    LocalDate today = LocalDate.now(clock);
    store
        .references(caller.companyId())
        .compose(refs ->
            store.create(id, caller.companyId(), caller.userId(), dryRun).map(refs))
        .compose(refs ->
            new ImportUpload(ctx.request(), store, caller, id, dryRun, refs, today, MAX_ROWS).run())
        .compose(v -> store.report(caller.companyId(), id, PROBLEMS_SHOWN))
        .onComplete(ar -> {
          if (ar.failed()) {
            ctx.response().putHeader("Connection", "close"); // the rest of the body is not read
            ctx.fail(ar.cause());
            return;
          }
          ctx.response().putHeader("Location", UPLOAD_PATH + "/" + id);
          Responses.json(ctx, dryRun ? 200 : 201, Future.succeededFuture(ar.result()));
        });
  }

  private void get(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    Responses.json(
        ctx,
        200,
        store.report(caller.companyId(), PathParams.uuid(ctx, "id", "import"), PROBLEMS_SHOWN));
  }

  /** {@code outcome} may be given more than once (or comma separated); {@code afterLine} is the last line seen. */
  private void rows(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "import");
    String[] outcomes = ctx.queryParams().getAll("outcome").stream()
        .flatMap(o -> Arrays.stream(o.split(",")))
        .map(String::trim)
        .toArray(String[]::new);
    for (String o : outcomes) {
      if (!OUTCOMES.contains(o)) {
        throw ApiException.badRequest("'outcome' must be among " + new TreeSet<>(OUTCOMES));
      }
    }
    long afterLine = number(ctx.queryParams().get("afterLine"), "afterLine", 0, Long.MAX_VALUE, 0);
    int limit = (int) number(ctx.queryParams().get("limit"), "limit", 1, MAX_PAGE, 500);
    Responses.json(
        ctx,
        200,
        store.rows(
            caller.companyId(), id, outcomes.length == 0 ? null : outcomes, afterLine, limit));
  }

  private static long number(String text, String name, long min, long max, long dflt) {
    if (text == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiException.badRequest(
        "'" + name + "' must be a whole number from " + min + " to " + max);
  }
}
