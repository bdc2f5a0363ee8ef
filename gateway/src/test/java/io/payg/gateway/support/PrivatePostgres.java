package io.payg.gateway.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own (initdb in a temporary folder, a free loopback port),
 * for settings the shared server must not change, such as TLS. Runs the Debian binaries as the
 * postgres user when the tests run as root (PostgreSQL refuses to run as root).
 */
public final class PrivatePostgres implements AutoCloseable {

  public final Path dir;
  public final int port;
  private final Path bin;

  private PrivatePostgres(Path dir, int port, Path bin) {
    this.dir = dir;
    this.port = port;
    this.bin = bin;
  }

  /** The newest installed server's bin folder, or null when none is installed. */
  public static Path binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(Path::toString))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** initdb; {@code prepare} may write files into the data folder (certificates, pg_hba.conf) before start. */
  public static PrivatePostgres start(List<String> serverSettings, DataFolderStep prepare)
      throws Exception {
    Path bin = binaries();
    Path dir = Files.createTempDirectory("payg-pg-");
    run(List.of("chmod", "755", dir.toString()));
    Path data = dir.resolve("data");
    run(List.of("chown", "-R", owner(), dir.toString()));
    asPostgres(List.of(
        bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust"));
    prepare.accept(data);
    run(List.of("chown", "-R", owner(), dir.toString()));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> options = new ArrayList<>(List.of(
        "-p", String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1"));
    serverSettings.forEach(s -> options.addAll(List.of("-c", s)));
    asPostgres(List.of(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("log").toString(),
        "-w",
        "-o",
        String.join(" ", options),
        "start"));
    return new PrivatePostgres(dir, port, bin);
  }

  /** A step on the data folder before the server starts. */
  @FunctionalInterface
  public interface DataFolderStep {
    void accept(Path data) throws Exception;
  }

  public String log() throws IOException {
    return Files.readString(dir.resolve("log"));
  }

  @Override
  public void close() throws Exception {
    asPostgres(List.of(
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-m",
        "immediate",
        "stop"));
    run(List.of("rm", "-rf", dir.toString()));
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String owner() {
    return root() ? "postgres:postgres" : System.getProperty("user.name");
  }

  private static void asPostgres(List<String> command) throws Exception {
    List<String> full = new ArrayList<>();
    if (root()) {
      full.addAll(Arrays.asList("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full);
  }

  public static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
