package io.payg.telco.vodacom;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The broker side of Vodacom M-Pesa Tanzania's "mpesaBroker" interface: posts the exact XML the
 * broker sends to a merchant's validation and confirmation URLs, with spId, spPassword
 * (Base64(SHA-256(spId + password + timestamp))) and timestamp. Tests and the demo drive the
 * gateway through it over real HTTP; run it from an address in the company's {@code allowedSources}.
 */
public final class VodacomBrokerSimulator {

  public static final String CONTENT_TYPE = "text/xml; charset=UTF-8";

  private final WebClient client;
  private final String baseUrl;
  private final String spId;
  private final String password;
  private final Clock clock;

  /**
   * @param baseUrl  e.g. http://127.0.0.1:8080/api/v1/telco/vodacom-tz/{companyId}
   * @param spId     the company's {@code username} setting
   * @param password the company's {@code password} setting
   */
  public VodacomBrokerSimulator(WebClient client, String baseUrl, String spId, String password) {
    this(client, baseUrl, spId, password, Clock.systemUTC());
  }

  /** With the clock that stamps {@code timestamp} (tests). */
  public VodacomBrokerSimulator(WebClient client, String baseUrl, String spId, String password, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.spId = Objects.requireNonNull(spId, "spId");
    this.password = Objects.requireNonNull(password, "password");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One customer payment, field for field as the broker sends it (all text). */
  public record Payment(String amount, String commandId, String initiator, String conversationId,
                        String originatorConversationId, String recipient, String mpesaReceipt,
                        String transactionDate, String accountReference, String transactionId) {

    /** A pay-bill payment of {@code amount} ("5000.00") to {@code businessNumber} for account {@code serial}. */
    public static Payment payBill(String transactionId, String businessNumber, String serial, String amount,
                                  String msisdn, Instant paidAt) {
      return new Payment(amount, "customerPayBill", msisdn, "c-" + transactionId, "oc-" + transactionId,
          businessNumber, "R" + transactionId.replaceAll("[^A-Za-z0-9]", ""),
          VodacomBrokerSimulator.transactionDate(paidAt), serial,
          transactionId);
    }

    public Payment withAmount(String amount) {
      return new Payment(amount, commandId, initiator, conversationId, originatorConversationId, recipient,
          mpesaReceipt, transactionDate, accountReference, transactionId);
    }

    public Payment withAccountReference(String accountReference) {
      return new Payment(amount, commandId, initiator, conversationId, originatorConversationId, recipient,
          mpesaReceipt, transactionDate, accountReference, transactionId);
    }
  }

  /** "yyyy-MM-dd HH:mm:ss" in Dar es Salaam time, as the broker writes {@code transactionDate}. */
  public static String transactionDate(Instant instant) {
    return VodacomBrokerTelcoAdapter.TRANSACTION_DATE.format(instant.atZone(VodacomBrokerTelcoAdapter.DAR_ES_SALAAM));
  }

  /** The broker's yyyyMMddHHmmss {@code timestamp}, Dar es Salaam time. */
  public static String timestamp(Instant instant) {
    return VodacomBrokerTelcoAdapter.TIMESTAMP.format(instant.atZone(VodacomBrokerTelcoAdapter.DAR_ES_SALAAM));
  }

  /** The request document for {@code payment}, stamped now, as bytes (UTF-8). */
  public byte[] body(Payment payment) {
    String timestamp = timestamp(clock.instant());
    return body(payment, spId, VodacomBrokerTelcoAdapter.spPassword(spId, password, timestamp), timestamp);
  }

  /** The request document with the given credentials (tests send wrong ones). */
  public static byte[] body(Payment p, String spId, String spPassword, String timestamp) {
    StringBuilder xml = new StringBuilder(1024)
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<mpesaBroker xmlns=\"").append(VodacomBrokerTelcoAdapter.NAMESPACE).append("\" version=\"")
        .append(VodacomBrokerTelcoAdapter.VERSION).append("\">\n")
        .append("  <request>\n")
        .append("    <serviceProvider>\n");
    element(xml, "      ", "spId", spId);
    element(xml, "      ", "spPassword", spPassword);
    element(xml, "      ", "timestamp", timestamp);
    xml.append("    </serviceProvider>\n")
        .append("    <transaction>\n");
    element(xml, "      ", "amount", p.amount());
    element(xml, "      ", "commandID", p.commandId());
    element(xml, "      ", "initiator", p.initiator());
    element(xml, "      ", "conversationID", p.conversationId());
    element(xml, "      ", "originatorConversationID", p.originatorConversationId());
    element(xml, "      ", "recipient", p.recipient());
    element(xml, "      ", "mpesaReceipt", p.mpesaReceipt());
    element(xml, "      ", "transactionDate", p.transactionDate());
    element(xml, "      ", "accountReference", p.accountReference());
    element(xml, "      ", "transactionID", p.transactionId());
    xml.append("    </transaction>\n")
        .append("  </request>\n")
        .append("</mpesaBroker>\n");
    return xml.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void element(StringBuilder xml, String indent, String name, String value) {
    if (value != null) {
      xml.append(indent).append('<').append(name).append('>').append(SafeXml.escape(value))
          .append("</").append(name).append(">\n");
    }
  }

  public Future<HttpResponse<Buffer>> validation(Payment payment) {
    return send(VodacomBrokerTelcoAdapter.VALIDATION, body(payment));
  }

  public Future<HttpResponse<Buffer>> confirmation(Payment payment) {
    return send(VodacomBrokerTelcoAdapter.CONFIRMATION, body(payment));
  }

  /** Posts {@code body} as is to {@code baseUrl/operation} as text/xml. */
  public Future<HttpResponse<Buffer>> send(String operation, byte[] body) {
    return send(operation, body, CONTENT_TYPE);
  }

  /** Posts {@code body} with any content type (tests send wrong ones; null sends none). */
  public Future<HttpResponse<Buffer>> send(String operation, byte[] body, String contentType) {
    var request = client.postAbs(baseUrl + "/" + operation);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }
}
