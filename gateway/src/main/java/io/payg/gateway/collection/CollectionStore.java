package io.payg.gateway.collection;

import io.payg.gateway.audit.AuditStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the request-to-pay collections (V4, V13). */
final class CollectionStore {

  /**
   * $1 id, $2 company, $3 provider, $4 idempotency key, $5 requested by, $6 msisdn, $7 serial, $8 amount, $9 currency.
   */
  static final String INSERT = """
      WITH c AS (
        INSERT INTO collections (id, company_id, provider, idempotency_key, requested_by, msisdn, serial, amount,
                                 currency, status, next_poll_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PENDING', now() + interval '30 seconds')
        ON CONFLICT (company_id, requested_by, idempotency_key) DO NOTHING
        RETURNING id, company_id),
      """
      // the request's audit row (the user who asked), only for a collection created now
      + AuditStore.cte(
          "au",
          "c",
          "c.company_id",
          "$5::uuid",
          "collection.requested",
          "collection",
          "c.id",
          "NULL::json",
          """
          json_build_object('provider', $3::text, 'serial', $7::text, 'msisdn', $6::text, 'amount', $8::bigint,
                            'currency', $9::text)""")
      + """

      SELECT count(*) FROM c
      """;

  /** $1 company, $2 idempotency key, $3 the caller who chose the key (keys are per caller, V21). */
  static final String BY_KEY = """
      SELECT id, provider, msisdn, serial, amount, currency FROM collections
      WHERE company_id = $1 AND idempotency_key = $2 AND requested_by = $3
      """;

  /** $1 company, $2 agent, $3 serial: the device belongs to one of the agent's own customers. */
  static final String AGENTS_DEVICE = """
      SELECT 1 FROM devices d JOIN customers c ON c.id = d.customer_id AND c.company_id = d.company_id
      WHERE d.company_id = $1 AND lower(d.serial) = lower(trim($3)) AND c.agent_id = $2
      """;

  /** $1 id, $2 company, $3 provider: the collection with its company's currency. */
  static final String FOR_CONFIRM = """
      SELECT c.*, co.currency AS company_currency FROM collections c
      JOIN companies co ON co.id = c.company_id
      WHERE c.id = $1 AND c.company_id = $2 AND c.provider = $3
      """;

  /** $1 id: the provider took the request (only the first time counts). */
  static final String ACCEPTED = """
      UPDATE collections SET accepted_at = coalesce(accepted_at, now()), updated_at = now() WHERE id = $1
      """;

  /**
   * $1 id, $2 provider txn id, $3 transaction, $4 unmatched payment, $5 reason. A FAILED collection
   * can still succeed: a callback or status that arrives after expiry books the money.
   */
  static final String SUCCEEDED = """
      UPDATE collections SET status = 'SUCCEEDED', provider_txn_id = COALESCE($2, provider_txn_id), transaction_id = $3,
                             unmatched_payment_id = $4, reason = $5, updated_at = now()
      WHERE id = $1 AND status IN ('PENDING', 'FAILED')
      """;

  /** $1 id, $2 reason. */
  static final String FAILED = """
      UPDATE collections SET status = 'FAILED', reason = $2, updated_at = now() WHERE id = $1 AND status = 'PENDING'
      """;

  /** $1 id: ask a pending collection again within a few seconds. */
  static final String POLL_SOON = """
      UPDATE collections SET next_poll_at = least(next_poll_at, now() + interval '5 seconds')
      WHERE id = $1 AND status = 'PENDING'
      """;

  /** $1 id, $2 company. */
  static final String GET = """
      SELECT * FROM collections WHERE id = $1 AND company_id = $2""";

  /** The provider's own id of the request (Safaricom STK push's CheckoutRequestID), as it answered the push. */
  static final String REQUEST_ID = """
      UPDATE collections SET provider_request_id = $2, updated_at = now() WHERE id = $1
      """;

  /**
   * A callback naming the request by the provider's id: the money movement's id it reports is kept
   * on a pending collection (the status API may not name it); answers the collection's id and status.
   */
  static final String BY_REQUEST_ID = """
      UPDATE collections
         SET provider_txn_id = CASE WHEN status = 'PENDING' THEN COALESCE(provider_txn_id, $4) ELSE provider_txn_id END,
             updated_at = now()
       WHERE company_id = $1 AND provider = $2 AND provider_request_id = $3
      RETURNING id, status
      """;

  /**
   * $1 limit: pending collections due for a status check, claimed so that one poller asks at a time;
   * checks back off 30 s, 1 min, 2 min ... at most 10 min apart.
   */
  static final String CLAIM_DUE = """
      WITH due AS (SELECT id FROM collections WHERE status = 'PENDING' AND next_poll_at <= now()
                   ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      UPDATE collections c SET poll_attempts = c.poll_attempts + 1,
             next_poll_at = now() + make_interval(secs => least(600, 30 * power(2, least(c.poll_attempts, 5))))
      FROM due WHERE c.id = due.id
      RETURNING c.id, c.company_id, c.provider, c.created_at
      """;

  private final Pool pool;

  CollectionStore(Pool pool) {
    this.pool = pool;
  }

  Future<Boolean> insert(UUID id, UUID companyId, CollectionService.NewCollection c) {
    return pool.preparedQuery(INSERT)
        .execute(Tuple.from(new Object[] {
          id,
          companyId,
          c.provider(),
          c.idempotencyKey(),
          c.requestedBy(),
          c.msisdn(),
          c.serial(),
          c.amount().minor(),
          c.amount().currency()
        }))
        .map(rows -> rows.iterator().next().getLong(0) == 1);
  }

  Future<Row> byKey(UUID companyId, String key, UUID requestedBy) {
    return pool.preparedQuery(BY_KEY)
        .execute(Tuple.of(companyId, key, requestedBy))
        .map(rows -> rows.iterator().next());
  }

  Future<Boolean> agentsDevice(UUID companyId, UUID agentId, String serial) {
    return pool.preparedQuery(AGENTS_DEVICE)
        .execute(Tuple.of(companyId, agentId, serial))
        .map(rows -> rows.size() > 0);
  }

  Future<Row> forConfirm(UUID companyId, String provider, UUID id) {
    return pool.preparedQuery(FOR_CONFIRM)
        .execute(Tuple.of(id, companyId, provider))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  Future<Void> accepted(UUID id) {
    return pool.preparedQuery(ACCEPTED).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Void> succeeded(
      UUID id, String providerTxnId, UUID transactionId, UUID unmatchedId, String reason) {
    return pool.preparedQuery(SUCCEEDED)
        .execute(Tuple.of(id, providerTxnId, transactionId, unmatchedId, reason))
        .mapEmpty();
  }

  Future<Void> failed(UUID id, String reason) {
    return pool.preparedQuery(FAILED)
        .execute(Tuple.of(id, reason == null ? "failed" : reason))
        .mapEmpty();
  }

  Future<Void> pollSoon(UUID id) {
    return pool.preparedQuery(POLL_SOON).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Void> requestId(UUID id, String providerRequestId) {
    return pool.preparedQuery(REQUEST_ID)
        .execute(Tuple.of(id, providerRequestId))
        .mapEmpty();
  }

  Future<Row> byRequestId(
      UUID companyId, String provider, String providerRequestId, String providerTxnId) {
    return pool.preparedQuery(BY_REQUEST_ID)
        .execute(Tuple.of(companyId, provider, providerRequestId, providerTxnId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  Future<Row> get(UUID companyId, UUID id) {
    return pool.preparedQuery(GET)
        .execute(Tuple.of(id, companyId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  Future<List<Row>> claimDue(int limit) {
    return pool.preparedQuery(CLAIM_DUE).execute(Tuple.of(limit)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }
}
