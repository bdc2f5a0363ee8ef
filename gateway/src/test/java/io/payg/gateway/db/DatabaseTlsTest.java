package io.payg.gateway.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.PrivatePostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code sslmode} and {@code sslrootcert} in DATABASE_URL are honoured by both clients (Flyway's
 * JDBC and the reactive pool), against a PostgreSQL that accepts TLS connections only.
 */
class DatabaseTlsTest {

  static PrivatePostgres pg;
  static Path ca;
  static Path otherCa;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        PrivatePostgres.binaries() != null,
        "a PostgreSQL server is installed (Debian: postgresql)");
    pg = PrivatePostgres.start(
        List.of("ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key"), data -> {
          // a CA and a server certificate for the name "localhost" only (not 127.0.0.1)
          String d = data.toString();
          PrivatePostgres.run(List.of(
              "openssl",
              "req",
              "-x509",
              "-newkey",
              "rsa:2048",
              "-nodes",
              "-days",
              "2",
              "-subj",
              "/CN=payg test CA",
              "-keyout",
              d + "/ca.key",
              "-out",
              d + "/ca.crt"));
          PrivatePostgres.run(List.of(
              "openssl",
              "req",
              "-newkey",
              "rsa:2048",
              "-nodes",
              "-subj",
              "/CN=localhost",
              "-keyout",
              d + "/server.key",
              "-out",
              d + "/server.csr"));
          Files.writeString(data.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
          PrivatePostgres.run(List.of(
              "openssl",
              "x509",
              "-req",
              "-in",
              d + "/server.csr",
              "-CA",
              d + "/ca.crt",
              "-CAkey",
              d + "/ca.key",
              "-CAcreateserial",
              "-days",
              "2",
              "-extfile",
              d + "/san.ext",
              "-out",
              d + "/server.crt"));
          PrivatePostgres.run(List.of("chmod", "600", d + "/server.key"));
          // TLS or nothing
          Files.writeString(
              data.resolve("pg_hba.conf"),
              "local all all trust\n"
                  + "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n");
          PrivatePostgres.run(List.of(
              "openssl",
              "req",
              "-x509",
              "-newkey",
              "rsa:2048",
              "-nodes",
              "-days",
              "2",
              "-subj",
              "/CN=someone else",
              "-keyout",
              d + "/other.key",
              "-out",
              d + "/other.crt"));
        });
    Path data = pg.dir.resolve("data");
    ca = Files.copy(
        data.resolve("ca.crt"),
        Files.createTempFile("payg-ca", ".crt"),
        StandardCopyOption.REPLACE_EXISTING);
    otherCa = Files.copy(
        data.resolve("other.crt"),
        Files.createTempFile("payg-other-ca", ".crt"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  static GatewayApp gateway(String databaseUrl) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_HOST",
        "127.0.0.1",
        "HTTP_PORT",
        "0",
        "BCRYPT_COST",
        "4",
        "EVENT_LOOPS",
        "1",
        "SECRETS_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "JWT_PRIVATE_KEY",
        GatewayFixture.JWT_KEYS.privateKeyPem(),
        "JWT_PUBLIC_KEY",
        GatewayFixture.JWT_KEYS.publicKeyPem()));
    env.put("DATABASE_URL", databaseUrl);
    env.putAll(GatewayFixture.LOOPBACK_PEERS);
    return GatewayApp.start(GatewayConfig.fromEnv(env, false), Clock.systemUTC());
  }

  @Test
  void verifyFullConnectsBothClientsOverTls() throws Exception {
    try (GatewayApp app = gateway("postgresql://postgres@localhost:" + pg.port
        + "/postgres?sslmode=verify-full&sslrootcert=" + ca)) {
      // the reactive pool's own connection is encrypted, and Flyway (JDBC) could migrate through
      // TLS-only hba
      boolean ssl = app.pool()
          .query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
          .execute()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .iterator()
          .next()
          .getBoolean(0);
      assertTrue(ssl);
      long migrated = app.pool()
          .query("SELECT count(*) FROM flyway_schema_history WHERE success")
          .execute()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .iterator()
          .next()
          .getLong(0);
      assertTrue(migrated > 10, "migrations applied over TLS: " + migrated);
    }
  }

  @Test
  void requireEncryptsWithoutCheckingTheCertificate() throws Exception {
    try (GatewayApp app =
        gateway("postgresql://postgres@127.0.0.1:" + pg.port + "/postgres?sslmode=require")) {
      assertEquals(
          Boolean.TRUE,
          app.pool()
              .query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .iterator()
              .next()
              .getBoolean(0));
    }
  }

  @Test
  void aWrongHostNameOrAnotherCaOrNoTlsIsRefused() {
    // the certificate names localhost, not 127.0.0.1
    assertThrows(
        Exception.class,
        () -> gateway("postgresql://postgres@127.0.0.1:" + pg.port
                + "/postgres?sslmode=verify-full&sslrootcert=" + ca)
            .close());
    assertThrows(
        Exception.class,
        () -> gateway("postgresql://postgres@localhost:" + pg.port
                + "/postgres?sslmode=verify-ca&sslrootcert=" + otherCa)
            .close());
    // the server takes TLS only
    assertThrows(
        Exception.class,
        () -> gateway("postgresql://postgres@127.0.0.1:" + pg.port + "/postgres?sslmode=disable")
            .close());
  }

  @Test
  void thePoolChecksTheHostNameToo() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres@127.0.0.1:" + pg.port
          + "/postgres?sslmode=verify-full&sslrootcert=" + ca);
      Pool pool =
          PgBuilder.pool().connectingTo(url.connectOptions()).using(vertx).build();
      assertThrows(
          Exception.class,
          () -> pool.query("SELECT 1")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS));
      Pool good = PgBuilder.pool()
          .connectingTo(url.withHost("localhost").connectOptions())
          .using(vertx)
          .build();
      assertEquals(
          1,
          good.query("SELECT 1")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .iterator()
              .next()
              .getInteger(0));
    } finally {
      vertx.close();
    }
  }

  @Test
  void urlPartsAreDecodedAsUrlsNotForms() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgresql://app:pa+ss%2Fw%40rd@db.example:6432/payg?sslmode=verify-full"
            + "&sslrootcert=%2Fetc%2Fca.pem");
    assertEquals("pa+ss/w@rd", url.password());
    assertEquals("verify-full", url.sslMode());
    assertEquals("/etc/ca.pem", url.sslRootCert());
    assertEquals(url, DatabaseUrl.parse(url.toUrl()));
    assertEquals("prefer", DatabaseUrl.parse("postgresql://app@db/payg").sslMode());
    assertThrows(
        IllegalArgumentException.class,
        () -> DatabaseUrl.parse("postgresql://app@db/payg?sslmode=verify-ca"));
    assertThrows(
        IllegalArgumentException.class,
        () -> DatabaseUrl.parse("postgresql://app@db/payg?sslmode=maybe"));
  }
}
