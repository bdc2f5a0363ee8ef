package io.payg.telco.vodacom;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
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
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Vodacom M-Pesa Tanzania through the M-Pesa broker (the "mpesaBroker" XML interface, version
 * 2.0): the customer pays the company's business number from the phone with the device serial as
 * the account reference, and the broker posts XML to our validation URL (may we take it?) and,
 * once the money moved, to our confirmation URL. Both carry the same document:
 * <pre>
 * POST /api/v1/telco/vodacom-tz/{companyId}/validation     → TelcoCall.Validate
 * POST /api/v1/telco/vodacom-tz/{companyId}/confirmation   → TelcoCall.Process
 * Content-Type: text/xml (or application/xml)
 * &lt;?xml version="1.0" encoding="UTF-8"?&gt;
 * &lt;mpesaBroker xmlns="http://infowise.co.tz/broker/" version="2.0"&gt;
 *   &lt;request&gt;
 *     &lt;serviceProvider&gt;
 *       &lt;spId&gt;300300&lt;/spId&gt;
 *       &lt;spPassword&gt;Base64(SHA-256(spId + password + timestamp))&lt;/spPassword&gt;
 *       &lt;timestamp&gt;20260116083000&lt;/timestamp&gt;
 *     &lt;/serviceProvider&gt;
 *     &lt;transaction&gt;
 *       &lt;amount&gt;5000.00&lt;/amount&gt;  &lt;commandID&gt;customerPayBill&lt;/commandID&gt;
 *       &lt;initiator&gt;255754123456&lt;/initiator&gt;  &lt;conversationID&gt;..&lt;/conversationID&gt;
 *       &lt;originatorConversationID&gt;..&lt;/originatorConversationID&gt;  &lt;recipient&gt;123456&lt;/recipient&gt;
 *       &lt;mpesaReceipt&gt;8AB12CD3EF&lt;/mpesaReceipt&gt;  &lt;transactionDate&gt;2026-01-16 08:30:00&lt;/transactionDate&gt;
 *       &lt;accountReference&gt;SN-0001&lt;/accountReference&gt;  &lt;transactionID&gt;173388288_664400&lt;/transactionID&gt;
 *     &lt;/transaction&gt;
 *     &lt;resultURL&gt;..&lt;/resultURL&gt;   (optional, ignored)
 *   &lt;/request&gt;
 * &lt;/mpesaBroker&gt;
 * </pre>
 *
 * <b>Plugin settings</b>
 * <ul>
 *   <li>{@code username} (required): the service provider id the broker sends as {@code spId};</li>
 *   <li>{@code password} (required): the service provider password. The broker's
 *       {@code spPassword} is accepted as Base64(SHA-256(spId + password + timestamp)) — the
 *       digest's bytes, or its lower-case hex text, both seen in broker integrations — or as
 *       the password itself. Every comparison is constant-time;</li>
 *   <li>{@code allowedSources} (required): comma-separated addresses and CIDR blocks the broker
 *       calls from ({@link SourceAllowList}); missing or empty refuses every call;</li>
 *   <li>{@code businessNumber} (optional): comma-separated business (pay-bill) numbers; when set,
 *       a {@code recipient} not listed is refused.</li>
 * </ul>
 * Any of username, password or allowedSources missing refuses every call (fail closed).
 *
 * <p><b>Parsing.</b> At most {@value #MAX_BODY} bytes, parsed by {@link SafeXml}: a DOCTYPE of any
 * kind is refused, so no entity is ever defined, expanded or fetched (billion laughs and XXE are
 * malformed requests, answered without reading anything); no XInclude; secure processing on.
 * The root is {@code mpesaBroker} in the broker's namespace (or none); fields are leaf elements
 * appearing at most once; unknown elements are ignored. Only the broker's ids are echoed (below).
 *
 * <p><b>Decoding.</b> The source address first, then the content type (text/xml or
 * application/xml, parameters ignored), then the XML, then spId / spPassword. The currency is
 * TZS (a company in another currency refuses everything; an optional {@code currency} element
 * must say TZS). {@code amount} is a decimal string in shillings ("5000", "5000.00") turned exactly
 * into minor units. {@code accountReference} is the serial (invalid or absent:
 * {@link Refusal#DEVICE_NOT_FOUND}). {@code initiator} is the payer's number, kept when printable
 * and at most 64 characters. A confirmation needs {@code transactionID}, the idempotency key; its
 * {@code transactionDate} ("yyyy-MM-dd HH:mm:ss" or "yyyyMMddHHmmss", Dar es Salaam time) is
 * {@code paidAt}, the time of receipt when absent.
 *
 * <p><b>Answers</b>, in the broker's response shape:
 * <pre>
 * &lt;mpesaBroker xmlns="http://infowise.co.tz/broker/" version="2.0"&gt;&lt;response&gt;
 *   [&lt;serviceID&gt;gateway transaction id&lt;/serviceID&gt;]  &lt;responseCode&gt;0 | 999&lt;/responseCode&gt;
 *   &lt;responseDesc&gt;..&lt;/responseDesc&gt;  &lt;serviceStatus&gt;Success | Failed&lt;/serviceStatus&gt;
 * &lt;/response&gt;&lt;/mpesaBroker&gt;
 * </pre>
 * 0 / Success: validation accepted ("Accepted"), confirmation recorded or replayed ("Received",
 * with our transaction id as serviceID). 999 / Failed: every refusal, on either endpoint, with a
 * fixed description per {@link Refusal} ({@link #description}); HTTP 200, except 401 for
 * {@link Refusal#UNAUTHENTICATED} and 403 for {@link Refusal#PROVIDER_NOT_ENABLED}. Every answer
 * echoes the request's {@code conversationID} and {@code originatorConversationID} (before
 * {@code responseCode}) and {@code transactionID} (last), exactly as sent (XML-escaped; left out
 * when absent, over 64 characters or unprintable), through {@link TelcoCall#echo()}.
 *
 * <p><b>Replay protection</b>: the {@code timestamp} of serviceProvider is required and must be
 * within {@code timestampWindowSeconds} (setting, default 300) of the time of receipt, either way;
 * otherwise {@link Refusal#UNAUTHENTICATED}.
 */
public final class VodacomBrokerTelcoAdapter implements TelcoAdapter {

  public static final String NAME = "vodacom-tz";
  public static final String VALIDATION = "validation";
  public static final String CONFIRMATION = "confirmation";

  public static final String SETTING_USERNAME = "username";
  public static final String SETTING_PASSWORD = "password";
  public static final String SETTING_ALLOWED_SOURCES = "allowedSources";
  public static final String SETTING_BUSINESS_NUMBER = "businessNumber";
  /** Seconds a request's timestamp may be away from the time of receipt (default 300). */
  public static final String SETTING_TIMESTAMP_WINDOW = "timestampWindowSeconds";
  /** The request's ids the broker expects back in the answer, in the answer's order. */
  static final List<String> ECHOED = List.of("conversationID", "originatorConversationID", "transactionID");
  private static final int MAX_ECHO = 64;

  /** The broker's XML namespace. */
  public static final String NAMESPACE = "http://infowise.co.tz/broker/";
  public static final String VERSION = "2.0";
  public static final String CURRENCY = "TZS";
  public static final ZoneId DAR_ES_SALAAM = ZoneId.of("Africa/Dar_es_Salaam");

  public static final String SUCCESS = "0";
  public static final String FAILURE = "999";
  /** The detail of the {@link Refusal#UNAUTHENTICATED} for a recipient not in businessNumber. */
  public static final String WRONG_BUSINESS_NUMBER = "recipient is not this company's business number";

  static final int MAX_BODY = 32 * 1024;
  static final int MAX_MSISDN = 64;

  static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
  static final DateTimeFormatter TRANSACTION_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern FOURTEEN_DIGITS = Pattern.compile("[0-9]{14}");
  private static final Pattern DATE_TIME = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final int MAX_CREDENTIAL = 512;

  @Override
  public String provider() {
    return NAME;
  }

  @Override
  public boolean isProcessOperation(String operation) {
    return CONFIRMATION.equals(operation);
  }

  @Override
  public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
    boolean process = request != null && CONFIRMATION.equals(request.operation());
    if (request == null || !process && !VALIDATION.equals(request.operation())) {
      return new TelcoCall.Rejected(Refusal.MALFORMED_REQUEST,
          "unknown operation: the M-Pesa broker calls .../validation and .../confirmation", false);
    }
    Map<String, String> echo = new LinkedHashMap<>(); // filled as soon as the XML is read
    try {
      return decode(request, currency, settings == null ? Map.of() : settings, process, echo);
    } catch (Rejection e) {
      return new TelcoCall.Rejected(e.refusal, e.getMessage(), process, echo);
    } catch (RuntimeException e) {
      // never thrown by design; a request must never take the gateway down with it
      return new TelcoCall.Rejected(Refusal.MALFORMED_REQUEST, "the request could not be read", process, echo);
    }
  }

  private TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings, boolean process,
                           Map<String, String> echo) {
    if (!SourceAllowList.allows(settings.get(SETTING_ALLOWED_SOURCES), request.remoteAddress())) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "the source address is not in allowedSources");
    }
    String username = settings.get(SETTING_USERNAME);
    String password = settings.get(SETTING_PASSWORD);
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "username and password are not configured");
    }
    if (!xmlContentType(request.header("content-type"))) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "the content type must be text/xml or application/xml");
    }
    byte[] body = request.body();
    if (body == null || body.length == 0) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "the body is empty: an mpesaBroker request was expected");
    }
    if (body.length > MAX_BODY) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "the body is too large for an mpesaBroker request");
    }
    Document document = SafeXml.parse(body);
    Element root = document.getDocumentElement();
    String ns = root.getNamespaceURI();
    if (!"mpesaBroker".equals(root.getLocalName()) || !(ns == null || NAMESPACE.equals(ns))) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "the root element must be mpesaBroker");
    }
    Element req = SafeXml.child(root, ns, "request");
    if (req == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<request> is required");
    }
    Element txn = SafeXml.child(req, ns, "transaction");
    if (txn != null) {
      for (String id : ECHOED) {
        String value = SafeXml.text(txn, ns, id);
        if (value != null && value.length() <= MAX_ECHO && !CONTROL.matcher(value).find()) {
          echo.put(id, value);
        }
      }
    }
    authenticate(SafeXml.child(req, ns, "serviceProvider"), ns, username.trim(), password);
    fresh(SafeXml.child(req, ns, "serviceProvider"), ns, request.receivedAt(), window(settings));
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
      throw new Rejection(Refusal.WRONG_CURRENCY, "M-Pesa Tanzania pays in TZS; the company's currency is " + currency);
    }
    String sentCurrency = SafeXml.text(txn, ns, "currency");
    if (sentCurrency != null && !CURRENCY.equals(sentCurrency.toUpperCase(Locale.ROOT))) {
      throw new Rejection(Refusal.WRONG_CURRENCY, "the payment is not in TZS");
    }
    String serial = serial(SafeXml.text(txn, ns, "accountReference"));
    String amountText = SafeXml.text(txn, ns, "amount");
    if (amountText == null) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<amount> is required");
    }
    Money amount = Money.of(DecimalAmount.minorUnits("amount", amountText, DecimalAmount.fractionDigits(CURRENCY)),
        CURRENCY);
    String msisdn = msisdn(SafeXml.text(txn, ns, "initiator"));
    if (!process) {
      return new TelcoCall.Validate(new PaymentQuery(serial, amount, msisdn), echo);
    }
    String transactionId = SafeXml.text(txn, ns, "transactionID");
    if (transactionId == null || !TRANSACTION_ID.matcher(transactionId).matches()) {
      throw new Rejection(Refusal.MALFORMED_REQUEST,
          "<transactionID> is required: letters, digits, '.', '_', ':' or '-', up to 64");
    }
    Instant paidAt = transactionDate(SafeXml.text(txn, ns, "transactionDate"), request.receivedAt());
    return new TelcoCall.Process(new PaymentCommand(transactionId, serial, amount, msisdn, paidAt), echo);
  }

  /**
   * Replay protection: the broker's {@code timestamp} (yyyyMMddHHmmss, Dar es Salaam) must be
   * within {@code window} of the time the gateway received the call, either way. Without it a
   * captured request could be sent again at any time (the password digest is bound to it).
   */
  private static void fresh(Element serviceProvider, String ns, Instant receivedAt, Duration window) {
    String timestamp = serviceProvider == null ? null : SafeXml.text(serviceProvider, ns, "timestamp");
    if (timestamp == null || !FOURTEEN_DIGITS.matcher(timestamp).matches()) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "<timestamp> yyyyMMddHHmmss is required");
    }
    Instant sent;
    try {
      sent = LocalDateTime.parse(timestamp, TIMESTAMP).atZone(DAR_ES_SALAAM).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "<timestamp> is not a valid time");
    }
    if (Duration.between(sent, receivedAt).abs().compareTo(window) > 0) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "<timestamp> is outside the " + window.toSeconds() + " s window");
    }
  }

  private static Duration window(Map<String, String> settings) {
    try {
      long seconds = Long.parseLong(settings.getOrDefault(SETTING_TIMESTAMP_WINDOW, "300").trim());
      return Duration.ofSeconds(seconds > 0 ? seconds : 300);
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(300);
    }
  }

  /** spId equals the username and spPassword is one of the accepted forms; all compared in constant time. */
  private static void authenticate(Element serviceProvider, String ns, String username, String password) {
    if (serviceProvider == null) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "<serviceProvider> with spId and spPassword is required");
    }
    String spId = SafeXml.text(serviceProvider, ns, "spId");
    String spPassword = SafeXml.text(serviceProvider, ns, "spPassword");
    String timestamp = SafeXml.text(serviceProvider, ns, "timestamp");
    if (spId == null || spId.isEmpty() || spPassword == null || spPassword.isEmpty()) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "spId and spPassword are required");
    }
    if (spId.length() > MAX_CREDENTIAL || spPassword.length() > MAX_CREDENTIAL
        || timestamp != null && timestamp.length() > MAX_CREDENTIAL) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "spId, spPassword or timestamp is too long");
    }
    boolean userOk = equal(username, spId);
    byte[] given = spPassword.getBytes(StandardCharsets.UTF_8);
    // every form is computed and compared, whichever matches: no early exit to time
    boolean passwordOk = MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), given);
    if (timestamp != null && !timestamp.isEmpty()) {
      byte[] digest = sha256(username + password + timestamp);
      passwordOk |= MessageDigest.isEqual(Base64.getEncoder().encode(digest), given);
      passwordOk |= MessageDigest.isEqual(Base64.getEncoder().encode(
          HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII)), given);
    }
    if (!(userOk & passwordOk)) {
      throw new Rejection(Refusal.UNAUTHENTICATED, "spId or spPassword not accepted");
    }
  }

  /** The broker's spPassword for a call: Base64 of the SHA-256 digest of spId + password + timestamp. */
  public static String spPassword(String spId, String password, String timestamp) {
    return Base64.getEncoder().encodeToString(sha256(spId + password + timestamp));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean equal(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  static boolean xmlContentType(String header) {
    if (header == null) {
      return false;
    }
    int semicolon = header.indexOf(';');
    String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
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

  private static String serial(String typed) {
    // typed by hand: surrounding spaces are not part of the serial (io.payg.domain.Serial)
    String accountReference = typed == null ? null : typed.strip();
    if (accountReference == null || accountReference.isEmpty()) {
      throw new Rejection(Refusal.DEVICE_NOT_FOUND, "<accountReference> (the device serial) is empty");
    }
    if (!SERIAL.matcher(accountReference).matches()) {
      throw new Rejection(Refusal.DEVICE_NOT_FOUND,
          "<accountReference> is not a serial: up to 64 letters, digits, '.', '_' or '-'");
    }
    return accountReference;
  }

  private static String msisdn(String initiator) {
    if (initiator == null || initiator.isEmpty() || initiator.length() > MAX_MSISDN
        || CONTROL.matcher(initiator).find()) {
      return null;
    }
    return initiator;
  }

  private static Instant transactionDate(String text, Instant receivedAt) {
    if (text == null || text.isEmpty()) {
      return receivedAt;
    }
    DateTimeFormatter format;
    if (FOURTEEN_DIGITS.matcher(text).matches()) {
      format = TIMESTAMP;
    } else if (DATE_TIME.matcher(text).matches()) {
      format = TRANSACTION_DATE;
    } else {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<transactionDate> must be yyyy-MM-dd HH:mm:ss");
    }
    try {
      return LocalDateTime.parse(text, format).atZone(DAR_ES_SALAAM).toInstant();
    } catch (DateTimeException e) {
      throw new Rejection(Refusal.MALFORMED_REQUEST, "<transactionDate> is not a valid time");
    }
  }

  // ---------------------------------------------------------------- answers

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

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt, Map<String, String> echo) {
    return answer(200, receipt == null ? null : receipt.transactionId(), SUCCESS, "Received", "Success", echo);
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    return refusal(refusal, detail, processCall, Map.of());
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall, Map<String, String> echo) {
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

  private static TelcoResponse answer(int status, String serviceId, String code, String description,
                                      String serviceStatus, Map<String, String> echo) {
    StringBuilder xml = new StringBuilder(256)
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append("<mpesaBroker xmlns=\"").append(NAMESPACE).append("\" version=\"").append(VERSION).append("\">")
        .append("<response>");
    // the broker's own ids, exactly as it sent them (escaped), so it can match the answer
    for (String id : List.of("conversationID", "originatorConversationID")) {
      if (echo.containsKey(id)) {
        xml.append('<').append(id).append('>').append(SafeXml.escape(echo.get(id))).append("</").append(id).append('>');
      }
    }
    if (serviceId != null && !serviceId.isEmpty()) {
      xml.append("<serviceID>").append(SafeXml.escape(serviceId)).append("</serviceID>");
    }
    xml.append("<responseCode>").append(code).append("</responseCode>")
        .append("<responseDesc>").append(SafeXml.escape(description)).append("</responseDesc>")
        .append("<serviceStatus>").append(serviceStatus).append("</serviceStatus>");
    if (echo.containsKey("transactionID")) {
      xml.append("<transactionID>").append(SafeXml.escape(echo.get("transactionID"))).append("</transactionID>");
    }
    xml
        .append("</response></mpesaBroker>");
    return TelcoResponse.xml(status, xml.toString());
  }
}
