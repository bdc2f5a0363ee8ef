package io.payg.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The provider side of the {@code generic} telco protocol for the simulations: the target, the
 * seeded meters, and the signed validate and process requests.
 *
 * <p>Each body is built here as a JSON string and exactly those bytes are signed with
 * HMAC-SHA256 ({@code X-Signature: sha256=<hex>}), per request, in a session function.
 *
 * <p>System properties (defaults in brackets): {@code baseUrl} [http://127.0.0.1:8080],
 * {@code companyId} and {@code secret} (or none: the run signs up a company, {@link LoadTarget}),
 * {@code serials} [DEMO-METER-1,DEMO-METER-2] or {@code serialsFile} (one serial a line; wins over
 * serials), {@code amount} [10000 minor units], {@code currency} [KES].
 */
final class GenericProvider {

  static final String BASE_URL = LoadTarget.BASE_URL;
  /** The given company, or the one this run signed up. */
  private static final Map<String, String> COMPANY = LoadTarget.companyGiven()
      ? Map.of(
          "companyId",
          LoadTarget.setting("companyId", "PAYG_COMPANY_ID", null),
          "secret",
          required("secret"))
      : LoadTarget.signedUp(0);

  static final String COMPANY_ID = COMPANY.get("companyId");
  static final String SECRET = COMPANY.get("secret");
  static final List<String> SERIALS = serials(COMPANY.get("serialsFile"));
  static final long AMOUNT = Long.parseLong(System.getProperty("amount", "10000"));
  static final String CURRENCY = System.getProperty("currency", "KES");

  /** Unique per run, so a rerun against the same company never replays an earlier payment. */
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private static final AtomicLong PAYMENTS = new AtomicLong();

  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  static {
    String host = URI.create(BASE_URL).getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalArgumentException("load is only ever sent to 127.0.0.1, not " + host);
    }
    if (SERIALS.isEmpty()) {
      throw new IllegalArgumentException("no serials: pass -Dserials=A,B or -DserialsFile=...");
    }
  }

  private GenericProvider() {}

  static String telco(String operation) {
    return "/api/v1/telco/generic/" + COMPANY_ID + "/" + operation;
  }

  static String sign(String body) {
    return "sha256="
        + HexFormat.of().formatHex(MAC.get().doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** A fresh payer: a random seeded meter, a phone, and a providerTxnId of its own (process only). */
  static Session payer(Session session) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return session
        .set("serial", SERIALS.get(r.nextInt(SERIALS.size())))
        .set("msisdn", "+2547" + String.format("%08d", r.nextInt(100_000_000)))
        .set("txnId", "LT-" + RUN + "-" + PAYMENTS.incrementAndGet());
  }

  static String validationBody(Session s) {
    return "{\"serial\":\"" + s.getString("serial") + "\",\"amount\":" + AMOUNT + ",\"currency\":\""
        + CURRENCY + "\",\"msisdn\":\"" + s.getString("msisdn") + "\"}";
  }

  static String processBody(Session s) {
    return "{\"providerTxnId\":\"" + s.getString("txnId") + "\",\"serial\":\""
        + s.getString("serial")
        + "\",\"amount\":" + AMOUNT + ",\"currency\":\"" + CURRENCY + "\",\"msisdn\":\""
        + s.getString("msisdn")
        + "\",\"paidAt\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}";
  }

  private static Session signed(Session s, String body) {
    return s.set("body", body).set("signature", sign(body));
  }

  /** A signed validation of the payer's meter; OK when the gateway answers 200 {valid: true}. */
  static final ChainBuilder VALIDATE = exec(s -> signed(s, validationBody(s)))
      .exec(http("validate")
          .post(telco("validate"))
          .asJson()
          .header("X-Signature", s -> s.getString("signature"))
          .body(StringBody(s -> s.getString("body")))
          .check(status().is(200), jsonPath("$.valid").ofBoolean().is(true)));

  /** A signed process of a new payment; OK when the gateway answers 200 with a transactionId. */
  static final ChainBuilder PROCESS = exec(s -> signed(s, processBody(s)))
      .exec(http("process")
          .post(telco("process"))
          .asJson()
          .header("X-Signature", s -> s.getString("signature"))
          .body(StringBody(s -> s.getString("body")))
          .check(status().is(200), jsonPath("$.transactionId").exists()));

  /** A provider keeps its connections open: all virtual users share one pool, as an aggregator would. */
  static final HttpProtocolBuilder PROTOCOL = http.baseUrl(BASE_URL)
      .disableWarmUp() // Gatling's default warm-up request goes to an outside host; load stays on
      // 127.0.0.1
      .shareConnections()
      .userAgentHeader("payg-load-tests");

  static int intProperty(String name, int defaultValue, int min, int max) {
    int v = Integer.parseInt(System.getProperty(name, Integer.toString(defaultValue)));
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", not " + v);
    }
    return v;
  }

  private static String required(String name) {
    String v = LoadTarget.setting(name, "PAYG_" + name.toUpperCase(Locale.ROOT), null);
    if (v == null) {
      throw new IllegalArgumentException(
          "with -DcompanyId, -D" + name + "=... is required (the demo prints it)");
    }
    return v;
  }

  private static List<String> serials(String signedUpFile) {
    String file = signedUpFile != null ? signedUpFile : System.getProperty("serialsFile");
    Stream<String> s;
    if (file != null && !file.isBlank()) {
      try {
        s = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      s = Arrays.stream(
          System.getProperty("serials", "DEMO-METER-1,DEMO-METER-2").split(","));
    }
    return s.map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toUnmodifiableList());
  }
}
