package io.payg.gateway.brokerresult;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.telco.MovedMoneyFollowUp;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;

/**
 * Vodacom Tanzania's result leg, decided when the broker's request is booked or kept: confirm (0)
 * a booked payment, cancel (999) one the gateway cannot book — what the production integrations
 * answer when they cannot use a payment
 * (jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/rest/PayBillCollectionController.java
 * sendCallback "failed";
 * EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Listeners/TransactionListener.php
 * onTransactionFailed → sendResult(false)). A flagged (unauthenticated) message gets no result.
 * Queued in the outbox before the broker is answered, once per broker transaction id.
 */
public final class VodacomTzResults implements MovedMoneyFollowUp {

  private final Vertx vertx;
  private final BrokerResultStore store;

  public VodacomTzResults(Vertx vertx, BrokerResultStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  @Override
  public Future<Void> booked(
      UUID companyId, PaymentCommand command, UUID transactionId, Map<String, String> echo) {
    // "Successful":
    // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/services/paybill/MpesaService.java (sendCallback)
    return store
        .confirm(
            companyId,
            VodacomTzTelcoAdapter.NAME,
            command.providerTxnId(),
            transactionId,
            "Successful",
            echo(echo))
        .map(this::wake);
  }

  @Override
  public Future<Void> kept(
      UUID companyId,
      PaymentCommand command,
      UUID unmatchedId,
      Refusal refusal,
      boolean authenticated,
      Map<String, String> echo) {
    if (!authenticated) {
      return Future.succeededFuture();
    }
    return store
        .cancel(
            companyId,
            VodacomTzTelcoAdapter.NAME,
            command.providerTxnId(),
            unmatchedId,
            "failure, " + VodacomTzTelcoAdapter.description(refusal),
            echo(echo))
        .map(this::wake);
  }

  private Void wake(boolean queued) {
    if (queued) {
      vertx.eventBus().send(OutboxWorker.wakeAddress(BrokerResultStore.KIND), null);
    }
    return null;
  }

  private static BrokerResultStore.Echo echo(Map<String, String> echo) {
    return new BrokerResultStore.Echo(
        echo.get(VodacomTzTelcoAdapter.ECHO_NAMESPACE),
        echo.get("conversationID"),
        echo.get("originatorConversationID"),
        echo.get(VodacomTzTelcoAdapter.ECHO_RECEIPT),
        echo.get(VodacomTzTelcoAdapter.ECHO_INITIATOR),
        echo.get(VodacomTzTelcoAdapter.ECHO_RESULT_URL));
  }
}
