package io.payg.telco.safaricom;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;

/**
 * The M-Pesa side of Daraja C2B: sends the exact JSON M-Pesa posts to a registered validation or
 * confirmation URL. Tests and the demo drive the gateway through it, over real HTTP. The gateway
 * checks the source address, so run it from an address in the company's {@code allowedSources}.
 */
public final class SafaricomSimulator {

  private final WebClient client;
  private final String baseUrl;

  /**
   * @param baseUrl e.g. http://127.0.0.1:8080/api/v1/telco/safaricom/{companyId}
   */
  public SafaricomSimulator(WebClient client, String baseUrl) {
    this.client = client;
    this.baseUrl = baseUrl;
  }

  /** One C2B payment, field for field as Daraja sends it (all strings). */
  public record C2bPayment(String transactionType, String transId, String transTime, String transAmount,
                           String businessShortCode, String billRefNumber, String invoiceNumber,
                           String orgAccountBalance, String thirdPartyTransId, String msisdn,
                           String firstName, String middleName, String lastName) {

    /** A pay-bill payment of {@code amount} ("500.00") to {@code shortCode} for account {@code serial}. */
    public static C2bPayment payBill(String transId, String shortCode, String serial, String amount, String msisdn,
                                     Instant paidAt) {
      return new C2bPayment("Pay Bill", transId, SafaricomSimulator.transTime(paidAt), amount, shortCode, serial, "", "", "", msisdn,
          "John", "", "Doe");
    }

    /** The confirmation carries the organisation's balance after the payment; validation an empty one. */
    public C2bPayment withOrgAccountBalance(String balance) {
      return new C2bPayment(transactionType, transId, transTime, transAmount, businessShortCode, billRefNumber,
          invoiceNumber, balance, thirdPartyTransId, msisdn, firstName, middleName, lastName);
    }

    /** The request body, with Daraja's field names in Daraja's order. */
    public Buffer body() {
      return new JsonObject()
          .put("TransactionType", transactionType)
          .put("TransID", transId)
          .put("TransTime", transTime)
          .put("TransAmount", transAmount)
          .put("BusinessShortCode", businessShortCode)
          .put("BillRefNumber", billRefNumber)
          .put("InvoiceNumber", invoiceNumber)
          .put("OrgAccountBalance", orgAccountBalance)
          .put("ThirdPartyTransID", thirdPartyTransId)
          .put("MSISDN", msisdn)
          .put("FirstName", firstName)
          .put("MiddleName", middleName)
          .put("LastName", lastName)
          .toBuffer();
    }
  }

  /** yyyyMMddHHmmss in Nairobi time, as M-Pesa writes {@code TransTime}. */
  public static String transTime(Instant instant) {
    return SafaricomTelcoAdapter.TRANS_TIME.format(instant.atZone(SafaricomTelcoAdapter.NAIROBI));
  }

  public Future<HttpResponse<Buffer>> validation(C2bPayment payment) {
    return send(SafaricomTelcoAdapter.VALIDATION, payment.body());
  }

  public Future<HttpResponse<Buffer>> confirmation(C2bPayment payment) {
    return send(SafaricomTelcoAdapter.CONFIRMATION, payment.body());
  }

  /** Posts {@code body} as is to {@code baseUrl/operation} (tests send broken bodies). */
  public Future<HttpResponse<Buffer>> send(String operation, Buffer body) {
    return client.postAbs(baseUrl + "/" + operation)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body);
  }
}
