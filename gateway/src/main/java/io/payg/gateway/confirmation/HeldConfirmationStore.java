package io.payg.gateway.confirmation;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the confirmations held until the provider's status API confirms them (V14 daraja_status_checks). */
public final class HeldConfirmationStore {

  /** A held confirmation as the worker and the result handler need it. */
  public record Held(
      UUID id,
      UUID companyId,
      String provider,
      PaymentCommand command,
      String rawBody,
      int attempts,
      String status) {}

  /**
   * Holds a confirmation once per provider id; nothing when the id is already booked or kept
   * (a redelivery of something settled changes nothing).
   */
  static final String HOLD = """
      INSERT INTO daraja_status_checks (id, company_id, provider, trans_id, serial, amount, currency, msisdn, paid_at,
                                        raw_body)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
      WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.company_id = $2 AND t.provider = $3
        AND t.provider_txn_id = $4)
        AND NOT EXISTS (SELECT 1 FROM unmatched_payments u WHERE u.company_id = $2 AND u.provider = $3
                        AND u.provider_txn_id = $4)
      ON CONFLICT (company_id, provider, trans_id) DO NOTHING
      """;

  /** Due checks, leased: the attempt is counted and the next one set a lease away, so one worker asks at a time. */
  static final String CLAIM = """
      WITH due AS (SELECT id FROM daraja_status_checks
                   WHERE status IN ('PENDING', 'ASKED') AND next_attempt_at <= now()
                   ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      UPDATE daraja_status_checks c SET attempts = c.attempts + 1, next_attempt_at = now() + make_interval(secs => $2),
             updated_at = now()
      FROM due WHERE c.id = due.id
      RETURNING c.*
      """;

  private final Pool pool;

  public HeldConfirmationStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Boolean> hold(UUID companyId, String provider, PaymentCommand cmd, String rawBody) {
    return pool.preparedQuery(HOLD)
        .execute(Tuple.tuple()
            .addUUID(UUID.randomUUID())
            .addUUID(companyId)
            .addString(provider)
            .addString(cmd.providerTxnId())
            .addString(cmd.serial() == null ? "" : cmd.serial())
            .addLong(cmd.amount().minor())
            .addString(cmd.amount().currency())
            .addString(cmd.msisdn())
            .addOffsetDateTime(cmd.paidAt() == null ? null : cmd.paidAt().atOffset(ZoneOffset.UTC))
            .addString(rawBody == null ? null : rawBody.replace('\0', '\uFFFD')))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<List<Held>> claimDue(int limit, Duration lease) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(limit, (double) lease.toSeconds()))
        .map(rows -> {
          List<Held> out = new ArrayList<>();
          rows.forEach(r -> out.add(held(r)));
          return out;
        });
  }

  /** Daraja accepted the query: its result is awaited until {@code wait} has passed, then it is asked again. */
  public Future<Void> asked(UUID id, String queryId, Duration wait) {
    return pool.preparedQuery("""
            UPDATE daraja_status_checks SET status = 'ASKED', originator_conversation_id = $2,
                   next_attempt_at = now() + make_interval(secs => $3), last_error = NULL, updated_at = now()
            WHERE id = $1 AND status IN ('PENDING', 'ASKED')
            """)
        .execute(Tuple.of(id, queryId, (double) wait.toSeconds()))
        .mapEmpty();
  }

  public Future<Void> retryLater(UUID id, Duration delay, String error) {
    return pool.preparedQuery("""
            UPDATE daraja_status_checks SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3,
                   updated_at = now()
            WHERE id = $1 AND status IN ('PENDING', 'ASKED')
            """)
        .execute(Tuple.of(id, (double) delay.toSeconds(), error == null ? null : clip(error)))
        .mapEmpty();
  }

  /** The check the result is about: by the transaction it names, else by the query's id. */
  public Future<Held> find(UUID companyId, String provider, String transId, String queryId) {
    return pool.preparedQuery("""
            SELECT * FROM daraja_status_checks
            WHERE company_id = $1 AND provider = $2
              AND (trans_id = $3 OR ($3 IS NULL AND originator_conversation_id = $4))
            """)
        .execute(Tuple.of(companyId, provider, transId, queryId))
        .map(rows -> rows.size() == 0 ? null : held(rows.iterator().next()));
  }

  /** Ends a check BOOKED or KEPT with the provider's result; false when it had already ended. */
  public Future<Boolean> end(UUID id, String status, String resultCode, String resultDesc) {
    return pool.preparedQuery("""
            UPDATE daraja_status_checks SET status = $2, result_code = $3, result_desc = $4, updated_at = now()
            WHERE id = $1 AND status IN ('PENDING', 'ASKED')
            """)
        .execute(Tuple.of(id, status, resultCode, resultDesc == null ? null : clip(resultDesc)))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Held held(Row r) {
    PaymentCommand cmd = new PaymentCommand(
        r.getString("trans_id"),
        r.getString("serial"),
        Money.of(r.getLong("amount"), r.getString("currency")),
        r.getString("msisdn"),
        r.getOffsetDateTime("paid_at") == null
            ? null
            : r.getOffsetDateTime("paid_at").toInstant());
    return new Held(
        r.getUUID("id"),
        r.getUUID("company_id"),
        r.getString("provider"),
        cmd,
        r.getString("raw_body"),
        r.getInteger("attempts"),
        r.getString("status"));
  }

  private static String clip(String s) {
    return s.length() > 500 ? s.substring(0, 500) : s;
  }
}
