package io.payg.gateway.company;

import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.plugin.PluginCatalog;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for companies and their users. */
public final class CompanyStore {

  public record NewCompany(String name, String country, String currency, String adminEmail, String adminName,
                           String passwordHash, List<String> plugins) {
  }

  public record Login(UUID userId, UUID companyId, Role role, String passwordHash) {
  }

  private final Pool pool;

  public CompanyStore(Pool pool) {
    this.pool = pool;
  }

  /** The company, its first admin and its enabled plugins, all or nothing. */
  public Future<UUID> create(NewCompany c) {
    UUID companyId = UUID.randomUUID();
    UUID adminId = UUID.randomUUID();
    List<Tuple> plugins = new ArrayList<>();
    for (String name : c.plugins()) {
      PluginCatalog.Plugin p = PluginCatalog.find(name).orElseThrow();
      plugins.add(Tuple.of(companyId, p.name(), p.kind().name()));
    }
    return pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO companies (id, name, country, currency) VALUES ($1, $2, $3, $4)")
            .execute(Tuple.of(companyId, c.name(), c.country(), c.currency()))
            .compose(r -> conn.preparedQuery(
                    "INSERT INTO users (id, company_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5, 'ADMIN')")
                .execute(Tuple.of(adminId, companyId, c.adminEmail(), c.adminName(), c.passwordHash())))
            .compose(r -> plugins.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
                    "INSERT INTO plugins (company_id, name, kind, enabled) VALUES ($1, $2, $3, true)")
                .executeBatch(plugins)))
        .map(companyId)
        .recover(CompanyStore::emailTaken);
  }

  public Future<UUID> createUser(UUID companyId, String email, String name, String passwordHash, Role role, long riskLimit) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("INSERT INTO users (id, company_id, email, name, password_hash, role, risk_limit) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(id, companyId, email, name, passwordHash, role.name(), riskLimit))
        .map(id)
        .recover(CompanyStore::emailTaken);
  }

  public Future<Login> findLogin(String email) {
    return pool.preparedQuery("SELECT id, company_id, role, password_hash FROM users WHERE lower(email) = lower($1)")
        .execute(Tuple.of(email))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Login(r.getUUID("id"), r.getUUID("company_id"), Role.valueOf(r.getString("role")),
              r.getString("password_hash"));
        });
  }

  public Future<String> currency(UUID companyId) {
    return pool.preparedQuery("SELECT currency FROM companies WHERE id = $1").execute(Tuple.of(companyId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  private static <T> Future<T> emailTaken(Throwable t) {
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState()) && pg.getMessage().contains("users_email")) {
      return Future.failedFuture(ApiException.conflict("EMAIL_TAKEN", "A user with this email already exists"));
    }
    return Future.failedFuture(t);
  }
}
