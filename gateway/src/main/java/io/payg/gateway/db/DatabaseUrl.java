package io.payg.gateway.db;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * A PostgreSQL location, parsed once from {@code postgresql://user:pass@host:port/db?sslmode=…}
 * (also {@code postgres://} and {@code jdbc:postgresql://}), and turned into what each client
 * wants: JDBC for Flyway at start-up, {@link PgConnectOptions} for the reactive pool.
 *
 * <p>{@code sslmode} and {@code sslrootcert} mean what they mean to libpq
 * (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION): absent is
 * {@code prefer}; {@code require} encrypts without checking the certificate; {@code verify-ca}
 * checks it against {@code sslrootcert}; {@code verify-full} also checks the host name.
 */
public record DatabaseUrl(
    String host,
    int port,
    String database,
    String user,
    String password,
    String sslMode,
    String sslRootCert) {

  /**
   * The longest SQL text the reactive clients keep prepared on a connection. Vert.x caches only
   * texts up to 2,048 characters by default (SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT,
   * https://vertx.io/docs/apidocs/io/vertx/sqlclient/SqlConnectOptions.html): PaymentStore.RECORD and
   * TokenStore.STORE are longer, so each payment was parsed, analysed and planned again
   * (docs/performance.md, "The record statement was never prepared"). Every statement of the stores
   * is fixed text, so the cache holds a bounded set; StatementCacheTest keeps them all under this.
   */
  public static final int STATEMENT_CACHE_SQL_LIMIT = 16_384;

  static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  public DatabaseUrl {
    if (!SSL_MODES.contains(sslMode)) {
      throw new IllegalArgumentException("DATABASE_URL sslmode must be one of " + SSL_MODES);
    }
    if (sslMode.startsWith("verify") && (sslRootCert == null || sslRootCert.isBlank())) {
      throw new IllegalArgumentException(
          "DATABASE_URL sslmode=" + sslMode + " needs sslrootcert=<path of the CA's PEM>");
    }
  }

  /** A server of our own on this machine (the demo's or the tests'): plain TCP, as before sslmode. */
  public DatabaseUrl(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, "disable", null);
  }

  public static DatabaseUrl parse(String url) {
    String s = url.startsWith("jdbc:") ? url.substring(5) : url;
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      // URI's message quotes the whole URL, password included, and Main logs it: say what, not the
      // value
      throw new IllegalArgumentException(
          "DATABASE_URL is not a valid URL: expected "
              + "postgresql://user:password@host:port/database, with reserved characters percent-encoded");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://");
    }
    String user = "postgres";
    String password = "";
    String sslMode = "prefer";
    String sslRootCert = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    // ?user=...&password=... as JDBC URLs carry them; sslmode and sslrootcert as libpq's
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        String[] p = kv.split("=", 2);
        if (p.length != 2) {
          continue;
        }
        switch (p[0]) {
          case "user" -> user = decode(p[1]);
          case "password" -> password = decode(p[1]);
          case "sslmode" -> sslMode = decode(p[1]).toLowerCase(Locale.ROOT);
          case "sslrootcert" -> sslRootCert = decode(p[1]);
          default -> {}
        }
      }
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String db = path.startsWith("/") ? path.substring(1) : path;
    return new DatabaseUrl(
        uri.getHost() == null ? "127.0.0.1" : uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        db.isEmpty() ? "postgres" : db,
        user,
        password,
        sslMode,
        sslRootCert);
  }

  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password, sslMode, sslRootCert);
  }

  /** The JDBC URL, with libpq's TLS words that pgJDBC takes too (Flyway gets only this URL). */
  DatabaseUrl withHost(String name) {
    return new DatabaseUrl(name, port, database, user, password, sslMode, sslRootCert);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode
        + (sslRootCert == null ? "" : "&sslrootcert=" + encode(sslRootCert));
  }

  public Properties jdbcProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "3");
    return p;
  }

  /**
   * As {@link #connectOptions()}, through the Unix-domain socket {@code <socketDir>/.s.PGSQL.<port>}
   * when {@code socketDir} is not empty: Vert.x takes a host starting with "/" as that directory
   * (PgConnectOptions.isUsingDomainSocket, as libpq's host). PostgreSQL offers TLS on TCP only
   * (https://www.postgresql.org/docs/current/ssl-tcp.html), so such a connection is plain.
   */
  public PgConnectOptions connectOptions(String socketDir) {
    if (socketDir == null || socketDir.isEmpty()) {
      return connectOptions();
    }
    return new PgConnectOptions(connectOptions()).setHost(socketDir).setSslMode(SslMode.DISABLE);
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        // prepared statements are cached per connection: the hot paths run a handful of fixed SQL
        // texts
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT)
        .setPipeliningLimit(256)
        .setSslMode(SslMode.of(sslMode));
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (sslMode.startsWith("verify")) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(sslRootCert))
          .setHostnameVerificationAlgorithm("verify-full".equals(sslMode) ? "HTTPS" : "");
    } else {
      // allow / prefer / require: encrypted if the server offers it, the certificate unchecked
      // (libpq's meaning)
      ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    return options.setSslOptions(ssl);
  }

  public String toUrl() {
    String auth = password.isEmpty() ? encode(user) : encode(user) + ":" + encode(password);
    String query =
        "?sslmode=" + sslMode + (sslRootCert == null ? "" : "&sslrootcert=" + encode(sslRootCert));
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database + query;
  }

  /** Percent-decoding only: a '+' in a password is a plus, not a space (URLDecoder is for forms). */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
