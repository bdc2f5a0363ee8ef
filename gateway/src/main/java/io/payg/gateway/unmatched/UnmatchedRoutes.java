package io.payg.gateway.unmatched;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.CompanyStore;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.logging.RequestOrigin;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.transaction.TransactionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/**
 * The operators' register of money that moved but could not be booked:
 * {@code GET /api/v1/unmatched-payments} (filtered, paged), {@code GET .../{id}} (with the raw
 * body), {@code POST .../{id}/assign {serial}} (booked through the provider's own pipeline under
 * the original provider id) and {@code POST .../{id}/dismiss {reason}} (kept, never deleted).
 */
public final class UnmatchedRoutes {

  /** The largest amount an operator may state, as for every amount typed by a person. */
  private static final long MAX_MONEY = 1_000_000_000_000L;

  private static final Set<String> STATUSES = Set.of("OPEN", "ASSIGNED", "DISMISSED");

  private final UnmatchedPaymentStore store;
  private final PaymentService payments;
  private final CompanyStore companies;
  private final TransactionStore transactions;

  public UnmatchedRoutes(
      UnmatchedPaymentStore store,
      PaymentService payments,
      CompanyStore companies,
      TransactionStore transactions) {
    this.store = store;
    this.payments = payments;
    this.companies = companies;
    this.transactions = transactions;
  }

  public void mount(Router router) {
    router.get("/api/v1/unmatched-payments").handler(this::search);
    router.get("/api/v1/unmatched-payments/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(
          ctx, 200, store.get(caller.companyId(), PathParams.uuid(ctx, "id", "unmatched payment")));
    });
    router.post("/api/v1/unmatched-payments/:id/assign").handler(this::assign);
    router.post("/api/v1/unmatched-payments/:id/dismiss").handler(this::dismiss);
  }

  private void search(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest("'status' must be one of " + STATUSES);
    }
    Responses.json(
        ctx,
        200,
        store.search(
            new UnmatchedSearch(
                caller.companyId(),
                status,
                ctx.queryParams().get("provider"),
                time(ctx, "from"),
                time(ctx, "to")),
            Paging.before(ctx),
            Paging.limit(ctx)));
  }

  private void assign(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "unmatched payment");
    JsonInput in = JsonInput.of(ctx);
    String serial = in.string("serial", 64);
    Object confirm = in.raw().getValue("confirmUnauthenticated");
    if (confirm != null && !(confirm instanceof Boolean)) {
      throw ApiException.badRequest("'confirmUnauthenticated' must be true or false");
    }
    boolean confirmed = Boolean.TRUE.equals(confirm);
    Long stated = in.optionalInteger("amount", 1, MAX_MONEY);
    Responses.json(ctx, 200, store.get(caller.companyId(), id).compose(row -> {
      if (!"OPEN".equals(row.getString("status"))) {
        return answered(caller, row, serial);
      }
      Long kept = row.getLong("amount");
      if (kept == null && stated == null) {
        // the provider's amount could not be read: the operator, who checked the statement, says it
        return Future.failedFuture(ApiException.unprocessable(
            "AMOUNT_REQUIRED",
            "The provider's amount of this payment could not be read (" + row.getString("detail")
                + "); state the amount received, in minor units, as \"amount\""));
      }
      if (kept != null && stated != null && !kept.equals(stated)) {
        return Future.failedFuture(ApiException.unprocessable(
            "AMOUNT_MISMATCH",
            "The provider reported " + kept + "; an assign books what the provider reported"));
      }
      if (!row.getBoolean("authenticated")) {
        // a forged or unverified message is booked only on an admin's explicit decision
        if (!confirmed) {
          return Future.failedFuture(ApiException.unprocessable(
              "UNAUTHENTICATED_PAYMENT",
              "This payment failed an "
                  + "authentication rule (" + row.getString("detail")
                  + "); an ADMIN books it only with "
                  + "\"confirmUnauthenticated\": true"));
        }
        if (caller.role() != Role.ADMIN) {
          return Future.failedFuture(
              ApiException.forbidden("Only an ADMIN may book an unauthenticated payment"));
        }
      }
      PaymentCommand cmd = new PaymentCommand(
          row.getString("providerTxnId"),
          serial,
          Money.of(kept == null ? stated : kept, row.getString("currency")),
          row.getString("msisdn"),
          Instant.parse(row.getString(row.getString("paidAt") == null ? "receivedAt" : "paidAt")));
      return companies
          .currency(caller.companyId())
          .compose(currency -> payments.assign(
              caller.companyId(),
              currency,
              row.getString("provider"),
              cmd,
              id,
              caller.userId(),
              RequestOrigin.jobs(ctx)))
          .compose(outcome -> {
            if (outcome instanceof ProcessOutcome.Recorded r) {
              return transactions.get(
                  caller.companyId(), UUID.fromString(r.receipt().transactionId()));
            }
            if (outcome instanceof ProcessOutcome.Refused refused) {
              // still OPEN, with the reason this assign was refused; unless it was booked meanwhile
              return store
                  .refused(caller.companyId(), id, refused.refusal().name(), refused.detail())
                  .compose(updated -> updated
                      ? Future.failedFuture(
                          ApiException.unprocessable(refused.refusal().name(), refused.detail()))
                      : store
                          .get(caller.companyId(), id)
                          .compose(now -> answered(caller, now, serial)));
            }
            // booked by a concurrent assign, or dismissed meanwhile
            return store.get(caller.companyId(), id).compose(now -> answered(caller, now, serial));
          });
    }));
  }

  /** An assign of a row that is no longer OPEN: the same serial replays its transaction, anything else is 409. */
  private Future<JsonObject> answered(Caller caller, JsonObject row, String serial) {
    String status = row.getString("status");
    if ("ASSIGNED".equals(status) && serial.equals(row.getString("assignedSerial"))) {
      return transactions.get(caller.companyId(), UUID.fromString(row.getString("transactionId")));
    }
    if ("ASSIGNED".equals(status)) {
      return Future.failedFuture(ApiException.conflict(
          "UNMATCHED_ALREADY_ASSIGNED",
          "This payment is already booked for serial " + row.getString("assignedSerial")));
    }
    if ("DISMISSED".equals(status)) {
      return Future.failedFuture(
          ApiException.conflict("UNMATCHED_DISMISSED", "This payment was dismissed"));
    }
    // OPEN, yet its provider id is a transaction: provider_txn_ids prevents it since V16; rows
    // kept before then may still show it
    return Future.failedFuture(ApiException.conflict(
        "PROVIDER_ID_BOOKED", "This provider transaction id is already booked as a transaction"));
  }

  private void dismiss(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "unmatched payment");
    String reason = JsonInput.of(ctx).string("reason", 1000);
    Responses.json(
        ctx,
        200,
        store
            .dismiss(caller, id, reason)
            .compose(done -> store.get(caller.companyId(), id))
            .map(row -> {
              // a retried dismiss answers the dismissed row; an ASSIGNED one is booked and stays so
              if (!"DISMISSED".equals(row.getString("status"))) {
                throw ApiException.conflict(
                    "UNMATCHED_ALREADY_ASSIGNED",
                    "This payment is already booked as transaction "
                        + row.getString("transactionId"));
              }
              row.remove("rawBody");
              return row;
            }));
  }

  private static OffsetDateTime time(RoutingContext ctx, String param) {
    String v = ctx.queryParams().get(param);
    try {
      return v == null ? null : OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "'" + param + "' must be an ISO 8601 time such as 2026-01-16T00:00:00Z");
    }
  }
}
