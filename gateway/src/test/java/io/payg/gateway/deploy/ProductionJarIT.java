package io.payg.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package} (failsafe): embedded PostgreSQL is for the demo and tests only, so the
 * production jar carries none of it, and the demo jar that the README starts carries it.
 */
class ProductionJarIT {

  static final Path TARGET = Path.of("target");

  static List<String> entries(String jar) throws Exception {
    Path path = TARGET.resolve(jar);
    assertTrue(Files.isRegularFile(path), "package made " + path);
    try (JarFile file = new JarFile(path.toFile())) {
      return file.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void theProductionJarHasNoEmbeddedPostgresql() throws Exception {
    List<String> names = entries("payg-gateway.jar");
    assertTrue(names.contains("io/payg/gateway/Main.class"), "the gateway itself is in it");
    assertTrue(
        names.contains("org/postgresql/Driver.class"), "the JDBC driver migrations need is in it");
    assertFalse(
        names.stream().anyMatch(n -> n.startsWith("io/zonky/")),
        "no io/zonky class in the production jar");
    assertFalse(
        names.stream().anyMatch(n -> n.startsWith("postgres-") && n.endsWith(".txz")),
        "no PostgreSQL binaries in the production jar");
  }

  @Test
  void theDemoJarCarriesEmbeddedPostgresqlAndTheSameMain() throws Exception {
    List<String> names = entries("payg-gateway-demo.jar");
    assertTrue(names.contains("io/payg/gateway/Main.class"));
    assertTrue(
        names.contains("io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class"),
        "the demo jar starts an embedded PostgreSQL on a machine without one");
  }

  /**
   * The production jar starts on a real database and answers: every library the start needs is
   * in it (the contract validator's YAML reader was once test-scoped and missing only there), and
   * an operator request is checked against the contract it carries.
   */
  @Test
  void theProductionJarStartsAndValidatesRequestsFromItsContract() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestDatabase db = TestDatabase.fresh(ProductionJarIT.class)) {
      ProcessBuilder pb = new ProcessBuilder(
          System.getProperty("java.home") + "/bin/java",
          "-jar",
          TARGET.resolve("payg-gateway.jar").toString());
      pb.environment()
          .putAll(Map.of(
              "DATABASE_URL", db.url().toUrl(),
              "HTTP_HOST", "127.0.0.1",
              "HTTP_PORT", String.valueOf(port),
              "BCRYPT_COST", "4",
              "SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
              "JWT_PRIVATE_KEY", GatewayFixture.JWT_KEYS.privateKeyPem(),
              "JWT_PUBLIC_KEY", GatewayFixture.JWT_KEYS.publicKeyPem()));
      File log = File.createTempFile("payg-production-jar", ".log");
      pb.redirectErrorStream(true).redirectOutput(log);
      Process child = pb.start();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int ready = -1;
        while (ready != 200 && child.isAlive() && System.nanoTime() < deadline) {
          try {
            ready = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
          } catch (IOException e) {
            Thread.sleep(200); // not listening yet
          }
        }
        assertEquals(200, ready, "ready; the jar's log:\n" + Files.readString(log.toPath()));
        HttpResponse<String> refused = http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/companies"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Jar Energy\",\"country\":\"KE\","
                            + "\"currency\":\"KES\",\"admin\":{\"email\":\"jar@example.com\",\"password\":\"short\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("VALIDATION_FAILED"), refused.body());
        assertTrue(refused.body().contains("/admin/password"), refused.body());
      } finally {
        child.destroy();
        child.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }
}
