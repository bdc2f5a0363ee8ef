package io.payg.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seeds a company with many meters through the gateway's public API only (as an operator
 * would), so that load tests hit a realistic {@code devices(company_id, serial)} index.
 *
 * <p>JDK only, so it runs without a build: {@code java load-tests/src/test/java/io/payg/load/SetupFixture.java
 * --baseUrl http://127.0.0.1:18080 --email ... --password ... --secret ... --meters 1000 --out load-tests/target/bench}
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@code --email/--password} given (e.g. the demo's admin): log in to that company; pass
 *       {@code --secret}, the generic plugin's secret the demo printed (the API never returns it).</li>
 *   <li>otherwise: sign up a new company with the {@code generic} and {@code calin} plugins, set the
 *       generic secret (random unless {@code --secret}), and configure calin when
 *       {@code --calinBaseUrl --calinUserId --calinApiKey} are given (without them, process calls
 *       are accepted but their token jobs fail).</li>
 * </ul>
 * Then: a cluster, a mini-grid, a village, a tariff (23.00/kWh, minimum 50.00) and
 * {@code --meters} customers each with a Calin METER, serials {@code --firstSerial},
 * {@code --firstSerial + 1}, ... (11 digits, like real Calin meter numbers). With {@code --manufacturer M}
 * (sign-up only) the devices are M's instead and plugin M is enabled with {@code --pluginSettings}
 * (a JSON object, e.g. what SimulatorProcess prints); for {@code sunking} and {@code angaza}, sold by
 * installments, each device is an SHS with its own sale of a 100,000 appliance in 100 weekly
 * installments (1,000 each), for {@code openpaygo} with a generated secret key.
 *
 * <p>With {@code --agents K} (default 0) it also creates K agents ({@code POST /api/v1/users}, role
 * AGENT, {@code --agentRiskLimit} minor units, default 1,000,000,000,000: a load test must not
 * hit the limit) and gives the meters' customers to them in turn ({@code agentId}), so each agent
 * owns {@code meters / K} customers; it writes {@code agents.csv} (header
 * {@code email,password,agentId,serials}, the agent's serials separated by spaces) for
 * {@code AgentCashSimulation}.
 *
 * <p>Writes to {@code --out}: {@code fixture.properties} (baseUrl, companyId, secret, serialsFile,
 * firstSerial, meters, currency, and agentsFile with --agents), {@code serials.txt} (one serial a line) and
 * {@code validate.lua} (a wrk script sending validations pre-signed for each serial; a
 * validation is read-only, so fixed bodies are fine). Prints the properties.
 */
public final class SetupFixture {

  private static final Pattern STRING_FIELD = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  private SetupFixture(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public static void main(String[] argv) throws Exception {
    seed(args(argv));
  }

  /**
   * Seeds as {@link #main} does, from the same options without their dashes, and answers what it
   * wrote to {@code fixture.properties} (the simulations sign up their own company with it).
   */
  static Map<String, String> seed(Map<String, String> a) throws Exception {
    String baseUrl = a.getOrDefault("baseUrl", "http://127.0.0.1:8080");
    URI base = URI.create(baseUrl);
    if (!"127.0.0.1".equals(base.getHost()) && !"localhost".equals(base.getHost())) {
      throw new IllegalArgumentException(
          "the fixture only talks to a gateway on 127.0.0.1, not " + base.getHost());
    }
    int meters = Integer.parseInt(a.getOrDefault("meters", "1000"));
    long firstSerial = Long.parseLong(a.getOrDefault("firstSerial", "47000000001"));
    String currency = a.getOrDefault("currency", "KES");
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "8"));
    Path out = Path.of(a.getOrDefault("out", "load-tests/target/bench"));
    return new SetupFixture(baseUrl).run(a, meters, firstSerial, currency, concurrency, out);
  }

  private Map<String, String> run(
      Map<String, String> a,
      int meters,
      long firstSerial,
      String currency,
      int concurrency,
      Path out)
      throws Exception {
    long started = System.nanoTime();
    String companyId;
    String secret = a.get("secret");
    String token;
    String manufacturer = a.getOrDefault("manufacturer", "calin");
    if (!manufacturer.matches("calin|sparkmeter|steama|sunking|angaza|openpaygo")) {
      throw new IllegalArgumentException(
          "--manufacturer: calin, sparkmeter, steama, sunking, angaza or openpaygo");
    }
    if (a.containsKey("email")) {
      if (secret == null || a.get("companyId") == null) {
        throw new IllegalArgumentException(
            "with --email, pass --companyId and --secret (the demo prints both)");
      }
      companyId = a.get("companyId");
      token = field(
          call(
              "POST",
              "/api/v1/auth/login",
              null,
              obj("email", str(a.get("email")), "password", str(a.get("password")))),
          "accessToken");
    } else {
      String run = Long.toString(System.currentTimeMillis(), 36);
      String email = "load+" + run + "@bench.payg.dev";
      String password = "load-password-" + run;
      secret = secret == null ? randomHex(16) : secret;
      String company = call(
          "POST",
          "/api/v1/companies",
          null,
          obj(
              "name",
              str("Load Test Energy " + run),
              "country",
              str("KE"),
              "currency",
              str(currency),
              "admin",
              obj("email", str(email), "password", str(password), "name", str("Load Admin")),
              "plugins",
              "[\"generic\",\"calin\""
                  + (manufacturer.equals("calin") ? "" : ",\"" + manufacturer + "\"") + "]"));
      companyId = field(company, "companyId");
      token = field(
          call(
              "POST",
              "/api/v1/auth/login",
              null,
              obj("email", str(email), "password", str(password))),
          "accessToken");
      call(
          "PUT",
          "/api/v1/plugins/generic",
          token,
          obj("enabled", "true", "settings", obj("secret", str(secret))));
      if (a.containsKey("calinBaseUrl")) {
        call(
            "PUT",
            "/api/v1/plugins/calin",
            token,
            obj(
                "enabled",
                "true",
                "settings",
                obj(
                    "baseUrl",
                    str(a.get("calinBaseUrl")),
                    "userId",
                    str(a.getOrDefault("calinUserId", "")),
                    "apiKey",
                    str(a.getOrDefault("calinApiKey", "")))));
      }
      if (!manufacturer.equals("calin") && !manufacturer.equals("openpaygo")) {
        call(
            "PUT",
            "/api/v1/plugins/" + manufacturer,
            token,
            obj("enabled", "true", "settings", a.getOrDefault("pluginSettings", "{}")));
      }
      System.out.println("# signed up company " + companyId + " admin " + email + " / " + password);
    }
    String cluster =
        field(call("POST", "/api/v1/clusters", token, obj("name", str("Load Cluster"))), "id");
    String miniGrid = field(
        call(
            "POST",
            "/api/v1/mini-grids",
            token,
            obj("name", str("Load Mini-Grid"), "clusterId", str(cluster))),
        "id");
    String village = field(
        call(
            "POST",
            "/api/v1/villages",
            token,
            obj("name", str("Load Village"), "miniGridId", str(miniGrid))),
        "id");
    String tariff = field(
        call(
            "POST",
            "/api/v1/tariffs",
            token,
            obj(
                "name",
                str("Load Residential"),
                "currency",
                str(currency),
                "pricePerKwh",
                "2300",
                "minimumPurchase",
                "5000")),
        "id");
    boolean shs = manufacturer.equals("sunking")
        || manufacturer.equals("angaza")
        || manufacturer.equals("openpaygo");
    String appliance = !shs
        ? null
        : field(
            call(
                "POST",
                "/api/v1/appliances",
                token,
                obj(
                    "name",
                    str("Load SHS"),
                    "type",
                    str("SHS"),
                    "price",
                    "100000",
                    "currency",
                    str(currency))),
            "id");

    List<String> serials = new ArrayList<>(meters);
    for (int i = 0; i < meters; i++) {
      serials.add(Long.toString(firstSerial + i));
    }
    int agents = Integer.parseInt(a.getOrDefault("agents", "0"));
    if (agents < 0 || agents > meters) {
      throw new IllegalArgumentException("--agents must be between 0 and --meters");
    }
    long riskLimit = Long.parseLong(a.getOrDefault("agentRiskLimit", "1000000000000"));
    String agentRun = Long.toString(System.currentTimeMillis(), 36);
    List<String[]> agentRows = new ArrayList<>(agents); // email, password, id
    for (int k = 0; k < agents; k++) {
      String email = "agent" + (k + 1) + "+" + agentRun + "@bench.payg.dev";
      String password = "agent-password-" + agentRun;
      String id = field(
          call(
              "POST",
              "/api/v1/users",
              token,
              obj(
                  "email",
                  str(email),
                  "password",
                  str(password),
                  "role",
                  str("AGENT"),
                  "name",
                  str("Load Agent " + (k + 1)),
                  "riskLimit",
                  Long.toString(riskLimit))),
          "id");
      agentRows.add(new String[] {email, password, id});
    }
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<String>> calls = new ArrayList<>(meters);
    Random random = new Random(firstSerial);
    for (int i = 0; i < meters; i++) {
      String phone = "+2547" + String.format("%08d", random.nextInt(100_000_000));
      String sale = !shs
          ? null
          : obj(
              "applianceId",
              str(appliance),
              "plan",
              obj("kind", str("INSTALLMENT_COUNT"), "count", "100"),
              "period",
              str("WEEKLY"));
      String device = !shs
          ? obj(
              "serial",
              str(serials.get(i)),
              "type",
              str("METER"),
              "manufacturer",
              str(manufacturer),
              "tariffId",
              str(tariff))
          : manufacturer.equals("openpaygo")
              ? obj(
                  "serial",
                  str(serials.get(i)),
                  "type",
                  str("SHS"),
                  "manufacturer",
                  str(manufacturer),
                  "sale",
                  sale,
                  "openPaygo",
                  obj("secretKey", str(randomHex(16)), "startingCode", "123456789"))
              : obj(
                  "serial",
                  str(serials.get(i)),
                  "type",
                  str("SHS"),
                  "manufacturer",
                  str(manufacturer),
                  "sale",
                  sale);
      String body = agents == 0
          ? obj(
              "name",
              str("Load Customer " + (i + 1)),
              "phone",
              str(phone),
              "villageId",
              str(village),
              "device",
              device)
          : obj(
              "name",
              str("Load Customer " + (i + 1)),
              "phone",
              str(phone),
              "villageId",
              str(village),
              "agentId",
              str(agentRows.get(i % agents)[2]),
              "device",
              device);
      inFlight.acquire();
      calls.add(send("POST", "/api/v1/customers", token, body)
          .whenComplete((r, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

    Files.createDirectories(out);
    Path serialsFile = out.resolve("serials.txt").toAbsolutePath();
    Files.write(serialsFile, serials, StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("validate.lua"),
        wrkScript(companyId, secret, currency, serials),
        StandardCharsets.UTF_8);
    Map<String, String> props = new LinkedHashMap<>();
    props.put("baseUrl", baseUrl);
    props.put("companyId", companyId);
    props.put("secret", secret);
    props.put("currency", currency);
    props.put("serialsFile", serialsFile.toString());
    props.put("firstSerial", Long.toString(firstSerial));
    props.put("meters", Integer.toString(meters));
    if (agents > 0) {
      StringBuilder csv = new StringBuilder("email,password,agentId,serials\n");
      for (int k = 0; k < agents; k++) {
        StringBuilder own = new StringBuilder();
        for (int i = k; i < meters; i += agents) {
          own.append(own.length() == 0 ? "" : " ").append(serials.get(i));
        }
        String[] r = agentRows.get(k);
        csv.append(r[0])
            .append(',')
            .append(r[1])
            .append(',')
            .append(r[2])
            .append(',')
            .append(own)
            .append('\n');
      }
      Path agentsFile = out.resolve("agents.csv").toAbsolutePath();
      Files.writeString(agentsFile, csv.toString(), StandardCharsets.UTF_8);
      props.put("agentsFile", agentsFile.toString());
    }
    StringBuilder p = new StringBuilder();
    props.forEach((k, v) -> p.append(k).append('=').append(v).append('\n'));
    Files.writeString(out.resolve("fixture.properties"), p.toString(), StandardCharsets.UTF_8);
    System.out.print(p);
    System.out.printf(
        "# seeded %d meters in %.1f s%n", meters, (System.nanoTime() - started) / 1e9);
    return props;
  }

  /** A wrk script: each request is a validation of a random seeded serial, signed in advance. */
  static String wrkScript(String companyId, String secret, String currency, List<String> serials) {
    StringBuilder s = new StringBuilder();
    s.append("-- generated by SetupFixture: pre-signed validations of the seeded meters\n");
    s.append("local path = \"/api/v1/telco/generic/").append(companyId).append("/validate\"\n");
    s.append("local bodies = {\n");
    for (String serial : serials) {
      String body = validationBody(serial, 10000, currency, "+254712000001");
      s.append("  {'")
          .append(body)
          .append("', 'sha256=")
          .append(hmacHex(secret, body))
          .append("'},\n");
    }
    s.append("}\n");
    s.append("""
        local threads = {}
        function setup(thread)
          table.insert(threads, thread)
          thread:set("id", #threads)
        end
        function init(args)
          math.randomseed(os.time() * 100 + id)
          invalid = 0
        end
        function request()
          local b = bodies[math.random(#bodies)]
          return wrk.format("POST", path, {["Content-Type"] = "application/json", ["X-Signature"] = b[2]}, b[1])
        end
        function response(status, headers, body)
          if status ~= 200 or not body:find('"valid":true', 1, true) then invalid = invalid + 1 end
        end
        function done(summary, latency, requests)
          local n = 0
          for _, t in ipairs(threads) do n = n + t:get("invalid") end
          io.write(string.format("not-valid-answers: %d\\n", n))
        end
        """);
    return s.toString();
  }

  /** The generic protocol's validation body, with the field order the gateway's own client uses. */
  static String validationBody(String serial, long amount, String currency, String msisdn) {
    return "{\"serial\":\"" + serial + "\",\"amount\":" + amount + ",\"currency\":\"" + currency
        + "\",\"msisdn\":\"" + msisdn + "\"}";
  }

  static String hmacHex(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private String call(String method, String path, String token, String body)
      throws IOException, InterruptedException {
    return send(method, path, token, body).join();
  }

  private CompletableFuture<String> send(String method, String path, String token, String body) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
      if (resp.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + path + " answered " + resp.statusCode() + ": " + resp.body());
      }
      return resp.body();
    });
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile(String.format(STRING_FIELD.pattern(), Pattern.quote(name)))
        .matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no '" + name + "' in " + json);
    }
    return m.group(1);
  }

  /** A JSON object from name/raw-JSON-value pairs (values are already encoded: use {@link #str}). */
  private static String obj(String... nameValue) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < nameValue.length; i += 2) {
      s.append(i == 0 ? "" : ",").append(str(nameValue[i])).append(':').append(nameValue[i + 1]);
    }
    return s.append('}').toString();
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static Map<String, String> args(String[] argv) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("arguments are --name value pairs; got " + argv[i]);
      }
      a.put(argv[i].substring(2), argv[++i]);
    }
    return a;
  }
}
