package io.payg.telco.simulator;

import io.payg.telco.vodacomtz.BrokerPasswordDigest;
import io.payg.telco.vodacomtz.SafeXml;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The broker side of Vodacom M-Pesa Tanzania's mpesaBroker 2.0, written from the public production
 * integrations (not from our adapter):
 * <ul>
 *   <li>posts one {@code <mpesaBroker><request>} per payment to the merchant's one URL, in any of the
 *       namespace spellings seen ({@link Namespace}) and with spPassword in any of the forms the
 *       integrators use ({@link BrokerPasswordDigest}), optionally with a {@code <resultURL>};</li>
 *   <li>runs the broker's result endpoint ({@link ResultEndpoint}): loopback HTTPS that requires a
 *       client certificate from the configured CA, records each {@code <result>} and acknowledges it
 *       as the sources show ({@link AckStyle}).</li>
 * </ul>
 */
public final class VodacomTzSimulator {

  public static final String CONTENT_TYPE = "text/xml; charset=UTF-8";

  /** The namespace spellings of production traffic. */
  public enum Namespace {
    // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/dto/mpesapaybill/v2/MpesaBroker.java
    INFORWISE("http://inforwise.co.tz/broker/"),
    // EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php
    INFOWISE("http://infowise.co.tz/broker/"),
    // shared/spec/providers.md ("and none")
    NONE(null);

    public final String uri;

    Namespace(String uri) {
      this.uri = uri;
    }
  }

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
  public VodacomTzSimulator(WebClient client, String baseUrl, String spId, String password) {
    this(client, baseUrl, spId, password, Clock.systemUTC());
  }

  /** With the clock that stamps {@code timestamp} (tests). */
  public VodacomTzSimulator(
      WebClient client, String baseUrl, String spId, String password, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.spId = Objects.requireNonNull(spId, "spId");
    this.password = Objects.requireNonNull(password, "password");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One customer payment, field for field as the broker sends it (all text). */
  public record Payment(
      String amount,
      String commandId,
      String initiator,
      String conversationId,
      String originatorConversationId,
      String recipient,
      String mpesaReceipt,
      String transactionDate,
      String accountReference,
      String transactionId) {

    /** A pay-bill payment of {@code amount} ("18000.0") to {@code businessNumber} for account {@code serial}. */
    // field names and order:
    // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/dto/mpesapaybill/v2/Transaction.java
    public static Payment payBill(
        String transactionId,
        String businessNumber,
        String serial,
        String amount,
        String msisdn,
        Instant paidAt) {
      return new Payment(
          amount,
          "Pay Bill",
          msisdn,
          "c-" + transactionId,
          "oc-" + transactionId,
          businessNumber,
          "R" + transactionId.replaceAll("[^A-Za-z0-9]", ""),
          VodacomTzSimulator.transactionDate(paidAt),
          serial,
          transactionId);
    }

    public Payment withAmount(String amount) {
      return new Payment(
          amount,
          commandId,
          initiator,
          conversationId,
          originatorConversationId,
          recipient,
          mpesaReceipt,
          transactionDate,
          accountReference,
          transactionId);
    }

    public Payment withAccountReference(String accountReference) {
      return new Payment(
          amount,
          commandId,
          initiator,
          conversationId,
          originatorConversationId,
          recipient,
          mpesaReceipt,
          transactionDate,
          accountReference,
          transactionId);
    }
  }

  /** "yyyy-MM-dd HH:mm:ss" in Dar es Salaam time, as the broker writes {@code transactionDate}. */
  // "2019-02-21 12:40:27": jnduke400/LipanasiGateway (docs sample) and MicroPowerManager's 2018
  // factory
  public static String transactionDate(Instant instant) {
    return VodacomTzTelcoAdapter.TRANSACTION_DATE.format(
        instant.atZone(VodacomTzTelcoAdapter.DAR_ES_SALAAM));
  }

  /** The broker's yyyyMMddHHmmss {@code timestamp}, Dar es Salaam time. */
  public static String timestamp(Instant instant) {
    return VodacomTzTelcoAdapter.TIMESTAMP.format(
        instant.atZone(VodacomTzTelcoAdapter.DAR_ES_SALAAM));
  }

  /** The request document for {@code payment}, stamped now, as the current production broker sends it. */
  public byte[] body(Payment payment) {
    return body(payment, Namespace.INFORWISE, BrokerPasswordDigest.BASE64_SHA256, null);
  }

  /** The request in a given namespace and spPassword form, with a {@code <resultURL>} when not null. */
  public byte[] body(
      Payment payment, Namespace namespace, BrokerPasswordDigest digest, String resultUrl) {
    String timestamp = timestamp(clock.instant());
    return body(
        payment,
        namespace,
        spId,
        digest.spPassword(spId, password, timestamp),
        timestamp,
        resultUrl);
  }

  /** The request document with the given credentials (tests send wrong ones). */
  public static byte[] body(Payment p, String spId, String spPassword, String timestamp) {
    return body(p, Namespace.INFORWISE, spId, spPassword, timestamp, null);
  }

  public static byte[] body(
      Payment p,
      Namespace namespace,
      String spId,
      String spPassword,
      String timestamp,
      String resultUrl) {
    StringBuilder xml = new StringBuilder(1024)
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append(
            namespace.uri == null
                ? "<mpesaBroker version=\"2.0\">\n"
                : "<mpesaBroker xmlns=\"" + namespace.uri + "\" version=\"2.0\">\n")
        .append("  <request>\n")
        .append("    <serviceProvider>\n");
    element(xml, "      ", "spId", spId);
    element(xml, "      ", "spPassword", spPassword);
    element(xml, "      ", "timestamp", timestamp);
    xml.append("    </serviceProvider>\n").append("    <transaction>\n");
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
    xml.append("    </transaction>\n");
    element(xml, "    ", "resultURL", resultUrl);
    xml.append("  </request>\n").append("</mpesaBroker>\n");
    return xml.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void element(StringBuilder xml, String indent, String name, String value) {
    if (value != null) {
      xml.append(indent)
          .append('<')
          .append(name)
          .append('>')
          .append(SafeXml.escape(value))
          .append("</")
          .append(name)
          .append(">\n");
    }
  }

  /** The one request of a payment, to the single URL. */
  public Future<HttpResponse<Buffer>> c2b(Payment payment) {
    return send(VodacomTzTelcoAdapter.C2B, body(payment));
  }

  /** The one request in a namespace and password form, with a result URL (null: none). */
  public Future<HttpResponse<Buffer>> c2b(
      Payment payment, Namespace namespace, BrokerPasswordDigest digest, String resultUrl) {
    return send(VodacomTzTelcoAdapter.C2B, body(payment, namespace, digest, resultUrl));
  }

  /** The same request to the old validation path (an alias of the single URL). */
  public Future<HttpResponse<Buffer>> validation(Payment payment) {
    return send(VodacomTzTelcoAdapter.VALIDATION, body(payment));
  }

  /** The same request to the old confirmation path (an alias of the single URL). */
  public Future<HttpResponse<Buffer>> confirmation(Payment payment) {
    return send(VodacomTzTelcoAdapter.CONFIRMATION, body(payment));
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

  // ------------------------------------------------------------------ the broker's result endpoint

  /** How the broker acknowledges a result; both are in the sources. */
  public enum AckStyle {
    /** responseCode 0, "Attempted successfully", serviceStatus Confirming / Cancelling. */
    // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/services/paybill/MpesaService.java
    // (processCallback)
    ATTEMPTED,
    /** responseCode = the result's code: 0 for a confirmation, 999 for a cancellation. */
    // EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php (sendResult)
    ECHO_CODE
  }

  /** One {@code <result>} the endpoint received, its fields as sent, and whether its credentials held. */
  public record ReceivedResult(
      String namespace,
      String spId,
      boolean passwordMatched,
      String resultType,
      String resultCode,
      String resultDesc,
      String serviceReceipt,
      String conversationId,
      String originatorConversationId,
      String transactionId,
      String initiator,
      String body) {}

  /**
   * The broker's result URL on loopback HTTPS: the TLS handshake requires a client certificate signed
   * by {@code clientCaPem}; each well-formed result is recorded and acknowledged.
   */
  public static final class ResultEndpoint {
    private final HttpServer server;
    private final String spId;
    private final String password;
    private final BrokerPasswordDigest digest;
    private final ConcurrentLinkedQueue<ReceivedResult> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile AckStyle style = AckStyle.ATTEMPTED;
    private volatile Function<ReceivedResult, String> answer;

    private ResultEndpoint(
        HttpServer server, String spId, String password, BrokerPasswordDigest digest) {
      this.server = server;
      this.spId = spId;
      this.password = password;
      this.digest = digest;
    }

    /** Starts on 127.0.0.1 (a free port) with the server's PEM certificate and key. */
    public static Future<ResultEndpoint> start(
        Vertx vertx,
        String serverCertPem,
        String serverKeyPem,
        String clientCaPem,
        String spId,
        String password,
        BrokerPasswordDigest digest) {
      HttpServerOptions options = new HttpServerOptions()
          .setSsl(true)
          .setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(new PemKeyCertOptions()
              .addCertValue(Buffer.buffer(serverCertPem))
              .addKeyValue(Buffer.buffer(serverKeyPem)))
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(clientCaPem)));
      ResultEndpoint[] self = new ResultEndpoint[1];
      HttpServer server =
          vertx.createHttpServer(options).requestHandler(req -> self[0].handle(req));
      self[0] = new ResultEndpoint(server, spId, password, digest);
      return server.listen(0, "127.0.0.1").map(s -> self[0]);
    }

    public String url() {
      return "https://127.0.0.1:" + server.actualPort() + "/iPG/c2b/result";
    }

    public List<ReceivedResult> received() {
      return List.copyOf(received);
    }

    /** Answers the next {@code n} results with HTTP 503 (the broker briefly down). */
    public void failNext(int n) {
      failNext.set(n);
    }

    public void ackStyle(AckStyle style) {
      this.style = style;
    }

    /** Answers each result with this document instead (a published acknowledgement replayed); null: the style. */
    public void answerWith(Function<ReceivedResult, String> answer) {
      this.answer = answer;
    }

    public Future<Void> close() {
      return server.close();
    }

    private void handle(HttpServerRequest req) {
      req.body().onSuccess(body -> {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          req.response().setStatusCode(503).end();
          return;
        }
        ReceivedResult r = parse(body.getBytes());
        if (r == null) {
          req.response().setStatusCode(400).end();
          return;
        }
        received.add(r);
        if (answer != null) {
          req.response().putHeader("Content-Type", "text/xml").end(answer.apply(r));
          return;
        }
        boolean confirm = "0".equals(r.resultCode());
        String code = style == AckStyle.ATTEMPTED ? "0" : r.resultCode();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + (r.namespace() == null
                ? "<mpesaBroker version=\"2.0\">"
                : "<mpesaBroker xmlns=\"" + r.namespace() + "\" version=\"2.0\">")
            + "<response>" + tag("conversationID", r.conversationId())
            + tag("originatorConversationID", r.originatorConversationId())
            + tag("responseCode", r.passwordMatched() ? code : "999")
            + tag(
                "responseDesc",
                r.passwordMatched() ? "Attempted successfully" : "Authentication failed")
            + tag("serviceStatus", confirm ? "Confirming" : "Cancelling")
            + tag("transactionID", r.transactionId()) + "</response></mpesaBroker>";
        req.response().putHeader("Content-Type", "text/xml").end(xml);
      });
    }

    private static String tag(String name, String value) {
      return value == null ? "" : "<" + name + ">" + SafeXml.escape(value) + "</" + name + ">";
    }

    private ReceivedResult parse(byte[] body) {
      try {
        DocumentBuilderFactory f = SafeXml.factory();
        Element root =
            f.newDocumentBuilder().parse(new ByteArrayInputStream(body)).getDocumentElement();
        String ns = root.getNamespaceURI();
        Element result = child(root, "result");
        Element sp = child(result, "serviceProvider");
        Element txn = child(result, "transaction");
        String timestamp = text(sp, "timestamp");
        String sentId = text(sp, "spId");
        String sentPassword = text(sp, "spPassword");
        boolean matched = spId.equals(sentId)
            && sentPassword != null
            && timestamp != null
            && digest.matches(sentPassword, spId, password, timestamp);
        return new ReceivedResult(
            ns,
            sentId,
            matched,
            text(txn, "resultType"),
            text(txn, "resultCode"),
            text(txn, "resultDesc"),
            text(txn, "serviceReceipt"),
            text(txn, "conversationID"),
            text(txn, "originatorConversationID"),
            text(txn, "transactionID"),
            text(txn, "initiator"),
            new String(body, StandardCharsets.UTF_8));
      } catch (Exception e) {
        return null;
      }
    }

    private static Element child(Element parent, String name) {
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && name.equals(e.getLocalName())) {
          return e;
        }
      }
      throw new IllegalArgumentException("no <" + name + ">");
    }

    private static String text(Element parent, String name) {
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && name.equals(e.getLocalName())) {
          return e.getTextContent().trim();
        }
      }
      return null;
    }
  }
}
