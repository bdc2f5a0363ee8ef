package io.payg.gateway.unmatched;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.payg.gateway.webhook.WebhookEvents;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * SQL of the unmatched payments: money a provider says has moved that the gateway could not
 * book. {@link #keep} is the one way such money is put on the books.
 */
public final class UnmatchedPaymentStore {

  /**
   * Keeps a provider payment once per provider id and answers the kept row's id (this one or the
   * first one kept). Nothing is kept when the provider id is already a transaction: that money is
   * booked. The id is claimed in provider_txn_ids, as the payment record statement claims it: a
   * claim held by a booking in flight makes this wait for it and then keep nothing.
   */
  static final String KEEP = """
      WITH claim AS (
        INSERT INTO provider_txn_ids (company_id, provider, provider_txn_id) VALUES ($2, $3, $4)
        ON CONFLICT DO NOTHING
        RETURNING 1),
      kept AS (
        INSERT INTO unmatched_payments (id, company_id, provider, provider_txn_id, amount, currency, msisdn,
                                        account_reference, paid_at, reason, detail, authenticated, raw_body)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
        WHERE EXISTS (SELECT 1 FROM claim)
        ON CONFLICT (company_id, provider, provider_txn_id) DO NOTHING
        RETURNING id),
      """
      // unmatched.created for the company's own systems, only for a row kept now
      + WebhookEvents.enqueue(
          "wh",
          WebhookEvents.UNMATCHED_CREATED,
          "kept",
          "$2::uuid",
          "json_build_object('unmatchedId', kept.id, 'provider', $3::text, 'providerTxnId', $4::text, "
              + "'amount', $5::bigint, 'currency', $6::text, 'accountReference', $8::text, 'reason', $10::text, "
              + "'authenticated', $12::boolean)")
      + """

      SELECT id, true AS created FROM kept
      UNION ALL
      SELECT id, false FROM unmatched_payments WHERE company_id = $2 AND provider = $3 AND provider_txn_id = $4
      LIMIT 1
      """;

  /**
   * The event-bus address published with a row's id (as text) when it is first kept: the hook
   * point for operators' alerts (a webhook, an SMS); the gauge of open rows listens to it too.
   */
  public static final String CREATED_ADDRESS = "payg.unmatched.created";

  /**
   * The reason of money a provider says moved in an amount that cannot be read: kept without an
   * amount (NULL, V34), which an operator states when assigning it.
   */
  public static final String AMOUNT_UNREADABLE = "AMOUNT_UNREADABLE";

  /** The reason of money a provider's statement lists and the gateway never heard of. */
  public static final String STATEMENT_ONLY = "STATEMENT_ONLY";

  /**
   * The set form of {@link #KEEP} for a reconciliation: every payment row of statement {@code $1}
   * that matching left without an outcome is kept once per provider id, with the same guards (not
   * when the id is a booked transaction; never a second row for an id), and becomes STATEMENT_ONLY
   * pointing at what it kept. A statement is the provider's own record uploaded by an
   * authenticated operator: kept as authenticated.
   */
  static final String KEEP_STATEMENT_ONLY = """
      WITH open_rows AS (
        SELECT DISTINCT ON (s.provider_txn_id) s.*
        FROM statement_rows s
        WHERE s.reconciliation_id = $1 AND s.outcome IS NULL
        ORDER BY s.provider_txn_id, s.line),
      -- the provider id's one place (provider_txn_ids, V16): a booked or kept id is claimed already
      claim AS (
        INSERT INTO provider_txn_ids (company_id, provider, provider_txn_id)
        SELECT $2, $3, r.provider_txn_id FROM open_rows r
        ON CONFLICT DO NOTHING
        RETURNING provider_txn_id),
      kept AS (
        INSERT INTO unmatched_payments (id, company_id, provider, provider_txn_id, amount, currency, msisdn,
                                        account_reference, paid_at, reason, detail, authenticated, raw_body)
        SELECT gen_random_uuid(), $2, $3, s.provider_txn_id, s.amount, s.currency, s.msisdn,
               coalesce(s.account_reference, ''), s.occurred_at, 'STATEMENT_ONLY',
               'in the provider statement of reconciliation ' || s.reconciliation_id || ', line ' || s.line, true, s.raw
        FROM open_rows s JOIN claim c ON c.provider_txn_id = s.provider_txn_id
        ON CONFLICT (company_id, provider, provider_txn_id) DO NOTHING
        RETURNING id, provider_txn_id, amount, currency, account_reference),
      """
      // unmatched.created for each row kept now, as the provider path's KEEP queues it
      + WebhookEvents.enqueue(
          "wh",
          WebhookEvents.UNMATCHED_CREATED,
          "kept",
          "$2::uuid",
          "json_build_object('unmatchedId', kept.id, 'provider', $3::text, 'providerTxnId', kept.provider_txn_id, "
              + "'amount', kept.amount, 'currency', kept.currency, 'accountReference', kept.account_reference, "
              + "'reason', 'STATEMENT_ONLY', 'authenticated', true, 'reconciliationId', $1::uuid)")
      + """

      UPDATE statement_rows s SET outcome = 'STATEMENT_ONLY', gateway_kind = 'UNMATCHED_PAYMENT', gateway_id = kept.id
      FROM kept
      WHERE s.reconciliation_id = $1 AND s.outcome IS NULL AND s.provider_txn_id = kept.provider_txn_id
      """;

  /**
   * Keeps the unmatched payment rows of a reconciliation as unmatched payments, inside the caller's
   * transaction {@code tx}; answers how many were kept now.
   */
  public Future<Integer> keepStatementOnly(
      SqlConnection tx, UUID reconciliationId, UUID companyId, String provider) {
    return tx.preparedQuery(KEEP_STATEMENT_ONLY)
        .execute(Tuple.of(reconciliationId, companyId, provider))
        .map(rows -> rows.rowCount());
  }

  /** Longest detail and raw body kept: a provider's body is at most the HTTP body limit anyway. */
  private static final int MAX_TEXT = 64 * 1024;

  private final Pool pool;

  public UnmatchedPaymentStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Keeps {@code cmd} as unmatched for {@code reason}; answers the kept row's id, or null when the
   * provider id is a booked transaction.
   */
  public Future<UUID> keep(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      Refusal reason,
      String detail,
      boolean authenticated,
      String rawBody) {
    return keep(companyId, provider, cmd, reason.name(), detail, authenticated, rawBody);
  }

  /**
   * As {@link #keep(UUID, String, PaymentCommand, Refusal, String, boolean, String)} for a reason that
   * is not a refusal of the payment pipeline, such as {@link #STATEMENT_ONLY}.
   */
  public Future<UUID> keep(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      String reason,
      String detail,
      boolean authenticated,
      String rawBody) {
    Tuple params = Tuple.tuple()
        .addUUID(UUID.randomUUID())
        .addUUID(companyId)
        .addString(provider)
        .addString(cmd.providerTxnId())
        .addLong(AMOUNT_UNREADABLE.equals(reason) ? null : cmd.amount().minor())
        .addString(cmd.amount().currency())
        .addString(cmd.msisdn())
        .addString(cmd.serial() == null ? "" : cmd.serial())
        .addOffsetDateTime(cmd.paidAt() == null ? null : cmd.paidAt().atOffset(ZoneOffset.UTC))
        .addString(reason)
        .addString(clip(detail))
        .addBoolean(authenticated)
        .addString(clip(rawBody));
    return pool.preparedQuery(KEEP).execute(params).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(announced(rows.iterator().next()));
      }
      // a concurrent duplicate kept it after this statement's snapshot: the next statement sees it
      return pool.preparedQuery(KEEP)
          .execute(params)
          .map(again -> again.size() == 0 ? null : announced(again.iterator().next()));
    });
  }

  /**
   * The kept row's id; a row kept just now is published on {@link #CREATED_ADDRESS}. The event
   * bus is the current context's, so every caller of keep (provider routes, reconciliation)
   * announces its rows without wiring.
   */
  private static UUID announced(Row row) {
    UUID id = row.getUUID(0);
    Context context = Vertx.currentContext();
    if (row.getBoolean(1) && context != null) {
      context.owner().eventBus().publish(CREATED_ADDRESS, id.toString());
    }
    return id;
  }

  private static final String COLUMNS = """
      u.id, u.provider, u.provider_txn_id, u.amount, u.currency, u.msisdn, u.account_reference, u.paid_at,
      u.received_at, u.reason, u.detail, u.authenticated, u.status, u.transaction_id, t.serial AS assigned_serial,
      u.resolved_by, u.resolved_at, u.resolution""";

  /** $1 id, $2 company: one kept payment with its raw body. */
  private static final String GET = """
      SELECT %s, u.raw_body
        FROM unmatched_payments u LEFT JOIN transactions t ON t.id = u.transaction_id
       WHERE u.id = $1 AND u.company_id = $2""".formatted(COLUMNS);

  /** $1 company; filters or null: $2 status, $3 provider, $4 received from, $5 received before; $6 keyset, $7 limit. */
  private static final String SEARCH = """
      SELECT %s
        FROM unmatched_payments u LEFT JOIN transactions t ON t.id = u.transaction_id
       WHERE u.company_id = $1 AND ($2::text IS NULL OR u.status = $2) AND ($3::text IS NULL OR u.provider = $3)
         AND ($4::timestamptz IS NULL OR u.received_at >= $4) AND ($5::timestamptz IS NULL OR u.received_at < $5)
         AND ($6::timestamptz IS NULL OR u.received_at < $6)
       ORDER BY u.received_at DESC
       LIMIT $7""".formatted(COLUMNS);

  /** One kept payment of the company with its raw body, or 404. */
  public Future<JsonObject> get(UUID companyId, UUID id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id, companyId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("unmatched payment");
      }
      Row r = rows.iterator().next();
      return json(r).put("rawBody", r.getString("raw_body"));
    });
  }

  /** Newest first, keyset-paged on received_at (pass the last item's receivedAt as {@code before}). */
  public Future<JsonObject> search(UnmatchedSearch u, OffsetDateTime before, int limit) {
    return pool.preparedQuery(SEARCH)
        .execute(Tuple.from(
            new Object[] {u.companyId(), u.status(), u.provider(), u.from(), u.to(), before, limit
            }))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return Paging.page(items, limit, "receivedAt");
        });
  }

  /** An assign was refused (amount below the minimum, unknown serial...): the row stays OPEN with the new reason. */
  public Future<Boolean> refused(UUID companyId, UUID id, String reason, String detail) {
    return pool.preparedQuery("""
            UPDATE unmatched_payments SET reason = $3, detail = $4
            WHERE id = $1 AND company_id = $2 AND status = 'OPEN'""")
        .execute(Tuple.of(id, companyId, reason, clip(detail)))
        .map(rows -> rows.rowCount() > 0);
  }

  /** OPEN to DISMISSED (refunded outside the gateway, not ours), with who, when and why; false if not OPEN. */
  public Future<Boolean> dismiss(Caller who, UUID id, String reason) {
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery("""
            UPDATE unmatched_payments SET status = 'DISMISSED', resolved_by = $3, resolved_at = now(), resolution = $4
            WHERE id = $1 AND company_id = $2 AND status = 'OPEN'""")
            .execute(Tuple.of(id, who.companyId(), who.userId(), reason))
            .map(rows -> rows.rowCount() > 0),
        done -> !done
            ? null
            : new AuditStore.Entry(
                "unmatched.dismissed",
                "unmatched_payment",
                id.toString(),
                new JsonObject().put("status", "OPEN"),
                new JsonObject().put("status", "DISMISSED").put("reason", reason)));
  }

  /** OPEN rows per provider, all companies (the {@code payg_unmatched_open} gauge). */
  public Future<Map<String, Long>> openByProvider() {
    return pool.query("""
            SELECT provider, count(*) FROM unmatched_payments WHERE status = 'OPEN' GROUP BY provider
            """).execute().map(rows -> {
      Map<String, Long> open = new HashMap<>();
      rows.forEach(r -> open.put(r.getString(0), r.getLong(1)));
      return open;
    });
  }

  private static JsonObject json(Row r) {
    UUID txn = r.getUUID("transaction_id");
    UUID by = r.getUUID("resolved_by");
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("provider", r.getString("provider"))
        .put("providerTxnId", r.getString("provider_txn_id"))
        .put("amount", r.getLong("amount")) // null: unreadable (AMOUNT_UNREADABLE)
        .put("currency", r.getString("currency"))
        .put("msisdn", r.getString("msisdn"))
        .put("accountReference", r.getString("account_reference"))
        .put("paidAt", time(r.getOffsetDateTime("paid_at")))
        .put("receivedAt", time(r.getOffsetDateTime("received_at")))
        .put("reason", r.getString("reason"))
        .put("detail", r.getString("detail"))
        .put("authenticated", r.getBoolean("authenticated"))
        .put("status", r.getString("status"))
        .put("transactionId", txn == null ? null : txn.toString())
        .put("assignedSerial", r.getString("assigned_serial"))
        .put("resolvedBy", by == null ? null : by.toString())
        .put("resolvedAt", time(r.getOffsetDateTime("resolved_at")))
        .put("resolution", r.getString("resolution"));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static String clip(String s) {
    // PostgreSQL text cannot hold NUL; a provider body may carry one
    return s == null
        ? null
        : (s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s).replace('\0', '\uFFFD');
  }
}
