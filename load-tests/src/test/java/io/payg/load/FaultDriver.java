package io.payg.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mobile-money provider of the fault scenarios (load-tests/faults.sh): sends signed generic
 * process calls and records, per provider transaction id, what the gateway answered. JDK only,
 * run with Java's single-file launcher; talks to 127.0.0.1 only.
 *
 * <pre>
 * java FaultDriver.java --baseUrls http://127.0.0.1:18181[,http://127.0.0.1:18182] --companyId ID --secret S
 *   --serialsFile serials.txt --prefix crash --count 1000 [--first 0] [--copies 1] [--concurrency 100]
 *   [--ratePerSec 0] [--killPid PID --killAfter N] [--replay unanswered.txt] --out DIR
 * </pre>
 *
 * Payment i is provider transaction {@code <prefix>-<i>} of 100.00 KES for serial number i of the
 * file (so no two payments of one run race for the same customer), sent {@code copies} times at
 * once, the copies dealt over the base URLs in turn. {@code --killPid/--killAfter}: kill -9 that
 * process once N payments were answered a success (the crash scenario). {@code --replay FILE}:
 * send only the transaction ids listed in FILE, each until it is answered, as a provider replays
 * unconfirmed payments (at most 10 tries, 1 s apart).
 *
 * Writes {@code DIR/answers.txt} ({@code providerTxnId httpStatus transactionId|- epochMillis}, one
 * line per delivery), {@code DIR/unanswered.txt} (ids with no success answer) and prints
 * {@code RESULT key=value ...}.
 */
public final class FaultDriver {

  private static final Pattern TXN_ID =
      Pattern.compile("\"transactionId\"\\s*:\\s*\"([0-9a-f-]{36})\"");

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3))
      .build();
  private final Map<String, String> a;
  private final List<String> bases;
  private final List<String> serials;
  private final String secret;
  private final String paidAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  private final Map<String, Set<String>> idsByTxn = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> statusCounts = new ConcurrentHashMap<>();
  private final AtomicInteger successTxns = new AtomicInteger();
  private final AtomicInteger deliveries = new AtomicInteger();
  private final PrintWriter answers;
  private volatile boolean killed;

  private FaultDriver(Map<String, String> a) throws IOException {
    this.a = a;
    this.bases = List.of(a.get("baseUrls").split(","));
    for (String b : bases) {
      String host = URI.create(b).getHost();
      if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
        throw new IllegalArgumentException("the fault driver only talks to 127.0.0.1, not " + host);
      }
    }
    this.serials = Files.readAllLines(Path.of(a.get("serialsFile"))).stream()
        .filter(s -> !s.isBlank())
        .toList();
    this.secret = a.get("secret");
    Path out = Path.of(a.get("out"));
    Files.createDirectories(out);
    this.answers = new PrintWriter(
        Files.newBufferedWriter(out.resolve("answers.txt"), StandardCharsets.UTF_8));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    new FaultDriver(a).run();
  }

  private void run() throws Exception {
    int first = Integer.parseInt(a.getOrDefault("first", "0"));
    int count = Integer.parseInt(a.getOrDefault("count", "1000"));
    int copies = Integer.parseInt(a.getOrDefault("copies", "1"));
    double rate = Double.parseDouble(a.getOrDefault("ratePerSec", "0"));
    Semaphore room = new Semaphore(Integer.parseInt(a.getOrDefault("concurrency", "100")));
    String prefix = a.get("prefix");
    List<Integer> payments = new ArrayList<>();
    if (a.containsKey("replay")) {
      for (String line : Files.readAllLines(Path.of(a.get("replay")))) {
        if (!line.isBlank()) {
          payments.add(
              Integer.parseInt(line.substring(line.lastIndexOf('-') + 1).trim()));
        }
      }
    } else {
      for (int i = first; i < first + count; i++) {
        payments.add(i);
      }
    }
    if (payments.stream().anyMatch(i -> i >= serials.size())) {
      throw new IllegalArgumentException(
          "more payments than serials: a customer must not be paid twice at once");
    }
    int tries = a.containsKey("replay") ? 10 : 1;
    long t0 = System.nanoTime();
    List<CompletableFuture<?>> all = new ArrayList<>();
    int n = 0;
    for (int i : payments) {
      if (rate > 0) {
        long due = t0 + (long) (n++ * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      String txn = prefix + "-" + i;
      String body = "{\"providerTxnId\":\"" + txn + "\",\"serial\":\"" + serials.get(i)
          + "\",\"amount\":10000,"
          + "\"currency\":\"KES\",\"msisdn\":\"+254712" + String.format("%06d", i % 1_000_000)
          + "\",\"paidAt\":\""
          + paidAt + "\"}";
      for (int c = 0; c < copies; c++) {
        room.acquire();
        String base = bases.get((i + c) % bases.size());
        all.add(deliver(base, txn, body, tries).whenComplete((r, e) -> room.release()));
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double seconds = (System.nanoTime() - t0) / 1e9;
    answers.close();

    List<String> unanswered = new ArrayList<>();
    int mismatched = 0;
    for (int i : payments) {
      Set<String> ids = idsByTxn.get(prefix + "-" + i);
      if (ids == null || ids.isEmpty()) {
        unanswered.add(prefix + "-" + i);
      } else if (ids.size() > 1) {
        mismatched++;
      }
    }
    Files.write(Path.of(a.get("out"), "unanswered.txt"), unanswered);
    System.out.printf(
        "RESULT payments=%d deliveries=%d success=%d unanswered=%d differentIdsForOneTxn=%d seconds=%.1f "
            + "perSecond=%.0f statuses=%s killed=%s%n",
        payments.size(),
        deliveries.get(),
        successTxns.get(),
        unanswered.size(),
        mismatched,
        seconds,
        deliveries.get() / seconds,
        new TreeMap<>(statusCounts).toString().replace(" ", ""),
        killed);
  }

  /** One delivery of one payment; a replay tries again (1 s apart) until it is answered a success. */
  private CompletableFuture<Void> deliver(String base, String txn, String body, int triesLeft) {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(base + "/api/v1/telco/generic/" + a.get("companyId") + "/process"))
        .timeout(Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeoutSeconds", "15"))))
        .header("Content-Type", "application/json")
        .header("X-Signature", signature(body))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((r, err) -> {
          deliveries.incrementAndGet();
          String status = err != null
              ? "transport:" + rootCause(err).getClass().getSimpleName()
              : Integer.toString(r.statusCode());
          statusCounts.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
          String id = null;
          if (r != null && r.statusCode() == 200) {
            Matcher m = TXN_ID.matcher(r.body());
            id = m.find() ? m.group(1) : null;
          }
          synchronized (answers) {
            answers.println(txn + " " + status + " " + (id == null ? "-" : id) + " "
                + System.currentTimeMillis());
            answers
                .flush(); // the script watches this file: the first line says the load has started
          }
          if (id != null) {
            Set<String> ids = idsByTxn.computeIfAbsent(txn, k -> ConcurrentHashMap.newKeySet());
            if (ids.isEmpty() && ids.add(id)) {
              maybeKill(successTxns.incrementAndGet());
            } else {
              ids.add(id);
            }
          }
          return id != null;
        })
        .thenCompose(ok -> {
          if (ok || triesLeft <= 1) {
            return CompletableFuture.completedFuture(null);
          }
          return CompletableFuture.runAsync(
                  () -> {}, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
              .thenCompose(x -> deliver(base, txn, body, triesLeft - 1));
        });
  }

  /** The crash: SIGKILL (ProcessHandle.destroyForcibly is kill -9 on Unix) once enough payments were answered. */
  private void maybeKill(int answered) {
    if (a.containsKey("killPid") && answered == Integer.parseInt(a.get("killAfter")) && !killed) {
      killed = true;
      ProcessHandle.of(Long.parseLong(a.get("killPid"))).ifPresent(ProcessHandle::destroyForcibly);
      System.out.println(
          "killed -9 pid " + a.get("killPid") + " after " + answered + " payments answered");
    }
  }

  private String signature(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      StringBuilder hex = new StringBuilder("sha256=");
      for (byte b : mac.doFinal(body.getBytes(StandardCharsets.UTF_8))) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
