package io.payg.telco.vodacomtz;

import io.payg.telco.support.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Element;

/**
 * The third leg of a broker payment: the merchant's {@code <result>} (confirm = resultCode 0,
 * cancel = 999) and the broker's acknowledgement of it. Pure formatting and parsing; the gateway's
 * outbox sends it with {@link VodacomTzBrokerResultClient}.
 * <pre>
 * &lt;mpesaBroker xmlns="http://inforwise.co.tz/broker/" version="2.0"&gt;&lt;result&gt;
 *   &lt;serviceProvider&gt;&lt;spId/&gt;&lt;spPassword/&gt;&lt;timestamp/&gt;&lt;/serviceProvider&gt;
 *   &lt;transaction&gt;&lt;resultType&gt;Completed|Failed&lt;/resultType&gt;
 *     &lt;resultCode&gt;0|999&lt;/resultCode&gt;&lt;resultDesc/&gt;
 *     &lt;serviceReceipt/&gt;&lt;serviceDate/&gt;&lt;serviceID/&gt;
 *     &lt;originatorConversationID/&gt;&lt;conversationID/&gt;
 *     &lt;transactionID/&gt;&lt;initiator/&gt;&lt;/transaction&gt;
 * &lt;/result&gt;&lt;/mpesaBroker&gt;
 * </pre>
 */
// EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php (serveResult)
// jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/route/processor/mpesapaybill/CallbackProcessor.java
// (createCallbackRequest)
public final class VodacomTzBrokerResult {

  /** Confirm: the company keeps the money. */
  public static final String CONFIRM = "0";
  /** Cancel: the broker does not complete the payment (the payer is not charged, or is refunded). */
  public static final String CANCEL = "999";

  /** Plugin settings of the result leg. */
  public static final String SETTING_RESULT_URL = "resultUrl";
  /** PEM: the client certificate Vodacom issued (and its chain). */
  public static final String SETTING_CLIENT_CERTIFICATE = "clientCertificate";
  /** PEM: the private key of that certificate (PKCS#8 or PKCS#1); a secret. */
  public static final String SETTING_CLIENT_KEY = "clientKey";
  /** PEM, optional: the CA certificates the broker's server certificate is checked against (else the JVM's). */
  public static final String SETTING_BROKER_CA = "brokerCaCertificates";

  private VodacomTzBrokerResult() {}

  /** What the result says, and to whom. */
  public record Result(
      String namespace,
      String resultCode,
      String resultDesc,
      String serviceReceipt,
      String conversationId,
      String originatorConversationId,
      String transactionId,
      String initiator) {
    public Result {
      Objects.requireNonNull(resultCode, "resultCode");
      Objects.requireNonNull(transactionId, "transactionId");
    }

    public boolean confirms() {
      return CONFIRM.equals(resultCode);
    }
  }

  /** The result document, signed like the broker's request (spId, spPassword of {@code digest}, timestamp). */
  public static byte[] document(
      Result r,
      String spId,
      String password,
      BrokerPasswordDigest digest,
      Instant now,
      ZoneId zone) {
    String timestamp = VodacomTzTelcoAdapter.TIMESTAMP.format(now.atZone(zone));
    StringBuilder xml = new StringBuilder(1024)
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append(VodacomTzTelcoAdapter.root(Map.of(
            VodacomTzTelcoAdapter.ECHO_NAMESPACE,
            r.namespace() == null ? VodacomTzTelcoAdapter.NAMESPACE : r.namespace())))
        .append("<result><serviceProvider>");
    element(xml, "spId", spId);
    element(xml, "spPassword", digest.spPassword(spId, password, timestamp));
    element(xml, "timestamp", timestamp);
    xml.append("</serviceProvider><transaction>");
    // Completed/Failed as in jnduke400/LipanasiGateway (CallbackProcessor); MicroPowerManager 2018
    // always sent Completed
    element(xml, "resultType", r.confirms() ? "Completed" : "Failed");
    element(xml, "resultCode", r.resultCode());
    element(xml, "resultDesc", r.resultDesc());
    element(xml, "serviceReceipt", r.serviceReceipt());
    element(xml, "serviceDate", VodacomTzTelcoAdapter.TRANSACTION_DATE.format(now.atZone(zone)));
    element(xml, "serviceID", r.serviceReceipt());
    element(xml, "originatorConversationID", r.originatorConversationId());
    element(xml, "conversationID", r.conversationId());
    element(xml, "transactionID", r.transactionId());
    element(xml, "initiator", r.initiator());
    xml.append("</transaction></result></mpesaBroker>");
    return xml.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void element(StringBuilder xml, String name, String value) {
    if (value != null) {
      xml.append('<')
          .append(name)
          .append('>')
          .append(SafeXml.escape(value))
          .append("</")
          .append(name)
          .append('>');
    }
  }

  /**
   * The broker's answer to a result. {@code acknowledged}: it took the result — responseCode 0
   * ("Attempted successfully", serviceStatus Confirming / Cancelling), or responseCode equal to the
   * result's code (0 for a confirmation, 999 for a cancellation).
   */
  // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/services/paybill/MpesaService.java
  // (processCallback)
  // EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php
  // (sendResult: expectedResponseCode)
  public record Acknowledgement(
      boolean acknowledged, String responseCode, String responseDesc, String serviceStatus) {}

  /** Reads the broker's answer (same safe parser as requests); unreadable is not acknowledged. */
  public static Acknowledgement acknowledgement(byte[] body, String sentCode) {
    if (body == null || body.length == 0 || body.length > VodacomTzTelcoAdapter.MAX_BODY) {
      return new Acknowledgement(false, null, null, null);
    }
    try {
      Element root = SafeXml.parse(body).getDocumentElement();
      String ns = root.getNamespaceURI();
      if (!"mpesaBroker".equals(root.getLocalName())
          || !(ns == null || VodacomTzTelcoAdapter.NAMESPACES.contains(ns))) {
        return new Acknowledgement(false, null, null, null);
      }
      Element response = SafeXml.child(root, ns, "response");
      if (response == null) {
        return new Acknowledgement(false, null, null, null);
      }
      String code = SafeXml.text(response, ns, "responseCode");
      String desc = SafeXml.text(response, ns, "responseDesc");
      String status = SafeXml.text(response, ns, "serviceStatus");
      boolean ok = code != null && (CONFIRM.equals(code) || code.equals(sentCode));
      return new Acknowledgement(ok, clip(code), clip(desc), clip(status));
    } catch (Rejection e) {
      return new Acknowledgement(false, null, null, null);
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= 200 ? s : s.substring(0, 200);
  }
}
