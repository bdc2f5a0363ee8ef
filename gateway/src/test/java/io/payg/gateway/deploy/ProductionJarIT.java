package io.payg.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
