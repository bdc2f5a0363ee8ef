package io.payg.telco.simulator;

import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;

/**
 * The M-Pesa side of Daraja C2B, written from Safaricom's published page
 * (https://developer.safaricom.co.ke/apis/CustomerToBusinessRegisterURL, "Result Body"): it posts
 * the validation request (only when External Validation is enabled on the short code) and the
 * confirmation request, the same JSON, to the URLs registered for the short code. Tests and the
 * demo drive the gateway through it over real HTTP. The gateway checks the source address, so
 * run it from an address in the company's {@code allowedSources} (or send the forwarding headers
 * a trusted proxy would add, {@link #send(String, Buffer, Map)}).
 *
 * <p>Variants Daraja is known to send, each from its source:
 * <ul>
 *   <li>all fields as JSON strings, as the page's sample ({@link C2bPayment#body()});</li>
 *   <li>numeric fields as JSON numbers — the page's parameter table types TransAmount and MSISDN
 *       "Numeric" and OrgAccountBalance "Decimal" ({@link C2bPayment#numericBody()});</li>
 *   <li>a masked MSISDN, {@code 25470****149} (the page's sample, {@link #maskedMsisdn});</li>
 *   <li>a hashed MSISDN: lower-case hex SHA-256 of the number, sent to every short code from
 *       July 2024 under the Data Protection Act "data minimization"
 *       (https://decodehash.com/app/blogs/hashing-phone-numbers-by-safaricom,
 *       generator at https://hashdb.sevn.co.ke/docs; {@link #hashedMsisdn});</li>
 *   <li>a Buy Goods (till) payment: {@code TransactionType} "Buy Goods" and an empty
 *       {@code BillRefNumber}, "only applicable to Customer PayBill Transactions" (the page's table).</li>
 * </ul>
 */
public final class SafaricomSimulator {

  /** TransTime: "YYYYMMDDHHmmss e.g. 20170813154301" (the page's table), M-Pesa's clock is Nairobi's. */
  private static final DateTimeFormatter TRANS_TIME = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

  private static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");

  private final WebClient client;
  private final String baseUrl;

  /**
   * @param baseUrl e.g. http://127.0.0.1:8080/api/v1/telco/ke-c2b/{companyId}
   */
  public SafaricomSimulator(WebClient client, String baseUrl) {
    this.client = client;
    this.baseUrl = baseUrl;
  }

  /** One C2B payment, field for field as Daraja names them. */
  public record C2bPayment(
      String transactionType,
      String transId,
      String transTime,
      String transAmount,
      String businessShortCode,
      String billRefNumber,
      String invoiceNumber,
      String orgAccountBalance,
      String thirdPartyTransId,
      String msisdn,
      String firstName,
      String middleName,
      String lastName) {

    /** A pay-bill payment of {@code amount} ("500.00") to {@code shortCode} for account {@code serial}. */
    public static C2bPayment payBill(
        String transId,
        String shortCode,
        String serial,
        String amount,
        String msisdn,
        Instant paidAt) {
      return new C2bPayment(
          "Pay Bill",
          transId,
          SafaricomSimulator.transTime(paidAt),
          amount,
          shortCode,
          serial,
          "",
          "",
          "",
          msisdn,
          "John",
          "",
          "Doe");
    }

    /** A Buy Goods (till) payment: no account reference. */
    public static C2bPayment buyGoods(
        String transId, String tillNumber, String amount, String msisdn, Instant paidAt) {
      return new C2bPayment(
          "Buy Goods",
          transId,
          SafaricomSimulator.transTime(paidAt),
          amount,
          tillNumber,
          "",
          "",
          "",
          "",
          msisdn,
          "John",
          "",
          "Doe");
    }

    /** The confirmation carries the organisation's balance after the payment; validation an empty one. */
    public C2bPayment withOrgAccountBalance(String balance) {
      return new C2bPayment(
          transactionType,
          transId,
          transTime,
          transAmount,
          businessShortCode,
          billRefNumber,
          invoiceNumber,
          balance,
          thirdPartyTransId,
          msisdn,
          firstName,
          middleName,
          lastName);
    }

    public C2bPayment withMsisdn(String msisdn) {
      return new C2bPayment(
          transactionType,
          transId,
          transTime,
          transAmount,
          businessShortCode,
          billRefNumber,
          invoiceNumber,
          orgAccountBalance,
          thirdPartyTransId,
          msisdn,
          firstName,
          middleName,
          lastName);
    }

    /** The request body with every field a JSON string, in the page's order (its sample). */
    public Buffer body() {
      return json(false).toBuffer();
    }

    /**
     * The request body with TransAmount, OrgAccountBalance, BusinessShortCode, TransTime and a digit-only MSISDN as
     * JSON numbers.
     */
    public Buffer numericBody() {
      return json(true).toBuffer();
    }

    private JsonObject json(boolean numbers) {
      return new JsonObject()
          .put("TransactionType", transactionType)
          .put("TransID", transId)
          .put("TransTime", numbers ? number(transTime) : transTime)
          .put("TransAmount", numbers ? number(transAmount) : transAmount)
          .put("BusinessShortCode", numbers ? number(businessShortCode) : businessShortCode)
          .put("BillRefNumber", billRefNumber)
          .put("InvoiceNumber", invoiceNumber)
          .put("OrgAccountBalance", numbers ? number(orgAccountBalance) : orgAccountBalance)
          .put("ThirdPartyTransID", thirdPartyTransId)
          .put("MSISDN", numbers ? number(msisdn) : msisdn)
          .put("FirstName", firstName)
          .put("MiddleName", middleName)
          .put("LastName", lastName);
    }

    /** Digits as a JSON integer, a decimal as a JSON number; anything else (empty, masked, hashed) stays text. */
    private static Object number(String s) {
      if (s == null || s.isEmpty()) {
        return s;
      }
      if (s.matches("[0-9]{1,18}")) {
        return Long.parseLong(s);
      }
      if (s.matches("[0-9]+")) {
        return new BigInteger(s);
      }
      return s.matches("[0-9]+\\.[0-9]+") ? new BigDecimal(s).doubleValue() : s;
    }
  }

  /** yyyyMMddHHmmss in Nairobi time, as M-Pesa writes {@code TransTime}. */
  public static String transTime(Instant instant) {
    return TRANS_TIME.format(instant.atZone(NAIROBI));
  }

  /** {@code 254708374149} → {@code 25470****149}: the masking of the page's sample. */
  public static String maskedMsisdn(String msisdn) {
    return msisdn.substring(0, 5) + "****" + msisdn.substring(msisdn.length() - 3);
  }

  /** Lower-case hex SHA-256 of the number's digits, as Daraja hashes MSISDN since 2024. */
  public static String hashedMsisdn(String msisdn) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(msisdn.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Future<HttpResponse<Buffer>> validation(C2bPayment payment) {
    return send(SafaricomTelcoAdapter.VALIDATION, payment.body());
  }

  public Future<HttpResponse<Buffer>> confirmation(C2bPayment payment) {
    return send(SafaricomTelcoAdapter.CONFIRMATION, payment.body());
  }

  /** Posts {@code body} as is to {@code baseUrl/operation} (tests send broken bodies). */
  public Future<HttpResponse<Buffer>> send(String operation, Buffer body) {
    return send(operation, body, Map.of());
  }

  /** Posts with extra headers, e.g. the {@code X-Forwarded-For} a reverse proxy in front of the gateway adds. */
  public Future<HttpResponse<Buffer>> send(
      String operation, Buffer body, Map<String, String> headers) {
    HttpRequest<Buffer> request =
        client.postAbs(baseUrl + "/" + operation).putHeader("Content-Type", "application/json");
    headers.forEach(request::putHeader);
    return request.sendBuffer(body);
  }
}
