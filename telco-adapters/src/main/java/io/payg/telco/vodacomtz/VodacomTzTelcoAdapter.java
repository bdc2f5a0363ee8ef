package io.payg.telco.vodacomtz;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.safaricom.SourceAllowList;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Vodacom M-Pesa Tanzania through the M-Pesa broker ("mpesaBroker" 2.0, C2B). As the broker sees it,
 * one payment is three legs:
 * <ol>
 *   <li>the broker POSTs one {@code <mpesaBroker><request>} to the merchant's ONE URL
 *       ({@code POST /api/v1/telco/vodacom-tz/{companyId}/c2b}; {@code .../validation} and
 *       {@code .../confirmation} are aliases of it, kept for URLs registered before);</li>
 *   <li>the merchant answers {@code <response>} at once: the ids echoed, responseCode 0, "Received",
 *       serviceStatus "Success" — an acknowledgement of receipt, not of the payment;</li>
 *   <li>the merchant POSTs {@code <result>} (resultCode 0 = confirm, 999 = cancel) to the broker's
 *       result URL over TLS with a Vodacom-issued client certificate, and the broker acknowledges
 *       it. The gateway does this leg from its outbox ({@link VodacomTzBrokerResult}).</li>
 * </ol>
 * <pre>
 * &lt;mpesaBroker xmlns="http://inforwise.co.tz/broker/" version="2.0"&gt;   (or infowise, or no namespace)
 *   &lt;request&gt;
 *     &lt;serviceProvider&gt;&lt;spId/&gt;&lt;spPassword/&gt;
 *       &lt;timestamp&gt;yyyyMMddHHmmss&lt;/timestamp&gt;&lt;/serviceProvider&gt;
 *     &lt;transaction&gt;
 *       &lt;amount&gt;18000.0&lt;/amount&gt; &lt;commandID/&gt; &lt;initiator&gt;payer&lt;/initiator&gt;
 *       &lt;conversationID/&gt;
 *       &lt;originatorConversationID/&gt; &lt;recipient&gt;business number&lt;/recipient&gt; &lt;mpesaReceipt/&gt;
 *       &lt;transactionDate&gt;2019-02-21 12:40:27&lt;/transactionDate&gt;
 *       &lt;accountReference&gt;serial&lt;/accountReference&gt;
 *       &lt;transactionID/&gt;
 *     &lt;/transaction&gt;
 *     &lt;resultURL&gt;https://...&lt;/resultURL&gt;   (sometimes)
 *   &lt;/request&gt;
 * &lt;/mpesaBroker&gt;
 * </pre>
 * Sources (each fact below names its own):
 * EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php (2018),
 * jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/services/paybill/MpesaService.java,
 * /work/shared/spec/providers.md.
 *
 * <p><b>Plugin settings</b> (README, "Vodacom M-Pesa Tanzania"): {@code username} (spId), {@code password},
 * {@code passwordDigest} ({@link BrokerPasswordDigest}, default {@code base64-sha256}),
 * {@code allowedSources}, {@code businessNumber} (optional), {@code timestampWindowSeconds} (default 300),
 * {@code timestampTimeZone} (default Africa/Dar_es_Salaam); the result leg's settings are read by the
 * gateway's result job ({@link VodacomTzBrokerResult}).
 *
 * <p><b>What is refused, kept or booked.</b> Unreadable XML, a DOCTYPE, another root or namespace, a
 * wrong spId, a timestamp outside the window, another business number, another currency, a bad
 * amount or transaction id: {@link TelcoCall.Rejected}, answered 999, nothing stored. A request whose
 * spPassword does not match the configured form, or that comes from an address not in
 * allowedSources (but not both), may be a genuine payment refused by a wrong guess:
 * {@link TelcoCall.Unbookable} with authenticated=false (kept, flagged, answered with the refusal).
 * An empty or unusable account reference: Unbookable, authenticated. Everything else is a
 * {@link TelcoCall.Process}; the money moved ({@link #confirmsMovedMoney}), so what the gateway
 * cannot book is kept and answered "Received" ({@link #keptAnswer}): its result leg says 999.
 */
public final class VodacomTzTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "vodacom-tz";
  /** The one URL the broker posts to. */
  public static final String C2B = "c2b";
  /** Aliases of {@link #C2B} (URLs registered with the broker before the single-URL flow). */
  public static final String VALIDATION = "validation";

  public static final String CONFIRMATION = "confirmation";
  static final Set<String> OPERATIONS = Set.of(C2B, VALIDATION, CONFIRMATION);

  public static final String SETTING_USERNAME = "username";
  public static final String SETTING_PASSWORD = "password";
  /** {@link BrokerPasswordDigest#setting}: how spPassword is computed. */
  public static final String SETTING_PASSWORD_DIGEST = "passwordDigest";

  public static final String SETTING_ALLOWED_SOURCES = "allowedSources";
  public static final String SETTING_BUSINESS_NUMBER = "businessNumber";
  /** Seconds a request's timestamp may be away from the time of receipt (default 300). */
  public static final String SETTING_TIMESTAMP_WINDOW = "timestampWindowSeconds";
  /** The zone the broker writes timestamp and transactionDate in (default Africa/Dar_es_Salaam). */
  public static final String SETTING_TIMESTAMP_ZONE = "timestampTimeZone";

  /** The request's ids the broker expects back in the answer. */
  // EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php (confirm())
  static final List<String> ECHOED =
      List.of("conversationID", "originatorConversationID", "transactionID");
  /** Echo keys that are not answer fields: what the result leg needs of the request. */
  public static final String ECHO_NAMESPACE = "namespace";

  public static final String ECHO_RECEIPT = "mpesaReceipt";
  public static final String ECHO_INITIATOR = "initiator";
  public static final String ECHO_RESULT_URL = "resultURL";
  private static final int MAX_ECHO = 64;
  private static final int MAX_URL = 512;

  /** Current production integrations. */
  // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/dto/mpesapaybill/v2/MpesaBroker.java
  public static final String NAMESPACE = "http://inforwise.co.tz/broker/";
  /** The older spelling. */
  // EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php
  public static final String OLD_NAMESPACE = "http://infowise.co.tz/broker/";
  /** No namespace at all also occurs (shared/spec/providers.md); stands for it in echo. */
  public static final String NO_NAMESPACE = "";

  static final Set<String> NAMESPACES = Set.of(NAMESPACE, OLD_NAMESPACE);
  public static final String VERSION = "2.0";
  public static final String CURRENCY = "TZS";
  public static final ZoneId DAR_ES_SALAAM = ZoneId.of("Africa/Dar_es_Salaam");

  public static final String SUCCESS = "0";
  public static final String FAILURE = "999";
  /** The detail of the {@link Refusal#UNAUTHENTICATED} for a recipient not in businessNumber. */
  public static final String WRONG_BUSINESS_NUMBER =
      "recipient is not this company's business number";

  static final int MAX_BODY = 32 * 1024;
  static final int MAX_MSISDN = 64;
  private static final int MAX_REFERENCE = 128;

  public static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
  public static final DateTimeFormatter TRANSACTION_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern FOURTEEN_DIGITS = Pattern.compile("[0-9]{14}");
  private static final Pattern DATE_TIME =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final Pattern SP_PASSWORD =
      Pattern.compile("(<(?:[A-Za-z0-9_-]+:)?spPassword(?:\\s[^>]*)?>)(.*?)(</)", Pattern.DOTALL);
  private static final int MAX_CREDENTIAL = 512;

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public boolean isProcessOperation(String operation) {
    return operation != null && OPERATIONS.contains(operation);
  }

  /** The broker posts after the customer paid; the result leg, not the answer, confirms or cancels. */
  @Override
  public boolean confirmsMovedMoney(String operation) {
    return isProcessOperation(operation);
  }

  /**
   * A payment kept unbooked is still received: the answer acknowledges receipt, and the decision (999)
   * travels in the result leg, as the integrations do on a failed payment.
   */
  // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/rest/PayBillCollectionController.java
  // (handleC2BTransaction: getMpesaBroker + sendCallback failed)
  @Override
  public TelcoResponse keptAnswer(Refusal refusal, String detail, Map<String, String> echo) {
    return answer(200, null, SUCCESS, "Received", "Success", echo);
  }

  /** The kept body without the spPassword (a digest that, with the timestamp, proves the password). */
  @Override
  public String redactedBody(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return SP_PASSWORD.matcher(text).replaceAll("$1[redacted]$3");
  }

  @Override
  public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    if (request == null || !isProcessOperation(request.operation())) {
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST,
          "unknown operation: the M-Pesa broker posts to .../c2b",
          false);
    }
    Map<String, String> echo = new LinkedHashMap<>(); // filled as soon as the XML is read
    try {
      return decode(request, currency, settings == null ? Map.of() : settings, echo);
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), true, echo);
    } catch (RuntimeException e) {
      // never thrown by design; a request must never take the gateway down with it
      return new TelcoCall.Rejected(
          Refusal.MALFORMED_REQUEST, "the request could not be read", true, echo);
    }
  }

  private TelcoCall decode(
      TelcoRequest request,
      String currency,
      Map<String, String> settings,
      Map<String, String> echo) {
    String username = settings.get(SETTING_USERNAME);
    String password = settings.getOrDefault(SETTING_PASSWORD, "");
    BrokerPasswordDigest digest =
        BrokerPasswordDigest.fromSetting(settings.get(SETTING_PASSWORD_DIGEST));
    String allowed = settings.get(SETTING_ALLOWED_SOURCES);
    ZoneId zone = zone(settings);
    if (username == null
        || username.isBlank()
        || allowed == null
        || allowed.isBlank()
        || digest == null
        || zone == null
        || digest != BrokerPasswordDigest.UNCHECKED && password.isEmpty()) {
      throw new Rejection(
          Refusal.UNAUTHENTICATED,
          "username, password, passwordDigest, timestampTimeZone or allowedSources is missing or unknown");
    }
    boolean sourceOk = SourceAllowList.allows(allowed, request.remoteAddress());
    if (!xmlContentType(request.header("content-type"))) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, "the content type must be text/xml or application/xml");
    }
    byte[] body = request.body();
    if (body == null || body.length == 0) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, "the body is empty: an mpesaBroker request was expected");
    }
    if (body.length > MAX_BODY) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, "the body is too large for an mpesaBroker request");
    }
    Document document = SafeXml.parse(body);
    Element root = document.getDocumentElement();
    String ns = root.getNamespaceURI();
    // the three spellings seen in production: inforwise, infowise, none
    if (!"mpesaBroker".equals(root.getLocalName()) || !(ns == null || NAMESPACES.contains(ns))) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST,
          "the root element must be mpesaBroker in the broker's namespace");
    }
    echo.put(ECHO_NAMESPACE, ns == null ? NO_NAMESPACE : ns);
    Element req = SafeXml.child(root, ns, "request");
    if (req == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<request> is required");
    }
    Element txn = SafeXml.child(req, ns, "transaction");
    if (txn != null) {
      for (String id :
          List.of("conversationID", "originatorConversationID", "transactionID", ECHO_RECEIPT)) {
        String value = SafeXml.text(txn, ns, id);
        if (value != null
            && value.length() <= MAX_ECHO
            && !CONTROL.matcher(value).find()) {
          echo.put(id, value);
        }
      }
    }
    // resultURL sits in the request (sometimes in the transaction): where the result leg goes
    String resultUrl = SafeXml.text(req, ns, "resultURL");
    if (resultUrl == null && txn != null) {
      resultUrl = SafeXml.text(txn, ns, "resultURL");
    }
    if (resultUrl != null
        && !resultUrl.isEmpty()
        && resultUrl.length() <= MAX_URL
        && !CONTROL.matcher(resultUrl).find()) {
      echo.put(ECHO_RESULT_URL, resultUrl);
    }
    Element sp = SafeXml.child(req, ns, "serviceProvider");
    boolean passwordOk = credentials(sp, ns, username.trim(), password, digest);
    if (!sourceOk && !passwordOk) {
      throw new Rejection(
          Refusal.UNAUTHENTICATED, "neither the source address nor spPassword is accepted");
    }
    fresh(sp, ns, request.receivedAt(), window(settings), zone);
    if (txn == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<transaction> is required");
    }
    String businessNumbers = settings.get(SETTING_BUSINESS_NUMBER);
    if (businessNumbers != null && !businessNumbers.isBlank()) {
      String recipient = SafeXml.text(txn, ns, "recipient");
      if (recipient == null || !listed(businessNumbers, recipient)) {
        throw new Rejection(Refusal.UNAUTHENTICATED, WRONG_BUSINESS_NUMBER);
      }
    }
    if (!CURRENCY.equals(currency)) {
      throw new Rejection(
          Refusal.WRONG_CURRENCY,
          "M-Pesa Tanzania pays in TZS; the company's currency is " + currency);
    }
    String sentCurrency = SafeXml.text(txn, ns, "currency");
    if (sentCurrency != null && !CURRENCY.equals(sentCurrency.toUpperCase(Locale.ROOT))) {
      throw new Rejection(Refusal.WRONG_CURRENCY, "the payment is not in TZS");
    }
    String amountText = SafeXml.text(txn, ns, "amount");
    Money amount = null;
    Rejection unreadable = null;
    try {
      if (amountText == null) {
        throw new Rejection(Refusal.MALFORMED_REQUEST, "<amount> is required");
      }
      // "18000.0": a decimal string in shillings
      // (jnduke400/LipanasiGateway:.../dto/mpesapaybill/v2/Transaction.java, BigDecimal amount)
      amount = Money.of(
          DecimalAmount.minorUnits("amount", amountText, DecimalAmount.fractionDigits(CURRENCY)),
          CURRENCY);
    } catch (Rejection e) {
      unreadable = e;
    }
    String msisdn = msisdn(SafeXml.text(txn, ns, "initiator"));
    if (msisdn != null) {
      echo.put(ECHO_INITIATOR, msisdn);
    }
    String transactionId = SafeXml.text(txn, ns, "transactionID");
    if (transactionId == null || !TRANSACTION_ID.matcher(transactionId).matches()) {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST,
          "<transactionID> is required: letters, digits, '.', '_', ':' or '-', up to 64");
    }
    Instant paidAt =
        transactionDate(SafeXml.text(txn, ns, "transactionDate"), request.receivedAt(), zone);
    String typedReference = SafeXml.text(txn, ns, "accountReference");
    // typed by hand: surrounding spaces are not part of the serial (io.payg.domain.Serial)
    String reference = typedReference == null ? null : typedReference.strip();
    if (unreadable != null) {
      if (!sourceOk || !passwordOk) {
        throw unreadable; // nothing unreadable is kept from a request that failed a rule
      }
      // the broker says the money moved: kept without an amount, answered "Received", and the
      // result leg cancels it (999), as for any payment that cannot be booked
      // (jnduke400/LipanasiGateway PayBillCollectionController.sendCallback "failed")
      String typed =
          reference == null ? "" : clip(CONTROL.matcher(reference).replaceAll(""), MAX_REFERENCE);
      return TelcoCall.Unbookable.amountUnreadable(
          new PaymentCommand(transactionId, typed, Money.zero(CURRENCY), msisdn, paidAt),
          unreadable.getMessage(),
          echo);
    }
    if (reference == null || !SERIAL.matcher(reference).matches()) {
      // the money moved: keep it with what the payer typed, for an operator
      String typed =
          reference == null ? "" : clip(CONTROL.matcher(reference).replaceAll(""), MAX_REFERENCE);
      PaymentCommand kept = new PaymentCommand(transactionId, typed, amount, msisdn, paidAt);
      if (!sourceOk || !passwordOk) {
        return new TelcoCall.Unbookable(
            kept, Refusal.UNAUTHENTICATED, unauthenticated(sourceOk), false, true, echo);
      }
      return new TelcoCall.Unbookable(
          kept,
          Refusal.DEVICE_NOT_FOUND,
          "<accountReference> is not a serial: up to 64 letters, digits, '.', '_' or '-'",
          true,
          true,
          echo);
    }
    PaymentCommand command = new PaymentCommand(transactionId, reference, amount, msisdn, paidAt);
    if (!sourceOk || !passwordOk) {
      // one rule failed, the other held: perhaps a genuine payment refused by a wrong guess (a new
      // broker
      // address, another spPassword form): kept, flagged, never booked without an operator
      return new TelcoCall.Unbookable(
          command, Refusal.UNAUTHENTICATED, unauthenticated(sourceOk), false, true, echo);
    }
    return new TelcoCall.Process(command, echo);
  }

  private static String unauthenticated(boolean sourceOk) {
    return sourceOk
        ? "spPassword does not match the configured passwordDigest form"
        : "the source address is not in allowedSources (spPassword matched)";
  }

  /**
   * spId must equal the username (else the call is refused outright); answers whether spPassword
   * matches the configured form. Compared in constant time.
   */
  private static boolean credentials(
      Element serviceProvider,
      String ns,
      String username,
      String password,
      BrokerPasswordDigest digest) {
    if (serviceProvider == null) {
      throw new Rejection(
          Refusal.UNAUTHENTICATED, "<serviceProvider> with spId and spPassword is required");
    }
    String spId = SafeXml.text(serviceProvider, ns, "spId");
    String spPassword = SafeXml.text(serviceProvider, ns, "spPassword");
    String timestamp = SafeXml.text(serviceProvider, ns, "timestamp");
    if (spId == null || spId.isEmpty()) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "spId is required");
    }
    if (spId.length() > MAX_CREDENTIAL
        || spPassword != null && spPassword.length() > MAX_CREDENTIAL
        || timestamp != null && timestamp.length() > MAX_CREDENTIAL) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "spId, spPassword or timestamp is too long");
    }
    if (!MessageDigest.isEqual(
        username.getBytes(StandardCharsets.UTF_8), spId.getBytes(StandardCharsets.UTF_8))) {
      throw new Rejection(
          Refusal.UNAUTHENTICATED, "spId is not this company's service provider id");
    }
    if (digest == BrokerPasswordDigest.UNCHECKED) {
      return true;
    }
    return spPassword != null
        && !spPassword.isEmpty()
        && timestamp != null
        && digest.matches(spPassword, username, password, timestamp);
  }

  /**
   * Replay protection: the broker's {@code timestamp} (yyyyMMddHHmmss, in the configured zone) must be
   * within {@code window} of the time the gateway received the call, either way.
   */
  private static void fresh(
      Element serviceProvider, String ns, Instant receivedAt, Duration window, ZoneId zone) {
    String timestamp =
        serviceProvider == null ? null : SafeXml.text(serviceProvider, ns, "timestamp");
    if (timestamp == null || !FOURTEEN_DIGITS.matcher(timestamp).matches()) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "<timestamp> yyyyMMddHHmmss is required");
    }
    Instant sent;
    try {
      sent = LocalDateTime.parse(timestamp, TIMESTAMP).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "<timestamp> is not a valid time");
    }
    if (Duration.between(sent, receivedAt).abs().compareTo(window) > 0) {
      throw new Rejection(
          Refusal.UNAUTHENTICATED,
          "<timestamp> is outside the " + window.toSeconds() + " s window");
    }
  }

  private static Duration window(Map<String, String> settings) {
    try {
      long seconds =
          Long.parseLong(settings.getOrDefault(SETTING_TIMESTAMP_WINDOW, "300").trim());
      return Duration.ofSeconds(seconds > 0 ? seconds : 300);
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(300);
    }
  }

  /** The configured zone of timestamps, Dar es Salaam by default; null when the setting is not a zone. */
  public static ZoneId zone(Map<String, String> settings) {
    String value = settings.get(SETTING_TIMESTAMP_ZONE);
    if (value == null || value.isBlank()) {
      return DAR_ES_SALAAM;
    }
    try {
      return ZoneId.of(value.trim());
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The broker's spPassword in the default form: Base64(raw SHA-256(spId + password + timestamp)). */
  public static String spPassword(String spId, String password, String timestamp) {
    return BrokerPasswordDigest.BASE64_SHA256.spPassword(spId, password, timestamp);
  }

  static boolean xmlContentType(String header) {
    if (header == null) {
      return false;
    }
    int semicolon = header.indexOf(';');
    String type =
        (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.equals("text/xml") || type.equals("application/xml");
  }

  private static boolean listed(String commaSeparated, String value) {
    for (String entry : commaSeparated.split(",", 64)) {
      if (entry.trim().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String clip(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }

  private static String msisdn(String initiator) {
    if (initiator == null
        || initiator.isEmpty()
        || initiator.length() > MAX_MSISDN
        || CONTROL.matcher(initiator).find()) {
      return null;
    }
    return initiator;
  }

  private static Instant transactionDate(String text, Instant receivedAt, ZoneId zone) {
    if (text == null || text.isEmpty()) {
      return receivedAt;
    }
    DateTimeFormatter format;
    if (FOURTEEN_DIGITS.matcher(text).matches()) {
      format = TIMESTAMP;
    } else if (DATE_TIME.matcher(text).matches()) {
      format = TRANSACTION_DATE;
    } else {
      throw new Rejection(
          Refusal.MALFORMED_REQUEST, "<transactionDate> must be yyyy-MM-dd HH:mm:ss");
    }
    try {
      return LocalDateTime.parse(text, format).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<transactionDate> is not a valid time");
    }
  }

  // ---------------------------------------------------------------- answers

  /** The broker never validates (one request per payment); kept for the port, answered like a receipt. */
  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    return validationAnswer(outcome, Map.of());
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome, Map<String, String> echo) {
    if (!outcome.valid()) {
      return refusal(outcome.refusal(), null, false, echo);
    }
    return answer(200, null, SUCCESS, "Accepted", "Success", echo);
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    return processAnswer(receipt, Map.of());
  }

  /** Booked or replayed: the receipt acknowledged at once; the confirmation itself is the result leg. */
  // EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php
  // (confirm(): 0, Received, Success)
  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt, Map<String, String> echo) {
    return answer(
        200,
        receipt == null ? null : receipt.transactionId(),
        SUCCESS,
        "Received",
        "Success",
        echo);
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    return refusal(refusal, detail, processCall, Map.of());
  }

  @Override
  public TelcoResponse refusal(
      Refusal refusal, String detail, boolean processCall, Map<String, String> echo) {
    int status = switch (refusal) {
      case UNAUTHENTICATED -> 401;
      case PROVIDER_NOT_ENABLED -> 403;
      default -> 200;
    };
    // the detail is for logs: it is never sent back
    return answer(status, null, FAILURE, description(refusal), "Failed", echo);
  }

  /** The responseDesc of a refusal: fixed text, never derived from the request. */
  public static String description(Refusal refusal) {
    return switch (refusal) {
      case MALFORMED_REQUEST -> "Malformed request";
      case UNAUTHENTICATED -> "Authentication failed";
      case PROVIDER_NOT_ENABLED -> "Service not enabled";
      case DEVICE_NOT_FOUND -> "Invalid account reference";
      case WRONG_CURRENCY -> "Invalid currency";
      case INVALID_AMOUNT -> "Invalid amount";
      case AMOUNT_BELOW_MINIMUM -> "Amount below the minimum payment";
      case DUPLICATE_TRANSACTION -> "Duplicate transaction";
    };
  }

  /** The root's opening tag in the namespace the broker used (echo), inforwise when it is not known. */
  static String root(Map<String, String> echo) {
    String ns = echo.getOrDefault(ECHO_NAMESPACE, NAMESPACE);
    return ns.isEmpty()
        ? "<mpesaBroker version=\"" + VERSION + "\">"
        : "<mpesaBroker xmlns=\"" + ns + "\" version=\"" + VERSION + "\">";
  }

  private static TelcoResponse answer(
      int status,
      String serviceId,
      String code,
      String description,
      String serviceStatus,
      Map<String, String> echo) {
    StringBuilder xml = new StringBuilder(256)
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append(root(echo))
        .append("<response>");
    // the broker's own ids, exactly as it sent them (escaped), so it can match the answer
    for (String id : List.of("conversationID", "originatorConversationID")) {
      if (echo.containsKey(id)) {
        xml.append('<')
            .append(id)
            .append('>')
            .append(SafeXml.escape(echo.get(id)))
            .append("</")
            .append(id)
            .append('>');
      }
    }
    if (serviceId != null && !serviceId.isEmpty()) {
      xml.append("<serviceID>").append(SafeXml.escape(serviceId)).append("</serviceID>");
    }
    xml.append("<responseCode>")
        .append(code)
        .append("</responseCode>")
        .append("<responseDesc>")
        .append(SafeXml.escape(description))
        .append("</responseDesc>")
        .append("<serviceStatus>")
        .append(serviceStatus)
        .append("</serviceStatus>");
    if (echo.containsKey("transactionID")) {
      xml.append("<transactionID>")
          .append(SafeXml.escape(echo.get("transactionID")))
          .append("</transactionID>");
    }
    xml.append("</response></mpesaBroker>");
    return TelcoResponse.xml(status, xml.toString());
  }
}
