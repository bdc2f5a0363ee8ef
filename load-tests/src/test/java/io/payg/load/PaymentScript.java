package io.payg.load;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes bench.sh's pgbench scripts from the gateway's own SQL constants, read from the built
 * classes (run with the gateway jar on the class path), so that what pgbench runs is byte for
 * byte what the jar prepares, with each {@code $n} mapped to a pgbench variable:
 *
 * <ul>
 *   <li>{@code lookup.sql}: {@code PaymentStore.LOOKUP} (validation).</li>
 *   <li>{@code payment.sql}: every statement one payment causes end to end on the hot path:
 *       {@code PaymentStore.SNAPSHOT} and {@code RECORD} (process; it inserts the TOKEN job leased), the
 *       TOKEN job's {@code TokenStore.STORE} (its order comes from memory; the store inserts the SMS
 *       job leased), then the SMS job ({@code SmsMessageStore.CONFIRMATION},
 *       {@code SmsMessageStore.RECORD_CONFIRMATIONS}). No claim: the gateway claims only to recover
 *       (retries, expired leases).</li>
 * </ul>
 *
 * A parameter this class does not map stops it (a changed statement must not be benchmarked by a stale
 * mapping). What pgbench cannot do exactly as the gateway: bind a NULL (the literal NULL instead), draw a
 * uuid on the client (the snapshot and the SMS context are wrapped in a SELECT that also draws it), and
 * complete many jobs per statement: each pgbench payment passes one-element arrays to the two batched
 * stores, so it commits three times where the gateway commits 1 + 2/batch. Usage:
 * {@code PaymentScript <outDir> <firstSerial> <lastSerial> <claimLimit>} ({@code claimLimit} is unused now).
 */
public final class PaymentScript {

  /** What the provider call of a payment leaves with its jobs ($33/$34 of RECORD): a request id, a W3C traceparent. */
  private static final String REQUEST_ID = "'pgbench-request-0000000000000000'";

  private static final String TRACEPARENT =
      "'00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'";

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    String first = args[1];
    String last = args[2];
    String claimLimit = args[3];
    String lookup = constant("io.payg.gateway.payment.PaymentStore", "LOOKUP");
    String snapshot = constant("io.payg.gateway.payment.PaymentStore", "SNAPSHOT");
    String record = constant("io.payg.gateway.payment.PaymentStore", "RECORD");
    String tokenStore = constant("io.payg.gateway.token.TokenStore", "STORE");
    String smsContext = constant("io.payg.gateway.sms.SmsMessageStore", "CONFIRMATION");
    String smsStore = constant("io.payg.gateway.sms.SmsMessageStore", "RECORD_CONFIRMATIONS");

    Files.writeString(
        out.resolve("lookup.sql"),
        "\\set serial random(" + first + ", " + last + ")\n" + map(lookup, ":company", ":serial")
            + "\n");

    String[] recordVars = {
      null,
      ":tid",
      ":company",
      ":provider",
      ":ptid",
      ":dev",
      ":cust",
      ":serial",
      ":amount",
      ":currency",
      ":msisdn",
      ":paidat",
      ":status",
      ":unit",
      ":qty",
      ":pos",
      ":kinds",
      ":amounts",
      ":refs",
      ":credit",
      ":arpaid",
      ":kind",
      ":instids",
      ":instamts",
      ":ver",
      "NULL",
      ":cbase",
      ":rdids",
      ":rdamts",
      "NULL",
      "NULL",
      ":claim",
      ":lease",
      REQUEST_ID,
      TRACEPARENT
    };
    String[] rec = Arrays.copyOfRange(recordVars, 1, recordVars.length);
    StringBuilder s = new StringBuilder()
        .append("\\set serial random(")
        .append(first)
        .append(", ")
        .append(last)
        .append(")\n")
        .append("\\set ptid random(1, 9000000000000000)\n")
        .append(
            "SELECT gen_random_uuid() AS tid, gen_random_uuid() AS claim, gen_random_uuid() AS kid, ")
        .append(
            "gen_random_uuid() AS smsclaim, s.id AS dev, s.customer_id AS cust, s.debt_version AS ver FROM (")
        .append(map(snapshot, ":company", ":serial", ":provider", ":ptid"))
        .append(") s\n")
        .append("\\gset\n")
        // the TOKEN job is inserted leased: its id is the record's column job
        .append(map(record, rec))
        .append("\n\\gset r_\n")
        // the TOKEN job's store (the manufacturer's answer is the constant :tokenvalue: no HTTP
        // here), one row
        .append(map(
            tokenStore,
            array(":r_job"),
            array(":claim"),
            array(":kid"),
            array(":company"),
            array(":tid"),
            array(":dev"),
            array(":tokenvalue"),
            array(":unit"),
            array(":qty"),
            array(":manufacturer"),
            array(":kid"),
            array(":smsclaim"),
            ":lease",
            array(REQUEST_ID),
            array(TRACEPARENT)))
        .append("\n\\gset t_\n")
        // the SMS job, handed over leased by the token store (sent through the log sender, as the
        // gateway
        // does without an SMS plugin)
        .append("SELECT gen_random_uuid() AS mid, c.* FROM (")
        .append(map(smsContext, ":tid", "NULLIF((:t_sms_job)::text, '')::bigint"))
        .append(") c\n\\aset\n")
        .append(map(
            smsStore,
            array(":t_sms_job"),
            array(":smsclaim"),
            array(":mid"),
            array(":company"),
            array(":tid"),
            array(":phone"),
            array(":smsbody"),
            array(":smsprovider"),
            array(":mid")))
        .append(";\n");
    Files.writeString(out.resolve("payment.sql"), s.toString());
    System.out.println("wrote " + out.resolve("lookup.sql") + " and " + out.resolve("payment.sql"));
  }

  /**
   * A one-element array of a pgbench variable (its text, cast by the statement to the array's type).
   * A NULL that {@code \\gset} stored reads as '': a payment that lost its customer's race to another
   * client (the record's guard matched no row, no job) then completes nothing, as in the gateway.
   */
  private static String array(String var) {
    return "ARRAY[NULLIF((" + var + ")::text, '')]";
  }

  private static final Pattern COMMENT = Pattern.compile("--[^\n]*");

  private static String constant(String cls, String name) throws Exception {
    Field f = Class.forName(cls).getDeclaredField(name);
    f.setAccessible(true);
    // a text block's SQL may carry "--" comments: they end at the line's end, so drop them before
    // the lines are joined into pgbench's one-line statements
    return COMMENT.matcher((String) f.get(null)).replaceAll("").replace('\n', ' ');
  }

  /** Each {@code $n} (whole number, so $2 never eats $25) to its variable; an unmapped one fails. */
  private static String map(String sql, String... vars) {
    Matcher m = Pattern.compile("\\$(\\d+)").matcher(sql);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      String v = n <= vars.length ? vars[n - 1] : null;
      if (v == null) {
        throw new IllegalStateException("$" + m.group(1) + " is not mapped in: " + sql);
      }
      m.appendReplacement(b, Matcher.quoteReplacement(v));
    }
    m.appendTail(b);
    return b.toString();
  }
}
