package io.payg.gateway.payment;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.db.DatabaseUrl;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every statement of the stores stays prepared on its connection: the reactive client caches a
 * text only up to its SQL limit (2,048 characters by Vert.x's default), and a statement above it is
 * parsed, analysed and planned again on every call (docs/performance.md, "The record statement was
 * never prepared").
 */
class PreparedStatementCacheTest {

  static final Path MAIN = Path.of("src/main/java").toAbsolutePath();
  private static final Pattern SQL =
      Pattern.compile("(?is)\\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\\s.*");

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // one connection: the statements this test reads back are that connection's
    gw = new GatewayFixture(PreparedStatementCacheTest.class, Map.of("DB_POOL_SIZE", "1"));
    company = gw.company("Prepared Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void everyStoreStatementFitsTheCache() throws Exception {
    Predicate<String> cached = DatabaseUrl.parse("postgresql://u@127.0.0.1:5432/d")
        .connectOptions()
        .getPreparedStatementCacheSqlFilter();
    List<String> seen = new ArrayList<>();
    List<String> uncached = new ArrayList<>();
    for (Class<?> store : stores()) {
      for (Field f : store.getDeclaredFields()) {
        if (f.getType() != String.class || !Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        f.setAccessible(true);
        String sql = (String) f.get(null);
        if (sql == null || !SQL.matcher(sql).matches()) {
          continue;
        }
        seen.add(store.getSimpleName() + "." + f.getName());
        if (!cached.test(sql)) {
          uncached.add(store.getSimpleName() + "." + f.getName() + " (" + sql.length() + " chars)");
        }
      }
    }
    assertTrue(seen.contains("PaymentStore.RECORD"), "the stores were read: " + seen);
    assertTrue(seen.contains("TokenStore.STORE"), "the stores were read: " + seen);
    assertEquals(List.of(), uncached, "statements the client would parse and plan on every call");
  }

  @Test
  void aPaymentsRecordStatementIsPreparedOnceOnItsConnection() {
    String serial = "PREP-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    for (int i = 0; i < 3; i++) {
      var r = await(company
          .provider()
          .process("PREP-" + i + "-" + serial, serial, 10_000, "KES", "+254712345678", null));
      assertEquals(200, r.statusCode(), r.bodyAsString());
    }
    assertEquals(3, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial));
    // the pool's one connection: what it keeps prepared (an unnamed statement is not listed)
    List<String> prepared = new ArrayList<>();
    for (Row row : await(
        gw.app.pool().query("SELECT statement FROM pg_prepared_statements").execute())) {
      prepared.add(row.getString(0));
    }
    assertTrue(
        prepared.contains(PaymentStore.RECORD),
        "PaymentStore.RECORD is not among the connection's prepared statements (" + prepared.size()
            + ")");
  }

  private static List<Class<?>> stores() throws IOException, ClassNotFoundException {
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> s = Files.walk(MAIN)) {
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith("Store.java"))
          .sorted()
          .toList()) {
        String name = MAIN.relativize(p).toString().replace('/', '.').replace('\\', '.');
        classes.add(Class.forName(name.substring(0, name.length() - ".java".length())));
      }
    }
    return classes;
  }
}
