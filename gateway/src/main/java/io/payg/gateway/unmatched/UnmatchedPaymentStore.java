package io.payg.gateway.unmatched;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * SQL of the unmatched payments: money a provider says has moved that the gateway could not
 * book. {@link #keep} is the one way such money is put on the books.
 */
public final class UnmatchedPaymentStore {

  /**
   * Keeps a provider payment once per provider id and answers the kept row's id (this one or the
   * first one kept). Nothing is kept when the provider id is already a transaction: that money is
   * booked.
   */
  static final String KEEP = """
      WITH kept AS (
        INSERT INTO unmatched_payments (id, company_id, provider, provider_txn_id, amount, currency, msisdn,
                                        account_reference, paid_at, reason, detail, authenticated, raw_body)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
        WHERE NOT EXISTS (SELECT 1 FROM transactions t
                          WHERE t.company_id = $2 AND t.provider = $3 AND t.provider_txn_id = $4)
        ON CONFLICT (company_id, provider, provider_txn_id) DO NOTHING
        RETURNING id)
      SELECT id FROM kept
      UNION ALL
      SELECT id FROM unmatched_payments WHERE company_id = $2 AND provider = $3 AND provider_txn_id = $4
      LIMIT 1
      """;

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
      WITH kept AS (
        INSERT INTO unmatched_payments (id, company_id, provider, provider_txn_id, amount, currency, msisdn,
                                        account_reference, paid_at, reason, detail, authenticated, raw_body)
        SELECT gen_random_uuid(), $2, $3, s.provider_txn_id, s.amount, s.currency, s.msisdn,
               coalesce(s.account_reference, ''), s.occurred_at, 'STATEMENT_ONLY',
               'in the provider statement of reconciliation ' || s.reconciliation_id || ', line ' || s.line, true, s.raw
        FROM statement_rows s
        WHERE s.reconciliation_id = $1 AND s.outcome IS NULL
          AND NOT EXISTS (SELECT 1 FROM transactions t
                          WHERE t.company_id = $2 AND t.provider = $3 AND t.provider_txn_id = s.provider_txn_id)
        ON CONFLICT (company_id, provider, provider_txn_id) DO NOTHING
        RETURNING id, provider_txn_id)
      UPDATE statement_rows s SET outcome = 'STATEMENT_ONLY', gateway_kind = 'UNMATCHED_PAYMENT', gateway_id = kept.id
      FROM kept
      WHERE s.reconciliation_id = $1 AND s.outcome IS NULL AND s.provider_txn_id = kept.provider_txn_id
      """;

  /**
   * Keeps the unmatched payment rows of a reconciliation as unmatched payments, inside the caller's
   * transaction {@code tx}; answers how many were kept now.
   */
  public Future<Integer> keepStatementOnly(SqlConnection tx, UUID reconciliationId, UUID companyId, String provider) {
    return tx.preparedQuery(KEEP_STATEMENT_ONLY).execute(Tuple.of(reconciliationId, companyId, provider))
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
  public Future<UUID> keep(UUID companyId, String provider, PaymentCommand cmd, Refusal reason, String detail,
                           boolean authenticated, String rawBody) {
    return keep(companyId, provider, cmd, reason.name(), detail, authenticated, rawBody);
  }

  /**
   * As {@link #keep(UUID, String, PaymentCommand, Refusal, String, boolean, String)} for a reason that
   * is not a refusal of the payment pipeline, such as {@link #STATEMENT_ONLY}.
   */
  public Future<UUID> keep(UUID companyId, String provider, PaymentCommand cmd, String reason, String detail,
                           boolean authenticated, String rawBody) {
    Tuple params = Tuple.tuple()
        .addUUID(UUID.randomUUID()).addUUID(companyId).addString(provider).addString(cmd.providerTxnId())
        .addLong(cmd.amount().minor()).addString(cmd.amount().currency()).addString(cmd.msisdn())
        .addString(cmd.serial() == null ? "" : cmd.serial())
        .addOffsetDateTime(cmd.paidAt() == null ? null : cmd.paidAt().atOffset(ZoneOffset.UTC))
        .addString(reason).addString(clip(detail)).addBoolean(authenticated).addString(clip(rawBody));
    return pool.preparedQuery(KEEP).execute(params).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(rows.iterator().next().getUUID(0));
      }
      // a concurrent duplicate kept it after this statement's snapshot: the next statement sees it
      return pool.preparedQuery(KEEP).execute(params).map(again -> again.size() == 0 ? null
          : again.iterator().next().getUUID(0));
    });
  }

  private static String clip(String s) {
    // PostgreSQL text cannot hold NUL; a provider body may carry one
    return s == null ? null : (s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s).replace('\0', '\uFFFD');
  }
}
