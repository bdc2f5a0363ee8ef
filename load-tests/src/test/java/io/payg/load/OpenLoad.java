package io.payg.load;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.Histogram;

/**
 * The lean load generator of bench.sh: signed generic-plugin validate or process calls, on one
 * Vert.x event loop, latencies in an HdrHistogram.
 *
 * <ul>
 *   <li>{@code --rate R} (open model): request i is due at start + i/R; its latency is measured
 *       from that intended send time, not from when a connection was free, so a stalled server
 *       shows in the percentiles instead of slowing the generator down (no coordinated omission).</li>
 *   <li>{@code --concurrency N} (closed model, for saturation throughput): N requests always
 *       outstanding, each latency from its send.</li>
 * </ul>
 *
 * {@code --warmup S} seconds run first, unrecorded; with {@code --goFile F} it then prints {@code warmed} and
 * waits for F to exist before the measured phase (bench.sh drains the warm-up's jobs meanwhile). Prints one line of
 * {@code key=value}: ok,
 * failed, ops_per_s, p50_ms, p99_ms, p999_ms, max_ms, cpu_ms (this process's CPU over the measured
 * window, from the JVM) and cpu_us_per_op, then shed (503 answers with Retry-After: the gateway's
 * overload answer, counted among the failed too) and ok_p50_ms / ok_p99_ms / ok_p999_ms (the latencies
 * of the successful answers only). {@code --ackFile F}: the providerTxnId of every process call
 * answered 200 is written to F, one per line (bench.sh checks each is stored). Run with the gateway jar (Vert.x) and
 * HdrHistogram
 * (Maven Central, org.hdrhistogram:HdrHistogram) on the class path; see load-tests/README.md.
 */
public final class OpenLoad {

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new OpenLoad(a).run();
  }

  private final URI base;
  private final String company;
  private final String operation;
  private final List<String> serials;
  private final String prefix;
  private final String currency;
  private final double rate;
  private final int concurrency;
  private final int warmup;
  private final int duration;
  private final int connections;
  private final Path goFile;
  private final boolean seamless;
  private final Mac mac;
  private long counter;

  private OpenLoad(Map<String, String> a) throws Exception {
    base = URI.create(a.getOrDefault("baseUrl", "http://127.0.0.1:18080"));
    company = a.get("companyId");
    operation = a.getOrDefault("operation", "validate");
    serials = Files.readAllLines(Path.of(a.get("serialsFile"))).stream()
        .filter(s -> !s.isBlank())
        .toList();
    prefix = a.getOrDefault("prefix", "OL-" + System.currentTimeMillis());
    currency = a.getOrDefault("currency", "KES");
    rate = Double.parseDouble(a.getOrDefault("rate", "0"));
    concurrency = Integer.parseInt(a.getOrDefault("concurrency", "0"));
    warmup = Integer.parseInt(a.getOrDefault("warmup", "0"));
    duration = Integer.parseInt(a.getOrDefault("duration", "10"));
    connections = Integer.parseInt(a.getOrDefault("connections", "64"));
    if ((rate > 0) == (concurrency > 0)) {
      throw new IllegalArgumentException(
          "exactly one of --rate (open model) or --concurrency (closed model)");
    }
    goFile = a.containsKey("goFile") ? Path.of(a.get("goFile")) : null;
    seamless = Boolean.parseBoolean(a.getOrDefault("seamless", "false"));
    if (seamless && (rate <= 0 || goFile == null)) {
      throw new IllegalArgumentException("--seamless needs --rate and --goFile");
    }
    ackFile = a.containsKey("ackFile") ? Path.of(a.get("ackFile")) : null;
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(a.get("secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
  }

  /** A new payment's body (process). */
  private String lastId;

  private String body() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    lastId = prefix + "-" + (counter + 1);
    String serial = serials.get(r.nextInt(serials.size()));
    String msisdn = "+2547" + String.format("%08d", r.nextInt(100_000_000));
    return "{\"providerTxnId\":\"" + prefix + "-" + (++counter) + "\",\"serial\":\"" + serial
        + "\",\"amount\":10000,\"currency\":\"" + currency + "\",\"msisdn\":\"" + msisdn
        + "\",\"paidAt\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}";
  }

  // a phase: recording or not, its end, and what it saw
  private Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
  private final Histogram okHistogram = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
  private long shed;
  private final List<String> acknowledged = new ArrayList<>();
  private Path ackFile;
  // the measured phase's start, and the longest latency of the requests meant to be sent in each of
  // its seconds
  private long measuredStart;
  private long[] worstBySecond = new long[0];
  private long ok;
  private long failed;
  private HttpClient client;
  private String uri;

  private void run() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    client = vertx.createHttpClient(
        new HttpClientOptions()
            .setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort())
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    uri = "/api/v1/telco/generic/" + company + "/" + operation;
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long elapsed;
    long cpu;
    if (seamless) {
      long[] measured = seamless(vertx, os);
      elapsed = measured[0];
      cpu = measured[1];
    } else {
      long[] measured = paused(vertx, os);
      elapsed = measured[0];
      cpu = measured[1];
    }
    report(elapsed, cpu);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Warm-up, a pause until the caller says go (it drains and resets meanwhile), then the window. */
  private long[] paused(Vertx vertx, OperatingSystemMXBean os) throws Exception {
    if (warmup > 0) {
      phase(vertx, warmup);
    }
    if (goFile != null) {
      // the caller drains the warm-up's work and resets its counters, then says go
      System.out.println("warmed");
      System.out.flush();
      while (!Files.exists(goFile)) {
        Thread.sleep(50);
      }
    }
    // the wall clock at the window's start: bench.sh lines up its per-second samples (CPU, JFR)
    // with
    // worst_ms_by_second by it
    System.out.println("measuring window_start_ms=" + System.currentTimeMillis());
    System.out.flush();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    phase(vertx, duration);
    return new long[] {System.nanoTime() - t0, os.getProcessCpuTime() - cpu0};
  }

  /**
   * One arrival schedule from the warm-up's start to the window's end: at go the histograms and
   * counters are emptied and the window opens, with no pause between. After a pause, the first
   * seconds of the window were slower than the rest (worst_ms_by_second 293,322,255, then about 20,
   * at 80 % of the validations), which is the restart, not the steady state an open model measures.
   * The few warm-up requests still answering at go are counted in the window (they are answered in it).
   */
  private long[] seamless(Vertx vertx, OperatingSystemMXBean os) throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    long[] measured = new long[2];
    vertx.runOnContext(v -> {
      long start = System.nanoTime();
      long warmedAt = start + TimeUnit.SECONDS.toNanos(warmup);
      long[] end = {Long.MAX_VALUE};
      long[] cpu0 = {0};
      long[] outstanding = {0};
      boolean[] sending = {true};
      boolean[] warmed = {false};
      measuredStart = start;
      worstBySecond = new long[warmup + 1];
      // the first half of the warm-up ramps the rate up from 0: this JVM starts cold (interpreted
      // for its first seconds), and at full rate from the first second it fell behind and left a
      // backlog that at 80 % drains five times slower than it grew (worst_ms_by_second 1642,1298,
      // 1131,806,... into the window)
      double ramp = warmup / 2.0;
      LongUnaryOperator at = k -> start + arrival(k, ramp);
      Runnable maybeDone = () -> {
        if (!sending[0] && outstanding[0] == 0 && finished.getCount() > 0) {
          measured[0] = System.nanoTime() - measuredStart;
          measured[1] = os.getProcessCpuTime() - cpu0[0];
          finished.countDown();
        }
      };
      vertx.setPeriodic(50, id -> {
        long now = System.nanoTime();
        // warmed once its time is up and no backlog is left to carry into the window (requests
        // outstanding for at most 20 ms of arrivals), or WARMUP s later in any case: at twice the
        // saturation, a warm-up right after a checkpoint once handed the window a backlog of 3.6 s
        // of arrivals (worst_ms_by_second 4151,1645,1256,583, then about 200). A quarter second
        // of arrivals was too loose: validation windows at 5,058/s opened on a queue and their
        // first seconds were the worst (307,283,143, then about 30; seconds-at80-validate-3.txt)
        boolean settled = outstanding[0] <= Math.max(16, rate / 50);
        if (!warmed[0] && now >= warmedAt && (settled || now >= warmedAt + (warmedAt - start))) {
          warmed[0] = true;
          System.out.println("warmed");
          System.out.flush();
        } else if (warmed[0] && Files.exists(goFile)) {
          vertx.cancelTimer(id);
          openWindow(now, duration);
          end[0] = now + TimeUnit.SECONDS.toNanos(duration);
          cpu0[0] = os.getProcessCpuTime();
          System.out.println("measuring window_start_ms=" + System.currentTimeMillis());
          System.out.flush();
        }
      });
      arrivals(vertx, at, end, outstanding, sending, maybeDone);
    });
    // the warm-up, the caller's wait for it, the window and the last answers
    finished.await(warmup + duration + 600, TimeUnit.SECONDS);
    return measured;
  }

  /**
   * Nanoseconds from the start to the k-th arrival when the rate rises linearly from 0 to {@code
   * rate} over {@code ramp} seconds, then stays: k = rate t² / (2 ramp) on the ramp, then
   * k = rate ramp / 2 + rate (t - ramp).
   */
  private long arrival(long k, double ramp) {
    double onRamp = rate * ramp / 2;
    double t = k < onRamp ? Math.sqrt(2 * ramp * k / rate) : ramp + (k - onRamp) / rate;
    return (long) (t * 1e9);
  }

  private void report(long elapsed, long cpu) throws Exception {
    double seconds = elapsed / 1e9;
    // where in the window the tail was: one stall or a spread (read beside the GC logs)
    StringBuilder worst = new StringBuilder("worst_ms_by_second=");
    for (int i = 0; i < worstBySecond.length; i++) {
      worst.append(i == 0 ? "" : ",").append(worstBySecond[i] / 1000);
    }
    System.out.println(worst);
    System.out.printf(
        "ok=%d failed=%d ops_per_s=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f cpu_ms=%.0f "
            + "cpu_us_per_op=%.1f%n",
        ok,
        failed,
        ok / seconds,
        histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getValueAtPercentile(99.9) / 1000.0,
        histogram.getMaxValue() / 1000.0,
        cpu / 1e6,
        ok + failed == 0 ? 0.0 : cpu / 1e3 / (ok + failed));
    System.out.printf(
        "shed=%d ok_p50_ms=%.3f ok_p99_ms=%.3f ok_p999_ms=%.3f%n",
        shed,
        okHistogram.getValueAtPercentile(50) / 1000.0,
        okHistogram.getValueAtPercentile(99) / 1000.0,
        okHistogram.getValueAtPercentile(99.9) / 1000.0);
    if (ackFile != null) {
      Files.write(ackFile, acknowledged);
    }
  }

  /** Runs one phase on the event loop until its last request answered (or 30 s past its end). */
  private void phase(Vertx vertx, int seconds) throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      long start = System.nanoTime();
      // the warm-up records too, into the same histograms emptied here: a path the JIT first sees
      // in the measured window (a branch never taken in the warm-up) is deoptimised and recompiled
      // there, and the generator then sent late for seconds (worst_ms_by_second 103,225,145,57,52,
      // then about 10, at 80 % of the validations)
      openWindow(start, seconds);
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long[] outstanding = {0};
      boolean[] sending = {true};
      Runnable maybeDone = () -> {
        if (!sending[0] && outstanding[0] == 0) {
          finished.countDown();
        }
      };
      if (rate > 0) {
        long interval = (long) (1e9 / rate);
        arrivals(
            vertx, k -> start + k * interval, new long[] {end}, outstanding, sending, maybeDone);
      } else {
        for (int i = 0; i < concurrency; i++) {
          outstanding[0]++;
          loop(end, outstanding, sending, maybeDone);
        }
      }
    });
    finished.await(seconds + 30, TimeUnit.SECONDS);
  }

  /** Empties what a window counts and starts its per-second record at {@code start}. */
  private void openWindow(long start, int seconds) {
    measuredStart = start;
    worstBySecond = new long[seconds + 1];
    histogram.reset();
    okHistogram.reset();
    ok = 0;
    failed = 0;
    shed = 0;
    acknowledged.clear();
  }

  /**
   * Sends the k-th request at its intended time {@code at(k)}, each timed from that time, until one
   * is due at or after {@code end[0]} (which may move): a one-shot timer to the next intended time,
   * no fixed tick that wakes whatever the rate.
   */
  private void arrivals(
      Vertx vertx,
      LongUnaryOperator at,
      long[] end,
      long[] outstanding,
      boolean[] sending,
      Runnable maybeDone) {
    long[] sent = {0};
    Handler<Long>[] tick = new Handler[1];
    tick[0] = id -> {
      long now = System.nanoTime();
      while (sending[0] && at.applyAsLong(sent[0]) <= now) {
        long intended = at.applyAsLong(sent[0]);
        sent[0]++;
        if (intended >= end[0]) {
          sending[0] = false;
          break;
        }
        outstanding[0]++;
        send(intended).onComplete(x -> {
          outstanding[0]--;
          maybeDone.run();
        });
      }
      if (sending[0]) {
        vertx.setTimer(
            Math.max(1, (at.applyAsLong(sent[0]) - System.nanoTime()) / 1_000_000), tick[0]);
      }
      maybeDone.run();
    };
    tick[0].handle(0L);
  }

  private void loop(long end, long[] outstanding, boolean[] sending, Runnable maybeDone) {
    send(System.nanoTime()).onComplete(x -> {
      if (System.nanoTime() < end) {
        loop(end, outstanding, sending, maybeDone);
      } else {
        sending[0] = false;
        outstanding[0]--;
        maybeDone.run();
      }
    });
  }

  // a validation is read-only: one signed body per meter, built once (as bench-v1.sh's wrk script
  // did)
  private final Map<String, String[]> signedValidations = new HashMap<>();

  private String[] signed() {
    if (operation.equals("validate")) {
      String serial = serials.get(ThreadLocalRandom.current().nextInt(serials.size()));
      return signedValidations.computeIfAbsent(serial, k -> sign(validationBody(k)));
    }
    String body = body();
    String[] signed = sign(body);
    return new String[] {signed[0], signed[1], lastId};
  }

  private String validationBody(String serial) {
    return "{\"serial\":\"" + serial + "\",\"amount\":10000,\"currency\":\"" + currency
        + "\",\"msisdn\":\"+254700000001\"}";
  }

  private String[] sign(String body) {
    return new String[] {
      body, "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)))
    };
  }

  private Future<Void> send(long intended) {
    String[] signed = signed();
    String body = signed[0];
    String signature = signed[1];
    String id = signed.length > 2 ? signed[2] : null;
    boolean[] busy = {false};
    return client
        .request(HttpMethod.POST, uri)
        .compose(req -> req.putHeader("Content-Type", "application/json")
            .putHeader("X-Signature", signature)
            .send(Buffer.buffer(body))
            .compose(resp -> resp.body().map(b -> {
              busy[0] = resp.statusCode() == 503 && resp.getHeader("Retry-After") != null;
              return resp.statusCode() == 200
                  && (operation.equals("validate")
                      ? b.toString().contains("\"valid\":true")
                      : b.toString().contains("transactionId"));
            })))
        .transform(ar -> {
          long micros = Math.max(0, (System.nanoTime() - intended) / 1000);
          histogram.recordValue(micros);
          int second = (int) Math.min(
              worstBySecond.length - 1, Math.max(0, (intended - measuredStart) / 1_000_000_000L));
          worstBySecond[second] = Math.max(worstBySecond[second], micros);
          if (ar.succeeded() && ar.result()) {
            ok++;
            okHistogram.recordValue(micros);
            if (id != null) {
              acknowledged.add(id);
            }
          } else {
            failed++;
            if (busy[0]) {
              shed++;
            }
          }
          return Future.succeededFuture();
        });
  }
}
