package io.payg.gateway.location;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.UUID;

/**
 * SQL for the location tree cluster -> mini-grid -> village. A child is inserted only when
 * its parent belongs to the same company (INSERT ... SELECT scoped by company), so no request
 * can hang a village under another company's mini-grid.
 */
public final class LocationStore {

  /** Each level's statements, written out: $1 id, $2 company, $3 name, $4 parent (same company). */
  public enum Level {
    CLUSTER("clusters", null, """
        INSERT INTO clusters (id, company_id, name) VALUES ($1, $2, $3)""", """
        SELECT id, name, NULL::uuid AS parent_id FROM clusters WHERE company_id = $1 ORDER BY name"""),
    MINI_GRID("mini_grids", "clusters", """
        INSERT INTO mini_grids (id, company_id, cluster_id, name)
        SELECT $1, $2, p.id, $3 FROM clusters p WHERE p.id = $4 AND p.company_id = $2""", """
        SELECT id, name, cluster_id AS parent_id FROM mini_grids WHERE company_id = $1 ORDER BY name"""),
    VILLAGE("villages", "mini_grids", """
        INSERT INTO villages (id, company_id, mini_grid_id, name)
        SELECT $1, $2, p.id, $3 FROM mini_grids p WHERE p.id = $4 AND p.company_id = $2""", """
        SELECT id, name, mini_grid_id AS parent_id FROM villages WHERE company_id = $1 ORDER BY name""");

    final String table;
    final String parentTable;
    final String insert;
    final String list;

    Level(String table, String parentTable, String insert, String list) {
      this.table = table;
      this.parentTable = parentTable;
      this.insert = insert;
      this.list = list;
    }
  }

  private final Pool pool;

  public LocationStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(Caller who, Level level, UUID parentId, String name) {
    UUID companyId = who.companyId();
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> create(conn, companyId, level, parentId, name),
        out -> new AuditStore.Entry(
            level.name().toLowerCase(Locale.ROOT) + ".created",
            level.name().toLowerCase(Locale.ROOT),
            out.getString("id"),
            null,
            out.copy()));
  }

  private Future<JsonObject> create(
      SqlClient db, UUID companyId, Level level, UUID parentId, String name) {
    UUID id = UUID.randomUUID();
    Future<RowSet<Row>> insert = level.parentTable == null
        ? db.preparedQuery(level.insert).execute(Tuple.of(id, companyId, name))
        : db.preparedQuery(level.insert).execute(Tuple.of(id, companyId, name, parentId));
    return insert
        .recover(t -> t instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(ApiException.conflict(
                "DUPLICATE_NAME",
                "A " + level.name().toLowerCase().replace('_', '-')
                    + " with this name already exists"))
            : Future.failedFuture(t))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw ApiException.unprocessable(
                "PARENT_NOT_FOUND",
                "No such " + level.parentTable.replace("_", "-").replaceAll("s$", "")
                    + " in your company");
          }
          JsonObject out = new JsonObject().put("id", id.toString()).put("name", name);
          if (parentId != null) {
            out.put(level == Level.MINI_GRID ? "clusterId" : "miniGridId", parentId.toString());
          }
          return out;
        });
  }

  public Future<JsonArray> list(UUID companyId, Level level) {
    return pool.preparedQuery(level.list).execute(Tuple.of(companyId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> {
        JsonObject o =
            new JsonObject().put("id", r.getUUID("id").toString()).put("name", r.getString("name"));
        if (level == Level.MINI_GRID) {
          o.put("clusterId", r.getUUID("parent_id").toString());
        } else if (level == Level.VILLAGE) {
          o.put("miniGridId", r.getUUID("parent_id").toString());
        }
        out.add(o);
      });
      return out;
    });
  }
}
