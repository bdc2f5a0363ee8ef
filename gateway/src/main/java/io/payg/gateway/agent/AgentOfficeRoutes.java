package io.payg.gateway.agent;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.CompanyStore;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.customer.CustomerStore;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.transaction.TransactionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
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

  public AgentOfficeRoutes(Pool pool, CustomerStore customers, PaymentService payments, TransactionStore transactions,
                           CompanyStore companies, ProtectedPages protectedPages, Clock clock) {
    this.accounts = new AgentAccountStore(pool);
    this.customers = customers;
    this.payments = payments;
    this.transactions = transactions;
    this.companies = companies;
    this.protectedPages = protectedPages;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/v1/agent/customers/:id").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      UUID id = PathParams.uuid(ctx, "id", "customer");
      // another agent's customer is as absent as another company's
      Responses.json(ctx, 200, accounts.owns(agent.companyId(), agent.userId(), id).compose(own -> own
          ? customers.get(agent.companyId(), id, LocalDate.now(clock))
          : Future.failedFuture(ApiException.notFound("customer"))));
    });
    router.get("/api/v1/agent/balance").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      Responses.json(ctx, 200, accounts.balance(agent.companyId(), agent.userId()).compose(b -> b == null
          ? Future.failedFuture(ApiException.notFound("agent")) : Future.succeededFuture(b)));
    });
    router.put("/api/v1/agents/:id/risk-limit").handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR)).handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      UUID id = PathParams.uuid(ctx, "id", "agent");
      long limit = JsonInput.of(ctx).integer("riskLimit", 0, 1_000_000_000_000L);
      Responses.json(ctx, 200, accounts.setRiskLimit(caller, id, limit).map(c -> {
        if (c.cashBalance() == null) {
          throw ApiException.notFound("agent");
        }
        if (c.riskLimit() == null) {
          throw ApiException.unprocessable("RISK_LIMIT_BELOW_CASH", "The agent holds " + c.cashBalance()
              + " in cash: record a hand-in first, or set a limit of at least that");
        }
        return new JsonObject().put("agentId", id.toString()).put("riskLimit", c.riskLimit())
            .put("cashBalance", c.cashBalance());
      }));
    });
    router.post("/api/v1/payments/cash").handler(ctx -> {
      Caller staff = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String key = IdempotencyKey.required(ctx);
      JsonInput in = JsonInput.of(ctx);
      String serial = in.string("serial", 64);
      Money amount = Money.of(in.integer("amount", 1, 10_000_000_000_000L), in.currency("currency"));
      String msisdn = in.optionalString("msisdn", 32);
      // the staff user's own key space, and their id on the transaction for good
      PaymentCommand cmd = new PaymentCommand("office:" + staff.userId() + ":" + key, serial, amount, msisdn,
          clock.instant());
      Responses.json(ctx, 201, companies.currency(staff.companyId())
          .compose(currency -> payments.processOfficeCash(staff.companyId(), currency, cmd))
          .compose(outcome -> {
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
              return Future.failedFuture(new ApiException(status, refused.refusal().name(), refused.detail()));
            }
            return Future.failedFuture(new IllegalStateException("office cash: unexpected outcome " + outcome));
          }));
    });
  }

  private Future<JsonObject> detail(Caller staff, String transactionId) {
    return transactions.get(staff.companyId(), UUID.fromString(transactionId))
        .map(t -> t.put("recordedBy", staff.userId().toString()));
  }
}
