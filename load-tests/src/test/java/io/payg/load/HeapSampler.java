package io.payg.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The live heap of a running JVM, sampled from one process for the whole run: token-storm.sh's
 * sampler. Each sample reads the heap in use, runs a full collection (what {@code jcmd GC.run}
 * does: {@code System.gc()}), and reads it again, so the second figure is what is live.
 *
 * <p>Why not jcmd: every jcmd is a JVM of its own, about 0.2 s of CPU, and a sample took three of
 * them, about a third of these 2 cores during a drain. This process attaches once (the JDK's attach
 * API starts the target's local JMX agent) and then costs a few milliseconds a sample.
 *
 * <p>{@code java HeapSampler.java <pid> <interval ms> <out file>}: writes {@code ready} to its
 * stdout once attached, then appends one line per sample to the file, {@code <epoch ms> <used
 * before MB> <live MB>}, until the target JVM is gone.
 */
public final class HeapSampler {

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: HeapSampler <pid> <interval ms> <out file>");
      System.exit(2);
    }
    long interval = Long.parseLong(args[1]);
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
      while (true) {
        long start = System.currentTimeMillis();
        try {
          long before = memory.getHeapMemoryUsage().getUsed();
          memory.gc();
          long live = memory.getHeapMemoryUsage().getUsed();
          out.printf("%d %d %d%n", start, before >> 20, live >> 20);
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

  private HeapSampler() {}
}
