package io.payg.gateway.agent;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.CompanyStore;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.logging.RequestOrigin;
import io.payg.gateway.payment.PaymentService;
import io.payg.gateway.payment.ProcessOutcome;
import io.payg.gateway.token.TokenJobHandler;
import io.payg.gateway.transaction.TransactionSearch;
import io.payg.gateway.transaction.TransactionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The agent's API: their own customers, cash payments through the same pipeline as mobile
 * money (idempotent on {@code Idempotency-Key}, answering with the token when it comes within
 * a bound, else 202 with a status URL), their transactions. And the operators' side of an
 * agent's cash: balance, risk limit, cash handed in.
 */
public final class AgentRoutes {

  private final Vertx vertx;
  private final AgentAccountStore accounts;
  private final PaymentService payments;
  private final TransactionStore transactions;
  private final CompanyStore companies;
  private final Clock clock;
  private final Duration tokenWait;

  public AgentRoutes(
      Vertx vertx,
      Pool pool,
      PaymentService payments,
      TransactionStore transactions,
      CompanyStore companies,
      Clock clock,
      Duration tokenWait) {
    this.vertx = vertx;
    this.accounts = new AgentAccountStore(pool);
    this.payments = payments;
    this.transactions = transactions;
    this.companies = companies;
    this.clock = clock;
    this.tokenWait = tokenWait;
  }

  public void mount(Router router) {
    router.post("/api/v1/agent/payments").handler(this::pay);
    router.get("/api/v1/agent/customers").handler(this::customers);
    router.get("/api/v1/agent/transactions").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      Responses.json(
          ctx,
          200,
          transactions.search(
              TransactionSearch.of(agent.companyId()).byAgent(agent.userId()), null, 100));
    });
    router.get("/api/v1/agent/transactions/:id").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      Responses.json(
          ctx,
          200,
          transactions.get(
              agent.companyId(), agent.userId(), PathParams.uuid(ctx, "id", "transaction")));
    });
    router.get("/api/v1/agents/:id").handler(this::agent);
    router.post("/api/v1/agents/:id/cash-handovers").handler(this::handover);
  }

  private void pay(RoutingContext ctx) {
    Caller agent = Caller.require(ctx, Role.AGENT);
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    String serial = in.string("serial", 64);
    Money amount = Money.of(in.integer("amount", 1, 10_000_000_000_000L), in.currency("currency"));
    // the key is the agent's own: scoped by the agent so two agents can never collide
    PaymentCommand cmd =
        new PaymentCommand(agent.userId() + ":" + key, serial, amount, null, clock.instant());
    Future<JsonObject> answer = companies
        .currency(agent.companyId())
        .compose(currency -> payments.processCash(
            agent.companyId(), currency, agent.userId(), cmd, RequestOrigin.jobs(ctx)))
        .compose(outcome -> {
          if (outcome instanceof ProcessOutcome.Recorded r) {
            return withToken(agent, r.receipt());
          }
          if (outcome instanceof ProcessOutcome.Replayed r) {
            return withToken(agent, r.receipt());
          }
          if (outcome instanceof ProcessOutcome.AgentRiskLimitExceeded) {
            return Future.failedFuture(ApiException.unprocessable(
                "AGENT_RISK_LIMIT",
                "This payment would take your cash above your risk limit: hand in cash first"));
          }
          ProcessOutcome.Refused refused = (ProcessOutcome.Refused) outcome;
          int status = switch (refused.refusal()) {
            case DEVICE_NOT_FOUND -> 404;
            case DUPLICATE_TRANSACTION -> 409;
            default -> 422;
          };
          return Future.failedFuture(
              new ApiException(status, refused.refusal().name(), refused.detail()));
        });
    answer
        .onSuccess(body -> {
          boolean waiting = body.getJsonObject("token") != null
              && body.getJsonObject("token").getString("value") == null;
          ctx.response()
              .setStatusCode(waiting ? 202 : 200)
              .putHeader("Content-Type", "application/json")
              .putHeader("Location", body.getString("statusUrl"))
              .end(body.encode());
        })
        .onFailure(ctx::fail);
  }

  /** The transaction, once its token is there or {@code tokenWait} has passed. */
  private Future<JsonObject> withToken(Caller agent, PaymentReceipt receipt) {
    UUID id = UUID.fromString(receipt.transactionId());
    Future<Void> waited = Future.succeededFuture();
    if (receipt.tokenAmount() != null && receipt.token() == null) {
      Promise<Void> arrived = Promise.promise();
      var consumer = vertx
          .eventBus()
          .localConsumer(TokenJobHandler.storedAddress(id), m -> arrived.tryComplete());
      long timer = vertx.setTimer(tokenWait.toMillis(), t -> arrived.tryComplete());
      waited = arrived.future().onComplete(x -> {
        consumer.unregister();
        vertx.cancelTimer(timer);
      });
    }
    return waited
        .compose(v -> transactions.get(agent.companyId(), agent.userId(), id))
        .map(t -> t.put("statusUrl", "/api/v1/agent/transactions/" + id));
  }

  private void customers(RoutingContext ctx) {
    Caller agent = Caller.require(ctx, Role.AGENT);
    Responses.json(ctx, 200, accounts.customers(agent.companyId(), agent.userId()));
  }

  private void agent(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    Responses.json(
        ctx, 200, accounts.agent(caller.companyId(), PathParams.uuid(ctx, "id", "agent")));
  }

  /** An operator records the cash an agent handed in: the agent's balance falls by it (once per Idempotency-Key). */
  private void handover(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID agentId = PathParams.uuid(ctx, "id", "agent");
    String key = IdempotencyKey.optional(ctx);
    JsonInput in = JsonInput.of(ctx);
    long amount = in.integer("amount", 1, 10_000_000_000_000L);
    String note = in.optionalString("note", 500);
    Responses.json(
        ctx,
        201,
        accounts.handOver(
            caller,
            new AgentAccountStore.Handover(
                caller.companyId(), agentId, amount, note, key, caller.userId())));
  }
}
