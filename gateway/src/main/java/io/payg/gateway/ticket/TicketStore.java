package io.payg.gateway.ticket;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL of support tickets and their comments; every statement is confined to one company. */
public final class TicketStore {

  public record NewTicket(UUID customerId, String title, String description, String category) {}

  private static final String COLUMNS =
      "t.id, t.customer_id, t.title, t.description, t.category, t.status, "
          + "t.assignee_user_id, t.created_by, t.created_at, t.updated_at";

  /** $1 ticket, $2 company, $3 only if opened by this user (or null): the ticket with its comments. */
  private static final String GET = """
      SELECT %s,
             (SELECT json_agg(json_build_object('id', m.id, 'authorId', m.author_id, 'body', m.body,
                                                'createdAt', m.created_at) ORDER BY m.created_at)
                FROM ticket_comments m
               WHERE m.ticket_id = t.id) AS comments
        FROM tickets t
       WHERE t.id = $1 AND t.company_id = $2 AND ($3::uuid IS NULL OR t.created_by = $3)""".formatted(COLUMNS);

  /** $1 company; filters or null: $2 opened by, $3 status, $4 customer, $5 created before; $6 limit. */
  private static final String SEARCH = """
      SELECT %s
        FROM tickets t
       WHERE t.company_id = $1
         AND ($2::uuid IS NULL OR t.created_by = $2) AND ($3::text IS NULL OR t.status = $3)
         AND ($4::uuid IS NULL OR t.customer_id = $4) AND ($5::timestamptz IS NULL OR t.created_at < $5)
       ORDER BY t.created_at DESC
       LIMIT $6""".formatted(COLUMNS);

  private final Pool pool;

  public TicketStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Opens a ticket. The customer, if given, must be the company's, and with {@code agentId} one
   * of that agent's own customers; otherwise nothing is written and the answer is 422.
   */
  public Future<JsonObject> create(Caller who, UUID agentId, NewTicket t) {
    UUID id = UUID.randomUUID();
    UUID companyId = who.companyId();
    UUID createdBy = who.userId();
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery("""
        INSERT INTO tickets (id, company_id, customer_id, title, description, category, created_by)
        SELECT $1, $2, $3, $4, $5, $6, $7 WHERE $3::uuid IS NULL OR EXISTS (SELECT 1 FROM customers c
        WHERE c.id = $3 AND c.company_id = $2 AND ($8::uuid IS NULL OR c.agent_id = $8))""")
                .execute(Tuple.from(new Object[] {
                  id,
                  companyId,
                  t.customerId(),
                  t.title(),
                  t.description(),
                  t.category(),
                  createdBy,
                  agentId
                }))
                .map(rows -> rows.rowCount()),
            n -> n == 0
                ? null
                : new AuditStore.Entry(
                    "ticket.created",
                    "ticket",
                    id.toString(),
                    null,
                    new JsonObject()
                        .put(
                            "customerId",
                            t.customerId() == null ? null : t.customerId().toString())
                        .put("title", t.title())
                        .put("category", t.category())
                        .put("status", "OPEN")))
        .compose(n -> {
          if (n == 0) {
            return Future.failedFuture(ApiException.unprocessable(
                "CUSTOMER_NOT_FOUND",
                agentId == null
                    ? "No such customer in your company"
                    : "No such customer among yours"));
          }
          return get(companyId, null, id);
        });
  }

  /** A ticket with its comments; with {@code createdBy}, only one that user opened. */
  public Future<JsonObject> get(UUID companyId, UUID createdBy, UUID id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id, companyId, createdBy)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("ticket");
      }
      Row r = rows.iterator().next();
      return json(r)
          .put("comments", r.getValue("comments") instanceof JsonArray a ? a : new JsonArray());
    });
  }

  /** Newest first, keyset-paged on createdAt; with {@code createdBy}, only that user's tickets. */
  public Future<JsonObject> search(TicketSearch t, OffsetDateTime before, int limit) {
    return pool.preparedQuery(SEARCH)
        .execute(Tuple.from(
            new Object[] {t.companyId(), t.createdBy(), t.status(), t.customerId(), before, limit}))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return Paging.page(items, limit, "createdAt");
        });
  }

  /**
   * Changes the status and/or the assignee ({@code clearAssignee} unassigns). The assignee must
   * be an ADMIN or OPERATOR of the company.
   */
  public Future<JsonObject> update(
      Caller who, UUID id, String status, UUID assignee, boolean clearAssignee) {
    UUID companyId = who.companyId();
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery("""
        WITH old AS (SELECT status, assignee_user_id
        FROM tickets WHERE id = $1 AND company_id = $2 FOR UPDATE)
        UPDATE tickets SET status = coalesce($3, tickets.status),
        assignee_user_id = CASE WHEN $5 THEN NULL ELSE coalesce($4, tickets.assignee_user_id) END,
        updated_at = clock_timestamp() FROM old
        WHERE id = $1 AND company_id = $2 AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = $4
        AND u.company_id = $2 AND u.role IN ('ADMIN', 'OPERATOR')))
        RETURNING old.status, old.assignee_user_id::text, tickets.status, tickets.assignee_user_id::text""")
                .execute(Tuple.of(id, companyId, status, assignee, clearAssignee))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next()),
            r -> r == null
                ? null
                : new AuditStore.Entry(
                    "ticket.updated",
                    "ticket",
                    id.toString(),
                    new JsonObject()
                        .put("status", r.getString(0))
                        .put("assigneeUserId", r.getString(1)),
                    new JsonObject()
                        .put("status", r.getString(2))
                        .put("assigneeUserId", r.getString(3))))
        .compose(r -> r != null
            ? get(companyId, null, id)
            // tell "no such ticket" (404) from "no such assignee" (422)
            : get(companyId, null, id)
                .compose(exists -> Future.failedFuture(ApiException.unprocessable(
                    "ASSIGNEE_NOT_FOUND",
                    "The assignee must be an admin or operator of your company"))));
  }

  public Future<JsonObject> comment(Caller who, UUID ticketId, String body) {
    UUID id = UUID.randomUUID();
    UUID companyId = who.companyId();
    UUID authorId = who.userId();
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery("""
        WITH t AS (UPDATE tickets SET updated_at = clock_timestamp() WHERE id = $2 AND company_id = $3
        RETURNING id) INSERT INTO ticket_comments (id, company_id, ticket_id, author_id, body)
        SELECT $1, $3, t.id, $4, $5 FROM t RETURNING created_at""")
            .execute(Tuple.of(id, ticketId, companyId, authorId, body))
            .map(rows -> {
              if (rows.size() == 0) {
                throw ApiException.notFound("ticket");
              }
              return new JsonObject()
                  .put("id", id.toString())
                  .put("ticketId", ticketId.toString())
                  .put("authorId", authorId.toString())
                  .put("body", body)
                  .put("createdAt", rows.iterator().next().getOffsetDateTime(0).toString());
            }),
        c -> new AuditStore.Entry(
            "ticket.commented",
            "ticket",
            ticketId.toString(),
            null,
            new JsonObject().put("commentId", id.toString()).put("body", body)));
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put(
            "customerId",
            r.getUUID("customer_id") == null ? null : r.getUUID("customer_id").toString())
        .put("title", r.getString("title"))
        .put("description", r.getString("description"))
        .put("category", r.getString("category"))
        .put("status", r.getString("status"))
        .put(
            "assigneeUserId",
            r.getUUID("assignee_user_id") == null
                ? null
                : r.getUUID("assignee_user_id").toString())
        .put("createdBy", r.getUUID("created_by").toString())
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toString());
  }
}
