package io.payg.gateway.agent;

import io.payg.domain.Money;
import io.payg.domain.Serial;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.Refusal;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.CompanyStore;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.customer.CustomerStore;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.logging.RequestOrigin;
import io.payg.gateway.outbox.JobOrigin;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.transaction.TransactionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * The agent's own customer and balances, the risk limit operators give an agent, and cash paid
 * at the office:
 * <ul>
 *   <li>{@code GET /api/v1/agent/customers/{id}} (AGENT): one of the agent's own customers, with devices and debts;
 *   <li>{@code GET /api/v1/agent/balance} (AGENT): cash held, risk limit, room left, commission balance;
 *   <li>{@code PUT /api/v1/agents/{id}/risk-limit} {@code {riskLimit}} (ADMIN, OPERATOR; protected pages);
 *   <li>{@code POST /api/v1/payments/cash} (ADMIN, OPERATOR; {@code Idempotency-Key}): the payment
 *       process as for every provider, provider {@code cash}, attributed to the staff user.
 * </ul>
 */
public final class AgentOfficeRoutes {

  private final AgentAccountStore accounts;
  private final CustomerStore customers;
  private final PaymentService payments;
  private final TransactionStore transactions;
  private final CompanyStore companies;
  private final ProtectedPages protectedPages;
  private final Clock clock;
  private final OfficeCashStore officeCash;

  public AgentOfficeRoutes(
      Pool pool,
      CustomerStore customers,
      PaymentService payments,
      TransactionStore transactions,
      CompanyStore companies,
      ProtectedPages protectedPages,
      Clock clock) {
    this.accounts = new AgentAccountStore(pool);
    this.customers = customers;
    this.payments = payments;
    this.transactions = transactions;
    this.companies = companies;
    this.protectedPages = protectedPages;
    this.clock = clock;
    this.officeCash = new OfficeCashStore(pool);
  }

  public void mount(Router router) {
    router.get("/api/v1/agent/customers/:id").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      UUID id = PathParams.uuid(ctx, "id", "customer");
      // another agent's customer is as absent as another company's
      Responses.json(
          ctx,
          200,
          accounts
              .owns(agent.companyId(), agent.userId(), id)
              .compose(own -> own
                  ? customers.get(agent.companyId(), id, LocalDate.now(clock))
                  : Future.failedFuture(ApiException.notFound("customer"))));
    });
    router.get("/api/v1/agent/balance").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      Responses.json(
          ctx,
          200,
          accounts
              .balance(agent.companyId(), agent.userId())
              .compose(b -> b == null
                  ? Future.failedFuture(ApiException.notFound("agent"))
                  : Future.succeededFuture(b)));
    });
    router
        .put("/api/v1/agents/:id/risk-limit")
        .handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR))
        .handler(ctx -> {
          Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
          UUID id = PathParams.uuid(ctx, "id", "agent");
          long limit = JsonInput.of(ctx).integer("riskLimit", 0, 1_000_000_000_000L);
          Responses.json(ctx, 200, accounts.setRiskLimit(caller, id, limit).map(c -> {
            if (c.cashBalance() == null) {
              throw ApiException.notFound("agent");
            }
            if (c.riskLimit() == null) {
              throw ApiException.unprocessable(
                  "RISK_LIMIT_BELOW_CASH",
                  "The agent holds " + c.cashBalance()
                      + " in cash: record a hand-in first, or set a limit of at least that");
            }
            return new JsonObject()
                .put("agentId", id.toString())
                .put("riskLimit", c.riskLimit())
                .put("cashBalance", c.cashBalance());
          }));
        });
    router.post("/api/v1/payments/cash").handler(ctx -> {
      Caller staff = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String key = IdempotencyKey.required(ctx);
      JsonInput in = JsonInput.of(ctx);
      String serial = in.string("serial", 64);
      Money amount =
          Money.of(in.integer("amount", 1, 10_000_000_000_000L), in.currency("currency"));
      String msisdn = in.optionalString("msisdn", 32);
      // the staff user's own key space, and their id on the transaction for good
      PaymentCommand cmd = new PaymentCommand(
          "office:" + staff.userId() + ":" + key, serial, amount, msisdn, clock.instant());
      Future<JsonObject> held = officeCash
          .byKey(staff.companyId(), staff.userId(), key)
          .compose(earlier -> {
            if (earlier != null) {
              return sameHeld(earlier, serial, amount)
                  ? Future.succeededFuture(earlier)
                  : Future.failedFuture(ApiException.conflict(
                      "DUPLICATE_TRANSACTION",
                      "This Idempotency-Key was used for another office cash payment"));
            }
            return officeCash
                .threshold(staff.companyId())
                .compose(threshold -> threshold == null || amount.minor() <= threshold
                    ? Future.succeededFuture(null)
                    : hold(staff, key, cmd));
          });
      held.compose(h -> h != null
              ? Future.succeededFuture(
                  h.put("approveUrl", "/api/v1/payments/cash/" + h.getString("id") + "/approve"))
              : companies
                  .currency(staff.companyId())
                  .compose(currency -> payments.processOfficeCash(
                      staff.companyId(), currency, cmd, RequestOrigin.jobs(ctx)))
                  .compose(outcome -> answer(staff, outcome)))
          .onSuccess(body -> {
            int status = "PENDING_APPROVAL".equals(body.getString("status")) ? 202 : 201;
            body.remove("idempotencyKey");
            ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
          })
          .onFailure(ctx::fail);
    });
    router.get("/api/v1/payments/cash/approval").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(
          ctx,
          200,
          officeCash.threshold(caller.companyId()).map(t -> new JsonObject().put("threshold", t)));
    });
    router
        .put("/api/v1/payments/cash/approval")
        .handler(protectedPages.guard(Role.ADMIN))
        .handler(ctx -> {
          Caller caller = Caller.require(ctx, Role.ADMIN);
          JsonInput in = JsonInput.of(ctx);
          if (!in.raw().containsKey("threshold")) {
            throw ApiException.badRequest(
                "'threshold' is required: an amount in minor units, or null for no approval");
          }
          Long threshold = in.raw().getValue("threshold") == null
              ? null
              : in.integer("threshold", 0, 10_000_000_000_000L);
          Responses.json(ctx, 200, officeCash.setThreshold(caller, threshold));
        });
    router.get("/api/v1/payments/cash/pending").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String status = ctx.queryParams().get("status") == null
          ? "PENDING_APPROVAL"
          : ctx.queryParams().get("status");
      if (!Set.of("PENDING_APPROVAL", "APPROVED", "REJECTED").contains(status)) {
        throw ApiException.badRequest("'status' must be PENDING_APPROVAL, APPROVED or REJECTED");
      }
      Responses.json(
          ctx,
          200,
          officeCash
              .list(caller.companyId(), status, Paging.before(ctx), Paging.limit(ctx))
              .map(page -> {
                page.getJsonArray("items").forEach(i -> ((JsonObject) i).remove("idempotencyKey"));
                return page;
              }));
    });
    router.post("/api/v1/payments/cash/:id/approve").handler(ctx -> {
      Caller approver = Caller.require(ctx, Role.ADMIN);
      UUID id = PathParams.uuid(ctx, "id", "office cash payment");
      Responses.json(ctx, 200, approve(approver, id, RequestOrigin.jobs(ctx)));
    });
    router.post("/api/v1/payments/cash/:id/reject").handler(ctx -> {
      Caller who = Caller.require(ctx, Role.ADMIN);
      UUID id = PathParams.uuid(ctx, "id", "office cash payment");
      String reason = JsonInput.of(ctx).string("reason", 500);
      Responses.json(
          ctx,
          200,
          officeCash
              .reject(who, id, reason)
              .compose(done -> officeCash.get(who.companyId(), id).compose(row -> {
                if (row == null) {
                  return Future.failedFuture(ApiException.notFound("office cash payment"));
                }
                if (!done
                    && !("REJECTED".equals(row.getString("status"))
                        && who.userId().toString().equals(row.getString("decidedBy")))) {
                  return Future.failedFuture(refusal(who, row));
                }
                row.remove("idempotencyKey");
                return Future.succeededFuture(row);
              })));
    });
  }

  private static boolean sameHeld(JsonObject held, String serial, Money amount) {
    return Serial.same(held.getString("serial"), serial)
        && held.getLong("amount") == amount.minor()
        && held.getString("currency").equals(amount.currency());
  }

  /** Above the threshold: checked as a payment would be (nothing held for an unknown serial), then held. */
  private Future<JsonObject> hold(Caller staff, String key, PaymentCommand cmd) {
    return companies
        .currency(staff.companyId())
        .compose(currency -> payments.validate(
            staff.companyId(),
            currency,
            new PaymentQuery(cmd.serial(), cmd.amount(), cmd.msisdn())))
        .compose(v -> {
          if (!v.valid()) {
            int status = v.refusal() == Refusal.DEVICE_NOT_FOUND ? 404 : 422;
            return Future.failedFuture(
                new ApiException(status, v.refusal().name(), v.refusal().message()));
          }
          return officeCash.hold(
              staff,
              key,
              cmd.serial(),
              cmd.amount().minor(),
              cmd.amount().currency(),
              cmd.msisdn(),
              cmd.providerTxnId());
        })
        // held by a concurrent request with the key: that one; paid directly before: null (a replay
        // then)
        .compose(h -> h != null
            ? Future.succeededFuture(h)
            : officeCash.byKey(staff.companyId(), staff.userId(), key));
  }

  /**
   * Processes a held payment once: the claim lets any ADMIN but its recorder take it, the payment
   * is processed under one provider id (concurrent approvals book it once, the others replay),
   * and the first to tie the row to its transaction writes the audit row. {@code origin}: the
   * approver's request, whose id and trace go with the payment's jobs.
   */
  private Future<JsonObject> approve(Caller approver, UUID id, JobOrigin origin) {
    return officeCash.claim(approver, id).compose(row -> {
      if (row == null) {
        return officeCash.get(approver.companyId(), id).compose(now -> {
          if (now == null) {
            return Future.failedFuture(ApiException.notFound("office cash payment"));
          }
          if ("APPROVED".equals(now.getString("status"))
              && now.getString("transactionId") != null) {
            return detail(approver, now.getString("transactionId")).map(t -> approved(t, now));
          }
          return Future.failedFuture(refusal(approver, now));
        });
      }
      UUID recorder = UUID.fromString(row.getString("recordedBy"));
      PaymentCommand cmd = new PaymentCommand(
          OfficeCashStore.approvedProviderTxnId(recorder, row.getString("idempotencyKey")),
          row.getString("serial"),
          Money.of(row.getLong("amount"), row.getString("currency")),
          row.getString("msisdn"),
          OffsetDateTime.parse(row.getString("createdAt")).toInstant());
      return companies
          .currency(approver.companyId())
          .compose(
              currency -> payments.processOfficeCash(approver.companyId(), currency, cmd, origin))
          .compose(outcome -> {
            String txn = outcome instanceof ProcessOutcome.Recorded r
                ? r.receipt().transactionId()
                : outcome instanceof ProcessOutcome.Replayed r ? r.receipt().transactionId() : null;
            if (txn == null) {
              // refused now (the device went, the debts changed): it waits again, nothing booked
              return officeCash
                  .release(approver.companyId(), id)
                  .compose(v -> answer(approver, outcome));
            }
            return officeCash
                .settle(approver, id, UUID.fromString(txn))
                .compose(v -> officeCash.get(approver.companyId(), id))
                .compose(now -> detail(approver, txn).map(t -> approved(t, now)));
          });
    });
  }

  /** The transaction of an approved payment: recorded by its recorder, approved by its approver. */
  private static JsonObject approved(JsonObject transaction, JsonObject row) {
    return transaction
        .put("recordedBy", row.getString("recordedBy"))
        .put("approvedBy", row.getString("decidedBy"))
        .put("officeCash", clean(row));
  }

  private static JsonObject clean(JsonObject row) {
    JsonObject c = row.copy();
    c.remove("idempotencyKey");
    return c;
  }

  /** Why a held payment cannot be decided by this caller now. */
  private static ApiException refusal(Caller caller, JsonObject row) {
    if (caller.userId().toString().equals(row.getString("recordedBy"))) {
      return ApiException.forbidden(
          "The payment must be approved or rejected by another admin than the one who "
              + "recorded it");
    }
    return ApiException.conflict(
        "OFFICE_CASH_" + row.getString("status"),
        "This office cash payment is " + row.getString("status"));
  }

  private Future<JsonObject> answer(Caller staff, ProcessOutcome outcome) {
    if (outcome instanceof ProcessOutcome.Recorded r) {
      return detail(staff, r.receipt().transactionId());
    }
    if (outcome instanceof ProcessOutcome.Replayed r) {
      return detail(staff, r.receipt().transactionId());
    }
    if (outcome instanceof ProcessOutcome.Refused refused) {
      int status = switch (refused.refusal()) {
        case DEVICE_NOT_FOUND -> 404;
        case DUPLICATE_TRANSACTION -> 409;
        default -> 422;
      };
      return Future.failedFuture(
          new ApiException(status, refused.refusal().name(), refused.detail()));
    }
    return Future.failedFuture(
        new IllegalStateException("office cash: unexpected outcome " + outcome));
  }

  private Future<JsonObject> detail(Caller staff, String transactionId) {
    return transactions
        .get(staff.companyId(), UUID.fromString(transactionId))
        .map(t -> t.put("recordedBy", staff.userId().toString()));
  }
}
