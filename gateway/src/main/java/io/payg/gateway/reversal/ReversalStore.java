package io.payg.gateway.reversal;

import io.payg.domain.allocation.InstallmentPayment;
import io.payg.domain.allocation.PaymentReversal;
import io.payg.domain.allocation.ReversalDebtPayment;
import io.payg.domain.payment.Allocation;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.payment.StoredAllocations;
import io.payg.gateway.webhook.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * SQL of reversals: the snapshot of a transaction to reverse, and the ONE statement that writes
 * every compensating row, guarded like a payment by the customers' debt_version.
 */
final class ReversalStore {

  /** A reversal as the API shows it. */
  static final String REVERSAL_JSON = """
      json_build_object('id', r.id, 'transactionId', r.transaction_id, 'unmatchedPaymentId', r.unmatched_payment_id,
                        'amount', r.amount, 'currency', r.currency, 'source', r.source, 'reason', r.reason,
                        'reversalDebt', r.debt,
                        'createdAt', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))""";

  /**
   * The transaction, its payer's and its device's current owner's debt_version (a reassigned
   * device has another owner), its allocations, the installments of the device's own sale,
   * whether its token was (or may still be) delivered, its reversal if any, and the transaction
   * an Idempotency-Key already reversed.
   */
  static final String SNAPSHOT = """
      SELECT t.id, t.customer_id, c.debt_version, d.customer_id AS owner_id, o.debt_version AS owner_version,
             t.device_id, d.credit, t.amount, t.token_unit,
             (SELECT json_agg(json_build_object('kind', a.kind, 'amount', a.amount, 'reference', a.reference)
                      ORDER BY a.position) FROM allocations a WHERE a.transaction_id = t.id) AS allocations,
             (SELECT json_agg(i.id) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id
              WHERE s.device_id = t.device_id) AS own_installments,
             EXISTS (SELECT 1 FROM tokens k WHERE k.transaction_id = t.id)
               OR NOT EXISTS (SELECT 1 FROM outbox j WHERE j.transaction_id = t.id AND j.kind = 'TOKEN'
                              AND j.status = 'FAILED') AS delivered,
             (SELECT %s FROM reversals r WHERE r.transaction_id = t.id) AS reversal,
             (SELECT r.idempotency_key FROM reversals r WHERE r.transaction_id = t.id) AS reversal_key,
             (SELECT r.transaction_id FROM reversals r WHERE r.company_id = $1
               AND r.idempotency_key = $3) AS key_used_for
      FROM transactions t JOIN customers c ON c.id = t.customer_id JOIN devices d ON d.id = t.device_id
           JOIN customers o ON o.id = d.customer_id
      WHERE t.company_id = $1 AND t.id = $2
      """.formatted(REVERSAL_JSON);

  /**
   * Every compensating write of one reversal, in ONE statement. The guard bumps the payer's and
   * the device owner's debt_version only if both are as the snapshot saw them (g is empty
   * otherwise, and every write below selects from it); the transaction turns REVERSED only from
   * another status, and only as delivered as the snapshot said. Parameters: $1 reversal id,
   * $2 transaction, $3/$4 payer and version, $5/$6 owner and version, $7 distinct customers,
   * $8 delivered, $9 source, $10 reason, $11 key, $12 user, $13 new reversal debt,
   * $14/$15 installments re-opened, $16/$17 reversal debts re-opened, $18 credit removed,
   * $19 access rate restored, $20 device.
   */
  static final String RECORD = """
      WITH v AS (UPDATE customers SET debt_version = debt_version + 1
                 WHERE (id = $3 AND debt_version = $4) OR (id = $5 AND debt_version = $6) RETURNING id),
      g AS (SELECT 1 AS ok WHERE (SELECT count(*) FROM v) = $7),
      tx AS (UPDATE transactions SET status = 'REVERSED', updated_at = now() FROM g
             WHERE transactions.id = $2 AND transactions.status <> 'REVERSED'
               AND ($8::boolean OR (NOT EXISTS (SELECT 1 FROM tokens k WHERE k.transaction_id = $2)
                    AND EXISTS (SELECT 1 FROM outbox j WHERE j.transaction_id = $2 AND j.kind = 'TOKEN'
                                AND j.status = 'FAILED')))
             RETURNING transactions.id, transactions.company_id, transactions.amount, transactions.currency,
                       transactions.customer_id, transactions.agent_id),
      r AS (INSERT INTO reversals (id, company_id, transaction_id, amount, currency, source, reason, idempotency_key,
                                   created_by, debt)
            SELECT $1::uuid, tx.company_id, tx.id, tx.amount, tx.currency, $9::text, $10::text, $11::text, $12::uuid,
                   $13::bigint FROM tx
            RETURNING id),
      i AS (UPDATE installments SET paid = paid - x.amount
            FROM r, unnest($14::uuid[], $15::bigint[]) AS x(id, amount) WHERE installments.id = x.id),
      ro AS (UPDATE reversal_debts SET paid = paid - x.amount
             FROM r, unnest($16::uuid[], $17::bigint[]) AS x(id, amount) WHERE reversal_debts.id = x.id),
      d AS (UPDATE devices SET credit = credit - $18::bigint, access_rate_paid = access_rate_paid - $19::bigint
            FROM r WHERE devices.id = $20::uuid AND ($18::bigint > 0 OR $19::bigint > 0)),
      rd AS (INSERT INTO reversal_debts (id, company_id, customer_id, reversal_id, amount)
             SELECT gen_random_uuid(), tx.company_id, tx.customer_id, r.id, $13::bigint FROM tx, r
               WHERE $13::bigint > 0),
      -- an agent's cash payment: the cash went back to the payer, the agent no longer holds it
      ag AS (UPDATE users SET cash_balance = cash_balance - tx.amount FROM tx, r WHERE users.id = tx.agent_id),
      am AS (INSERT INTO agent_cash_movements (id, company_id, agent_id, amount, recorded_by, note, reversal_id)
             SELECT gen_random_uuid(), tx.company_id, tx.agent_id, -tx.amount, COALESCE($12::uuid, tx.agent_id),
                    'reversal of a cash payment', r.id
             FROM tx, r WHERE tx.agent_id IS NOT NULL),
      cm AS (INSERT INTO commission_entries (id, company_id, agent_id, kind, transaction_id, base, rate_bps, amount,
        currency)
             SELECT gen_random_uuid(), e.company_id, e.agent_id, 'REVERSAL', e.transaction_id, e.base, e.rate_bps,
                    -e.amount, e.currency
             FROM r, commission_entries e WHERE e.transaction_id = $2 AND e.kind = 'ENERGY'),
      """
      // reversal.recorded for the company's own systems, with the reversal
      + WebhookEvents.enqueue(
          "wh", WebhookEvents.REVERSAL_RECORDED, "tx JOIN r ON true", "tx.company_id", """
          json_build_object('reversalId', r.id, 'transactionId', tx.id, 'amount', tx.amount, 'currency', tx.currency,
                            'source', $9::text, 'reason', $10::text)""")
      + ", "
      // an operator's reversal ($12) is audited with it; a provider's has no user
      + AuditStore.cte(
          "au",
          "tx JOIN r ON true",
          "tx.company_id",
          "$12::uuid",
          "transaction.reversed",
          "transaction",
          "tx.id",
          "json_build_object('status', 'PROCESSED')",
          """
          json_build_object('status', 'REVERSED', 'reversalId', r.id, 'amount', tx.amount, 'currency', tx.currency,
                            'reason', $10::text, 'debt', $13::bigint)""")
      + """

      SELECT (SELECT count(*) FROM g), (SELECT count(*) FROM r)
      """;

  /**
   * A provider reversed money the gateway kept unmatched: the row leaves suspense (OPEN) or the
   * dismissed line (DISMISSED: an operator had written it off, yet the money went back to the payer)
   * as REVERSED; a dismissal's reason stays in the resolution. A row without an amount (V34) is
   * left alone: a reversal must carry what went back.
   */
  static final String REVERSE_UNMATCHED = """
      WITH u AS (UPDATE unmatched_payments SET status = 'REVERSED', resolved_at = now(),
                   resolution = CASE WHEN status = 'DISMISSED' THEN 'dismissed: ' || coalesce(resolution, '')
                                       || '; then reversed: ' || $4 ELSE $4 END
                 WHERE company_id = $1 AND provider = $2 AND provider_txn_id = $3
                   AND status IN ('OPEN', 'DISMISSED') AND amount IS NOT NULL
                 RETURNING id, company_id, amount, currency, provider, provider_txn_id),
      r AS (INSERT INTO reversals (id, company_id, unmatched_payment_id, amount, currency, source, reason)
            SELECT $5, u.company_id, u.id, u.amount, u.currency, 'PROVIDER', $4 FROM u
            RETURNING id),
      """
      // reversal.recorded for the company's own systems: money that left suspense, no transaction
      + WebhookEvents.enqueue(
          "wh", WebhookEvents.REVERSAL_RECORDED, "u JOIN r ON true", "u.company_id", """
          json_build_object('reversalId', r.id, 'transactionId', NULL, 'unmatchedPaymentId', u.id,
                            'provider', u.provider, 'providerTxnId', u.provider_txn_id, 'amount', u.amount,
                            'currency', u.currency, 'source', 'PROVIDER', 'reason', $4::text)""")
      + """

      SELECT id FROM r
      """;

  static final String UNMATCHED = """
      SELECT u.id, u.status, (SELECT %s FROM reversals r WHERE r.unmatched_payment_id = u.id) AS reversal
      FROM unmatched_payments u WHERE u.company_id = $1 AND u.provider = $2 AND u.provider_txn_id = $3
      """.formatted(REVERSAL_JSON);

  static final String FIND_TRANSACTION = """
      SELECT id FROM transactions WHERE company_id = $1 AND provider = $2 AND provider_txn_id = $3
      """;

  static final String GET = """
      SELECT %s FROM reversals r WHERE r.id = $1""".formatted(REVERSAL_JSON);

  /** A transaction as the reversal sees it. */
  record Snapshot(
      UUID transactionId,
      UUID payer,
      long payerVersion,
      UUID owner,
      long ownerVersion,
      UUID deviceId,
      long credit,
      long amount,
      boolean boughtToken,
      List<Allocation> allocations,
      Set<String> ownInstallments,
      boolean delivered,
      JsonObject reversal,
      String reversalKey,
      UUID keyUsedFor) {}

  private final Pool pool;

  ReversalStore(Pool pool) {
    this.pool = pool;
  }

  Future<Snapshot> snapshot(UUID companyId, UUID transactionId, String key) {
    return pool.preparedQuery(SNAPSHOT)
        .execute(Tuple.of(companyId, transactionId, key))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          List<Allocation> allocations = StoredAllocations.read(r.getValue("allocations"));
          Set<String> own = new HashSet<>();
          if (r.getValue("own_installments") instanceof JsonArray arr) {
            arr.forEach(id -> own.add(String.valueOf(id)));
          }
          return new Snapshot(
              r.getUUID("id"),
              r.getUUID("customer_id"),
              r.getLong("debt_version"),
              r.getUUID("owner_id"),
              r.getLong("owner_version"),
              r.getUUID("device_id"),
              r.getLong("credit"),
              r.getLong("amount"),
              r.getString("token_unit") != null,
              allocations,
              own,
              Boolean.TRUE.equals(r.getBoolean("delivered")),
              r.getValue("reversal") instanceof JsonObject o ? o : null,
              r.getString("reversal_key"),
              r.getUUID("key_used_for"));
        });
  }

  /** Writes the reversal; the new reversal's id, or null when the snapshot was overtaken. */
  Future<UUID> record(
      Snapshot s,
      PaymentReversal.Compensation c,
      String source,
      String reason,
      String key,
      UUID userId) {
    UUID id = UUID.randomUUID();
    Tuple params = Tuple.tuple()
        .addUUID(id)
        .addUUID(s.transactionId())
        .addUUID(s.payer())
        .addLong(s.payerVersion())
        .addUUID(s.owner())
        .addLong(s.ownerVersion())
        .addLong(s.payer().equals(s.owner()) ? 1L : 2L)
        .addBoolean(s.delivered())
        .addString(source)
        .addString(reason)
        .addString(key)
        .addUUID(userId)
        .addLong(c.debt())
        .addArrayOfUUID(
            c.reopened().stream().map(p -> UUID.fromString(p.installmentId())).toArray(UUID[]::new))
        .addArrayOfLong(c.reopened().stream().map(InstallmentPayment::amount).toArray(Long[]::new))
        .addArrayOfUUID(
            c.debtsReopened().stream().map(p -> UUID.fromString(p.debtId())).toArray(UUID[]::new))
        .addArrayOfLong(
            c.debtsReopened().stream().map(ReversalDebtPayment::amount).toArray(Long[]::new))
        .addLong(c.meterCreditRemoved())
        .addLong(c.accessRateRestored())
        .addUUID(s.deviceId());
    return pool.preparedQuery(RECORD).execute(params).map(rows -> {
      Row r = rows.iterator().next();
      return r.getLong(1) == 1 ? id : null;
    });
  }

  Future<JsonObject> get(UUID reversalId) {
    return pool.preparedQuery(GET).execute(Tuple.of(reversalId)).map(rows ->
        (JsonObject) rows.iterator().next().getValue(0));
  }

  Future<UUID> findTransaction(UUID companyId, String provider, String providerTxnId) {
    return pool.preparedQuery(FIND_TRANSACTION)
        .execute(Tuple.of(companyId, provider, providerTxnId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  /** The unmatched payment of this provider id: [id, status, its reversal], or null. */
  Future<Row> unmatched(UUID companyId, String provider, String providerTxnId) {
    return pool.preparedQuery(UNMATCHED)
        .execute(Tuple.of(companyId, provider, providerTxnId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Marks an OPEN unmatched payment REVERSED with its reversal; the reversal's id, or null if it was not OPEN. */
  Future<UUID> reverseUnmatched(
      UUID companyId, String provider, String providerTxnId, String reason) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery(REVERSE_UNMATCHED)
        .execute(Tuple.of(companyId, provider, providerTxnId, reason, id))
        .map(rows -> rows.size() == 0 ? null : id);
  }
}
