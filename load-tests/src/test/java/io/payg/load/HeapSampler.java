package io.payg.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The live heap of a running JVM, sampled from one process for the whole run: token-storm.sh's
 * sampler. Each sample reads the heap in use; some (below) then run a full collection (what {@code
 * jcmd GC.run} does: {@code System.gc()}) and read it again, so that figure is what is live.
 *
 * <p>Why not jcmd: every jcmd is a JVM of its own, about 0.2 s of CPU, and a sample took three of
 * them, about a third of these 2 cores during a drain. This process attaches once (the JDK's attach
 * API starts the target's local JMX agent) and then costs a few milliseconds a sample.
 *
 * <p>A full collection stops the target for about 0.1 s (a 512 MB G1 heap on 2 cores): one a
 * second stopped it a tenth of a drain and was half of its GC CPU. So the heap in use is read
 * at every interval and the collection runs only every {@code gc interval} (default: every sample),
 * and, given a URL whose JSON answer carries {@code "inFlight":N} (the Calin simulator's admin
 * page), also whenever N is above its value at every earlier collection: the live heap is read at
 * each new peak of the requests it is held for, where its own peak is.
 *
 * <p>{@code java HeapSampler.java <pid> <interval ms> <out file> [<gc interval ms> [<url>]]}: writes
 * {@code ready} to its stdout once attached, then appends one line per sample to the file, {@code
 * <epoch ms> <used MB> <live MB> <in flight>} ({@code -} for live when the sample ran no collection,
 * for in flight without a URL), until the target JVM is gone.
 */
public final class HeapSampler {

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length > 5) {
      System.err.println(
          "usage: HeapSampler <pid> <interval ms> <out file> [<gc interval ms> [<url>]]");
      System.exit(2);
    }
    long interval = Long.parseLong(args[1]);
    long gcInterval = args.length >= 4 ? Long.parseLong(args[3]) : interval;
    URI peer = args.length == 5 ? URI.create(args[4]) : null;
    HttpClient http = peer == null ? null : HttpClient.newHttpClient();
    VirtualMachine vm = VirtualMachine.attach(args[0]);
    String address = vm.startLocalManagementAgent();
    vm.detach();
    try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
        PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[2])), true)) {
      MBeanServerConnection server = jmx.getMBeanServerConnection();
      MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(
          server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
      memory.getHeapMemoryUsage(); // the first remote call sets up the connection
      System.out.println("ready");
      long lastGc = 0;
      long peakAtGc = -1;
      while (true) {
        long start = System.currentTimeMillis();
        long inFlight = peer == null ? -1 : inFlight(http, peer);
        String held = inFlight < 0 ? "-" : String.valueOf(inFlight);
        try {
          long before = memory.getHeapMemoryUsage().getUsed();
          if (start - lastGc >= gcInterval || inFlight > peakAtGc) {
            memory.gc();
            lastGc = start;
            peakAtGc = Math.max(peakAtGc, inFlight);
            long live = memory.getHeapMemoryUsage().getUsed();
            out.printf("%d %d %d %s%n", start, before >> 20, live >> 20, held);
          } else {
            out.printf("%d %d - %s%n", start, before >> 20, held);
          }
        } catch (RuntimeException gone) {
          return; // the target stopped: the run is over
        }
        long rest = interval - (System.currentTimeMillis() - start);
        if (rest > 0) {
          Thread.sleep(rest);
        }
      }
    }
  }

  private static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\":(\\d+)");

  /** The peer's count of requests open, or -1 when it cannot be read (no collection for it then). */
  private static long inFlight(HttpClient http, URI peer) {
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(peer).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = IN_FLIGHT.matcher(r.body());
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private HeapSampler() {}
}
