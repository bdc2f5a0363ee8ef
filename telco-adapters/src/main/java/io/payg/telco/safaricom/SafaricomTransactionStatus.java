package io.payg.telco.safaricom;

import static io.payg.domain.peer.PeerStatus.isTransient;
import static io.payg.peer.PeerCalls.jsonObject;
import static io.payg.peer.PeerCalls.snippet;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.PaymentStatusQuery;
import io.payg.telco.support.CollectionCallException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Daraja's Transaction Status API, asked about each C2B confirmation before it is booked
 * (https://developer.safaricom.co.ke/apis/TransactionStatus: "can be used as a secondary
 * reconciliation mechanism"; "This API is asynchronous"): {@code POST
 * {baseUrl}/mpesa/transactionstatus/v1/query} with {@code Initiator, SecurityCredential,
 * CommandID "TransactionStatusQuery", TransactionID (the TransID = M-Pesa receipt), PartyA (the
 * short code), IdentifierType "4" (organisation short code), ResultURL, QueueTimeOutURL, Remarks,
 * Occasion}; Daraja answers {@code {"OriginatorConversationID", "ConversationID",
 * "ResponseCode": "0", ...}} and later posts {@code {"Result": {...}}} to the ResultURL, or to the
 * QueueTimeOutURL when the query timed out in its queue. The page's sample spells "Command ID" and
 * "Transaction ID" with spaces; its parameter table and every SDK (e.g. hexdocs ex_mpesa,
 * docs.rs mpesa, rubydoc mpesarb) send {@code CommandID} and {@code TransactionID}, as here.
 *
 * <p>Settings (plugin {@code safaricom}, with the C2B settings): {@code consumerKey},
 * {@code consumerSecret}, {@code initiator} (an API operator with the "Transaction Status query
 * ORG API" role), {@code securityCredential} (its password encrypted with Safaricom's public
 * certificate, as the Daraja portal generates it), {@code baseUrl}, {@code identifierType}
 * (default 4), {@code timeoutMs}, and {@code transactionStatus}: on by default when the four
 * credentials are set, {@code false} turns it off.
 */
public final class SafaricomTransactionStatus implements PaymentStatusQuery {

  static final String PATH = "/mpesa/transactionstatus/v1/query";
  public static final String SETTING_ENABLED = "transactionStatus";
  private final DarajaCalls daraja;

  public SafaricomTransactionStatus(WebClient client) {
    this(client, System::nanoTime);
  }

  public SafaricomTransactionStatus(WebClient client, LongSupplier nanoTime) {
    this.daraja = new DarajaCalls(client, SafaricomTelcoAdapter.NAME, nanoTime);
  }

  @Override
  public String provider() {
    return SafaricomTelcoAdapter.NAME;
  }

  @Override
  public boolean enabled(Map<String, String> settings) {
    if (settings == null
        || "false"
            .equalsIgnoreCase(String.valueOf(settings.get(SETTING_ENABLED)).trim())) {
      return false;
    }
    return !PluginSettings.isBlank(settings.get("consumerKey"))
        && !PluginSettings.isBlank(settings.get("consumerSecret"))
        && !PluginSettings.isBlank(settings.get("initiator"))
        && !PluginSettings.isBlank(settings.get("securityCredential"));
  }

  @Override
  public CompletionStage<String> ask(
      PaymentCommand payment, String resultUrl, String timeoutUrl, Map<String, String> settings) {
    DarajaCalls.Credentials credentials;
    try {
      credentials = DarajaCalls.Credentials.of(SafaricomTelcoAdapter.NAME, settings);
    } catch (CollectionCallException e) {
      return Future.<String>failedFuture(e).toCompletionStage();
    }
    String shortCodes = settings.getOrDefault(SafaricomTelcoAdapter.SETTING_SHORT_CODE, "");
    JsonObject body = new JsonObject()
        .put("Initiator", settings.get("initiator").trim())
        .put("SecurityCredential", settings.get("securityCredential").trim())
        .put("CommandID", "TransactionStatusQuery")
        .put("TransactionID", payment.providerTxnId())
        .put("PartyA", shortCodes.split(",", 2)[0].trim())
        .put("IdentifierType", PluginSettings.orDefault(settings.get("identifierType"), "4"))
        .put("ResultURL", resultUrl)
        .put("QueueTimeOutURL", timeoutUrl)
        .put("Remarks", "Payment check")
        .put("Occasion", "");
    return daraja
        .post(credentials, PATH, body)
        .compose(response -> {
          JsonObject json = jsonObject(response);
          Object originator = json == null ? null : json.getValue("OriginatorConversationID");
          if (response.statusCode() == 200
              && json != null
              && "0".equals(String.valueOf(json.getValue("ResponseCode")))
              && originator instanceof String id
              && !id.isBlank()) {
            return Future.succeededFuture(id);
          }
          return Future.<String>failedFuture(new CollectionCallException(
              "Safaricom Transaction Status answered " + response.statusCode() + ": "
                  + snippet(response),
              isTransient(response.statusCode())));
        })
        .toCompletionStage();
  }
}
