package io.payg.gateway.db;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A PostgreSQL location, parsed once from {@code postgresql://user:pass@host:port/db}
 * (also {@code postgres://} and {@code jdbc:postgresql://}), and turned into what each client
 * wants: JDBC for Flyway at start-up, {@link PgConnectOptions} for the reactive pool.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  public static DatabaseUrl parse(String url) {
    String s = url.startsWith("jdbc:") ? url.substring(5) : url;
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      // URI's message quotes the whole URL, password included, and Main logs it: say what, not the value
      throw new IllegalArgumentException("DATABASE_URL is not a valid URL: expected "
          + "postgresql://user:password@host:port/database, with reserved characters percent-encoded");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://");
    }
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    // ?user=...&password=... as JDBC URLs carry them
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        String[] p = kv.split("=", 2);
        if (p.length == 2 && p[0].equals("user")) {
          user = decode(p[1]);
        } else if (p.length == 2 && p[0].equals("password")) {
          password = decode(p[1]);
        }
      }
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String db = path.startsWith("/") ? path.substring(1) : path;
    return new DatabaseUrl(uri.getHost() == null ? "127.0.0.1" : uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(), db.isEmpty() ? "postgres" : db, user, password);
  }

  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public Properties jdbcProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "3");
    return p;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        // prepared statements are cached per connection: the hot paths run a handful of fixed SQL texts
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPipeliningLimit(256);
  }

  public String toUrl() {
    String auth = password.isEmpty() ? user : user + ":" + password;
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
