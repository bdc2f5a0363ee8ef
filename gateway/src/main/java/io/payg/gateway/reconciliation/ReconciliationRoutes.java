package io.payg.gateway.reconciliation;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Responses;
import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.payg.telco.support.DecimalAmount;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/reconciliations} (a provider statement as the request body, streamed) and
 * {@code GET /api/v1/reconciliations/{id}} (the report, JSON or CSV).
 */
public final class ReconciliationRoutes {

  public static final String UPLOAD_PATH = "/api/v1/reconciliations";
  /** A statement has at most this many data lines. */
  static final long MAX_ROWS = 1_000_000;

  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  private static final Pattern UUID_TEXT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final ReconciliationStore store;
  private final ReconciliationCsv csv;
  private final Set<String> providers;
  private final Duration matchWait;

  /**
   * {@code providers}: the provider names a statement may be of (the gateway's telco providers);
   * {@code matchWait}: how long an upload waits for its matching once the body is read before
   * answering 202 (well below the HTTP idle timeout, which would close the silent connection).
   */
  public ReconciliationRoutes(
      ReconciliationStore store, Set<String> providers, Duration matchWait) {
    this.store = store;
    this.matchWait = matchWait;
    this.csv = new ReconciliationCsv(store);
    this.providers = providers;
  }

  /**
   * True for the upload, whose body this route reads itself as it arrives: GatewayApp's body
   * handler (which buffers a whole body, up to 64 KB) must leave it alone.
   */
  public static boolean streamsItsBody(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return ctx.request().method() == HttpMethod.POST
        && (UPLOAD_PATH.equals(path) || (UPLOAD_PATH + "/").equals(path)); // the route matches both
  }

  public void mount(Router router) {
    router.post(UPLOAD_PATH).handler(ctx -> BatchedUpload.paused(ctx, this::start));
    router.get(UPLOAD_PATH + "/:id").handler(this::get);
  }

  private void start(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    StatementFormat format = StatementFormat.of(ctx.queryParams().get("format"))
        .orElseThrow(
            () -> ApiException.badRequest("'format' must be one of mpesa-org, wave, generic"));
    String provider = ctx.queryParams().get("provider");
    if (provider == null) {
      provider = format.defaultProvider;
    }
    if (provider == null || !providers.contains(provider)) {
      throw ApiException.badRequest("'provider' must be one of " + new TreeSet<>(providers)
          + (format.defaultProvider == null ? " (the generic format names its provider)" : ""));
    }
    ZoneId zone = zone(ctx.queryParams().get("timeZone"));
    String currency = ctx.queryParams().get("currency");
    if (currency == null) {
      currency = "KES"; // the M-Pesa organisation statement has no currency column: Kenya's
    } else if (!StatementLayout.CURRENCY.matcher(currency).matches()
        || DecimalAmount.fractionDigits(currency) < 0) {
      throw ApiException.badRequest("'currency' must be an ISO 4217 code such as KES");
    }
    BatchedUpload.requireCsv(ctx.request(), "statement");
    UUID id = UUID.randomUUID();
    String chosen = provider;
    StatementLayout layout = format.layout(zone, currency);
    store.create(id, caller.companyId(), chosen, format, caller.userId()).onComplete(created -> {
      if (created.failed()) {
        ctx.response().putHeader("Connection", "close");
        ctx.fail(created.cause());
        return;
      }
      StatementUpload upload = new StatementUpload(
          ctx.request(), store, id, caller.companyId(), chosen, layout, MAX_ROWS);
      Future<ReconciliationStore.Completion> done = upload.run();
      boolean[] answered = {false};
      // a large statement may take longer to match than a client (or the idle timeout) waits: 202
      // then
      upload.read().onSuccess(v -> {
        long timer = ctx.vertx().setTimer(matchWait.toMillis(), t -> {
          if (!done.isComplete()) {
            answered[0] = true;
            Responses.json(
                ctx,
                202,
                store
                    .report(caller.companyId(), id, 0)
                    .onSuccess(r -> ctx.response().putHeader("Location", UPLOAD_PATH + "/" + id)));
          }
        });
        done.onComplete(x -> ctx.vertx().cancelTimer(timer));
      });
      done.onComplete(ar -> {
        if (answered[0]) {
          return; // answered 202 already: GET tells the outcome
        }
        if (ar.failed()) {
          ctx.response().putHeader("Connection", "close"); // the rest of the body is not read
          ctx.fail(ar.cause());
          return;
        }
        ReconciliationStore.Completion completion = ar.result();
        Responses.json(
            ctx,
            completion.replayed() ? 200 : 201,
            store
                .report(caller.companyId(), completion.id(), DEFAULT_LIMIT)
                .map(report -> report.put("replayed", completion.replayed()))
                .onSuccess(r ->
                    ctx.response().putHeader("Location", UPLOAD_PATH + "/" + completion.id())));
      });
    });
  }

  private void get(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String param = ctx.pathParam("id");
    boolean asCsv = param.endsWith(".csv");
    if (asCsv) {
      param = param.substring(0, param.length() - 4);
    }
    String accept = ctx.request().getHeader("Accept");
    asCsv |= accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    if (!UUID_TEXT.matcher(param).matches()) {
      throw ApiException.notFound("reconciliation");
    }
    UUID id = UUID.fromString(param);
    int limit = limit(ctx.queryParams().get("limit"));
    if (!asCsv) {
      Responses.json(ctx, 200, store.report(caller.companyId(), id, limit));
      return;
    }
    // the head first: tenancy and 404 before any CSV byte is written
    store
        .report(caller.companyId(), id, 0)
        .compose(head -> csv.stream(ctx.response(), id))
        .onFailure(err -> {
          if (!ctx.response().headWritten()) {
            ctx.fail(err);
          }
        });
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 0 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiException.badRequest("'limit' must be between 0 and " + MAX_LIMIT);
  }

  private static ZoneId zone(String text) {
    if (text == null) {
      return SafaricomTelcoAdapter.NAIROBI;
    }
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw ApiException.badRequest("'timeZone' must be an IANA time zone such as Africa/Nairobi");
    }
  }
}
