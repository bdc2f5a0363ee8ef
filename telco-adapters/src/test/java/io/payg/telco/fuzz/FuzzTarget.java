package io.payg.telco.fuzz;

import io.payg.telco.airtel.AirtelTelcoAdapter;
import io.payg.telco.generic.GenericTelcoAdapter;
import io.payg.telco.mtn.MtnMomoTelcoAdapter;
import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.payg.telco.support.HmacSha256;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.payg.telco.wave.WaveSignature;
import io.payg.telco.wave.WaveTelcoAdapter;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;

/**
 * One provider as a fuzzing target: its operations, hostile bodies built from its valid template,
 * plugin settings that let a call reach the parser, and the headers that authenticate a body
 * (signatures are computed over the hostile body itself, so the parser, not the signature check,
 * is what gets attacked).
 */
public record FuzzTarget(
    String provider,
    String currency,
    List<String> operations,
    Map<String, String> settings,
    String remoteAddress,
    Arbitrary<byte[]> bodies,
    Signer signer) {

  /** The headers a genuine provider would send with {@code body}, given the company's settings. */
  public interface Signer {
    Map<String, String> headers(byte[] body, Map<String, String> settings, Instant sentAt);
  }

  public static final String SERIAL = "SN-0001";
  public static final String REFERENCE = "3f1c5e7a-2b4d-4c6e-8a9b-0c1d2e3f4a5b";

  public static List<FuzzTarget> all() {
    return List.of(generic(), safaricom(), wave(), mtn(), airtel(), vodacomTz());
  }

  public static FuzzTarget generic() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("providerTxnId", "\"TX-1\"");
    fields.put("serial", "\"" + SERIAL + "\"");
    fields.put("amount", "50000");
    fields.put("currency", "\"KES\"");
    fields.put("msisdn", "\"254712345678\"");
    fields.put("paidAt", "\"2026-01-16T08:30:00Z\"");
    return new FuzzTarget(
        GenericTelcoAdapter.NAME,
        "KES",
        List.of("validate", "process"),
        Map.of("secret", "fuzz-generic-secret"),
        "127.0.0.1",
        HostileBodies.json(fields),
        (body, settings, at) -> Map.of(
            "content-type",
            "application/json",
            GenericTelcoAdapter.SIGNATURE_HEADER,
            "sha256=" + HmacSha256.signHex(settings.get("secret"), body)));
  }

  public static FuzzTarget safaricom() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("TransactionType", "\"Pay Bill\"");
    fields.put("TransID", "\"RKTQDM7W6S\"");
    fields.put("TransTime", "\"20260116083000\"");
    fields.put("TransAmount", "\"500.00\"");
    fields.put("BusinessShortCode", "\"600638\"");
    fields.put("BillRefNumber", "\"" + SERIAL + "\"");
    fields.put("InvoiceNumber", "\"\"");
    fields.put("MSISDN", "\"254708374149\"");
    fields.put("FirstName", "\"John\"");
    return new FuzzTarget(
        SafaricomTelcoAdapter.NAME,
        "KES",
        List.of("validation", "confirmation"),
        Map.of("shortCode", "600638", "allowedSources", "127.0.0.1, 196.201.214.0/24"),
        "127.0.0.1",
        HostileBodies.json(fields),
        (body, settings, at) -> Map.of("content-type", "application/json"));
  }

  public static FuzzTarget wave() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("id", "\"EV_1\"");
    fields.put("type", "\"checkout.session.completed\"");
    fields.put("data.id", "\"T_1\"");
    fields.put("data.transaction_id", "\"TCN-1\"");
    fields.put("data.amount", "\"5000\"");
    fields.put("data.currency", "\"XOF\"");
    fields.put("data.client_reference", "\"" + SERIAL + "\"");
    fields.put("data.payment_status", "\"succeeded\"");
    fields.put("data.sender_mobile", "\"+221771234567\"");
    fields.put("data.when_completed", "\"2026-01-16T08:30:00Z\"");
    fields.put("data.when_created", "\"2026-01-16T08:29:00Z\"");
    fields.put("data.custom_fields.account_number", "\"" + SERIAL + "\"");
    return new FuzzTarget(
        WaveTelcoAdapter.NAME,
        "XOF",
        List.of("webhook"),
        Map.of("webhookSecret", "wave_sn_WHS_fuzz"),
        "127.0.0.1",
        HostileBodies.json(fields),
        (body, settings, at) -> Map.of(
            "content-type",
            "application/json",
            WaveTelcoAdapter.SIGNATURE_HEADER,
            WaveSignature.header(settings.get("webhookSecret"), at.getEpochSecond(), body)));
  }

  public static FuzzTarget mtn() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("financialTransactionId", "\"363440463\"");
    fields.put("externalId", "\"" + REFERENCE + "\"");
    fields.put("amount", "\"5000\"");
    fields.put("currency", "\"UGX\"");
    fields.put("payer.partyIdType", "\"MSISDN\"");
    fields.put("payer.partyId", "\"256772123456\"");
    fields.put("status", "\"SUCCESSFUL\"");
    fields.put("reason", "\"APPROVAL_REJECTED\"");
    return new FuzzTarget(
        MtnMomoTelcoAdapter.NAME,
        "UGX",
        List.of("callback"),
        Map.of(),
        "127.0.0.1",
        HostileBodies.json(fields),
        (body, settings, at) -> Map.of("content-type", "application/json"));
  }

  public static FuzzTarget airtel() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("transaction.id", "\"" + REFERENCE + "\"");
    fields.put("transaction.message", "\"Paid TZS 5,000\"");
    fields.put("transaction.status_code", "\"TS\"");
    fields.put("transaction.airtel_money_id", "\"MP210603.1234.L06941\"");
    fields.put("hash", "\"bm90IGEgaGFzaA==\"");
    return new FuzzTarget(
        AirtelTelcoAdapter.NAME,
        "TZS",
        List.of("callback"),
        Map.of(),
        "127.0.0.1",
        HostileBodies.json(fields),
        (body, settings, at) -> Map.of("content-type", "application/json"));
  }

  public static FuzzTarget vodacomTz() {
    String password = "broker-secret";
    String timestamp = "20260116083005";
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("spId", "300300");
    fields.put("spPassword", VodacomTzTelcoAdapter.spPassword("300300", password, timestamp));
    fields.put("timestamp", timestamp);
    fields.put("amount", "5000.00");
    fields.put("commandID", "customerPayBill");
    fields.put("initiator", "255754123456");
    fields.put("conversationID", "AG_20260116_1");
    fields.put("originatorConversationID", "OC_1");
    fields.put("recipient", "123456");
    fields.put("mpesaReceipt", "8AB12CD3EF");
    fields.put("transactionDate", "2026-01-16 08:30:00");
    fields.put("accountReference", SERIAL);
    fields.put("transactionID", "173388288_664400");
    return new FuzzTarget(
        VodacomTzTelcoAdapter.NAME,
        "TZS",
        List.of("validation", "confirmation"),
        Map.of(
            "username",
            "300300",
            "password",
            password,
            "allowedSources",
            "127.0.0.1",
            "businessNumber",
            "123456"),
        "127.0.0.1",
        HostileBodies.xml(List.copyOf(fields.keySet()), replaced -> brokerXml(fields, replaced)),
        (body, settings, at) -> Map.of("content-type", "text/xml; charset=UTF-8"));
  }

  private static final List<String> SERVICE_PROVIDER = List.of("spId", "spPassword", "timestamp");

  static String brokerXml(Map<String, String> fields, Map<String, String> replaced) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append("<mpesaBroker xmlns=\"")
        .append(VodacomTzTelcoAdapter.NAMESPACE)
        .append("\" version=\"2.0\">")
        .append("<request><serviceProvider>");
    for (String f : SERVICE_PROVIDER) {
      element(xml, f, replaced.getOrDefault(f, fields.get(f)));
    }
    xml.append("</serviceProvider><transaction>");
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (!SERVICE_PROVIDER.contains(e.getKey())) {
        element(xml, e.getKey(), replaced.getOrDefault(e.getKey(), e.getValue()));
      }
    }
    return xml.append("</transaction></request></mpesaBroker>").toString();
  }

  private static void element(StringBuilder xml, String name, String content) {
    xml.append('<')
        .append(name)
        .append('>')
        .append(content)
        .append("</")
        .append(name)
        .append('>');
  }

  /** Settings with the given entries replaced (the gateway test's company has its own secrets). */
  public Map<String, String> settingsWith(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(settings);
    merged.putAll(overrides);
    return Map.copyOf(merged);
  }
}
