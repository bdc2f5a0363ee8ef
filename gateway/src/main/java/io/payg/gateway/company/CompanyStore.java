package io.payg.gateway.company;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.plugin.PluginCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for companies (their users' SQL is in {@link UserStore}). */
public final class CompanyStore {

  public record NewCompany(
      String name,
      String country,
      String currency,
      String adminEmail,
      String adminName,
      String passwordHash,
      List<String> plugins) {}

  private final Pool pool;
  private final PluginCatalog catalog;

  public CompanyStore(Pool pool, PluginCatalog catalog) {
    this.pool = pool;
    this.catalog = catalog;
  }

  /** The plugins a company may be created with. */
  public PluginCatalog plugins() {
    return catalog;
  }

  /** The company, its first admin and its enabled plugins, all or nothing. */
  public Future<UUID> create(NewCompany c) {
    UUID companyId = UUID.randomUUID();
    UUID adminId = UUID.randomUUID();
    List<Tuple> plugins = new ArrayList<>();
    for (String name : c.plugins()) {
      var p = catalog.find(name).orElseThrow();
      plugins.add(Tuple.of(companyId, p.name(), p.kind().name()));
    }
    return pool.withTransaction(conn -> conn.preparedQuery("""
        INSERT INTO companies (id, name, country, currency) VALUES ($1, $2, $3, $4)""")
            .execute(Tuple.of(companyId, c.name(), c.country(), c.currency()))
            .compose(r -> conn.preparedQuery("""
                INSERT INTO users (id, company_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5,
                  'ADMIN')""")
                .execute(
                    Tuple.of(adminId, companyId, c.adminEmail(), c.adminName(), c.passwordHash())))
            .compose(r -> plugins.isEmpty()
                ? Future.succeededFuture()
                : conn.preparedQuery("""
                    INSERT INTO plugins (company_id, name, kind, enabled) VALUES ($1, $2, $3, true)
                    """).executeBatch(plugins)))
        .map(companyId)
        .recover(UserStore::emailTaken);
  }

  public Future<String> currency(UUID companyId) {
    return pool.preparedQuery("""
        SELECT currency FROM companies WHERE id = $1""")
        .execute(Tuple.of(companyId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** The bcrypt hash of the company's protected-pages password, or null when none is set. */
  public Future<String> protectedPagesHash(UUID companyId) {
    return pool.preparedQuery("""
        SELECT protected_pages_password_hash FROM companies WHERE id = $1""")
        .execute(Tuple.of(companyId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Sets the hash, audited: the row says whether one was set before, never the password or its hash. */
  public Future<Void> setProtectedPagesHash(Caller who, String hash) {
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery("""
            WITH old AS (SELECT protected_pages_password_hash IS NOT NULL AS was_set FROM companies
              WHERE id = $1 FOR UPDATE)
            UPDATE companies SET protected_pages_password_hash = $2 FROM old WHERE id = $1 RETURNING old.was_set""")
                .execute(Tuple.of(who.companyId(), hash))
                .map(rows -> rows.iterator().next().getBoolean(0)),
            wasSet -> new AuditStore.Entry(
                "protected_pages_password.set",
                "company",
                who.companyId().toString(),
                new JsonObject().put("passwordSet", wasSet),
                new JsonObject().put("passwordSet", true)))
        .mapEmpty();
  }
}
