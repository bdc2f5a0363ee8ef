package io.payg.gateway.brokerresult;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * SQL of the broker results (V15): the result leg a broker payment needs, queued once per broker
 * transaction id with its outbox job, and the broker's answer to it.
 */
public final class BrokerResultStore {

  public static final String KIND = "BROKER_RESULT";

  /** A confirmation (0) for a booked transaction; nothing when this broker id already has its result. */
  static final String ENQUEUE_CONFIRM = """
      WITH r AS (
        INSERT INTO broker_results (id, company_id, provider, provider_txn_id, transaction_id, result_code, result_desc,
                                    namespace, conversation_id, originator_conversation_id, mpesa_receipt, initiator,
                                    request_result_url)
        SELECT $1, $2, $3, $4, t.id, '0', $6, $7, $8, $9, $10, $11, $12
        FROM transactions t WHERE t.id = $5 AND t.company_id = $2
        ON CONFLICT (company_id, provider, provider_txn_id) DO NOTHING
        RETURNING id, company_id)
      INSERT INTO outbox (company_id, kind, broker_result_id) SELECT company_id, 'BROKER_RESULT', id FROM r RETURNING id
      """;

  /**
   * A cancellation (999) for a kept payment, only while it is OPEN and authenticated: a flagged
   * message is never answered for (an operator decides), and a resolved one is no longer the gateway's to cancel.
   */
  static final String ENQUEUE_CANCEL = """
      WITH r AS (
        INSERT INTO broker_results (id, company_id, provider, provider_txn_id, unmatched_id, result_code, result_desc,
                                    namespace, conversation_id, originator_conversation_id, mpesa_receipt, initiator,
                                    request_result_url)
        SELECT $1, $2, $3, $4, u.id, '999', $6, $7, $8, $9, $10, $11, $12
        FROM unmatched_payments u
        WHERE u.id = $5 AND u.company_id = $2 AND u.authenticated AND u.status = 'OPEN'
        ON CONFLICT (company_id, provider, provider_txn_id) DO NOTHING
        RETURNING id, company_id)
      INSERT INTO outbox (company_id, kind, broker_result_id) SELECT company_id, 'BROKER_RESULT', id FROM r RETURNING id
      """;

  static final String CONTEXT = """
      SELECT b.id, b.provider, b.provider_txn_id, b.transaction_id, b.unmatched_id, b.result_code, b.result_desc,
             b.namespace, b.conversation_id, b.originator_conversation_id, b.initiator, b.request_result_url
      FROM outbox o JOIN broker_results b ON b.id = o.broker_result_id
      WHERE o.id = $1
      """;

  /**
   * The broker took the result: its answer recorded, the job DONE and, for a cancellation, the kept
   * payment CANCELLED (the money did not stay with the company) — one statement.
   */
  static final String ACKNOWLEDGED = """
      WITH b AS (
        UPDATE broker_results SET sent_at = now(), acknowledged_at = now(), broker_http_status = $2,
               broker_response_code = $3, broker_response_desc = $4, broker_service_status = $5, broker_answer = $6
        WHERE id = $1
        RETURNING unmatched_id, result_code),
      cancelled AS (
        UPDATE unmatched_payments u SET status = 'CANCELLED', resolved_at = now(),
               resolution = 'cancelled to the broker (resultCode 999), acknowledged'
        FROM b WHERE u.id = b.unmatched_id AND b.result_code = '999' AND u.status = 'OPEN'
        RETURNING u.id)
      UPDATE outbox SET status = 'DONE', last_error = NULL, updated_at = now() WHERE id = $7
      """;

  /** The broker answered without acknowledging: its answer is kept on the result for the operator. */
  static final String ANSWERED = """
      UPDATE broker_results SET sent_at = now(), broker_http_status = $2, broker_response_code = $3,
             broker_response_desc = $4, broker_service_status = $5, broker_answer = $6
      WHERE id = $1
      """;

  private static final int MAX_ANSWER = 8 * 1024;

  private final Pool pool;

  public BrokerResultStore(Pool pool) {
    this.pool = pool;
  }

  /** What the result echoes of the broker's request. */
  public record Echo(
      String namespace,
      String conversationId,
      String originatorConversationId,
      String mpesaReceipt,
      String initiator,
      String requestResultUrl) {}

  /** Queues the confirmation of {@code transactionId}; true when queued now (false: it already was). */
  public Future<Boolean> confirm(
      UUID companyId,
      String provider,
      String providerTxnId,
      UUID transactionId,
      String desc,
      Echo echo) {
    return enqueue(ENQUEUE_CONFIRM, companyId, provider, providerTxnId, transactionId, desc, echo);
  }

  /** Queues the cancellation of the kept payment {@code unmatchedId}; true when queued now. */
  public Future<Boolean> cancel(
      UUID companyId,
      String provider,
      String providerTxnId,
      UUID unmatchedId,
      String desc,
      Echo echo) {
    return enqueue(ENQUEUE_CANCEL, companyId, provider, providerTxnId, unmatchedId, desc, echo);
  }

  private Future<Boolean> enqueue(
      String sql,
      UUID companyId,
      String provider,
      String providerTxnId,
      UUID subject,
      String desc,
      Echo e) {
    Tuple params = Tuple.tuple()
        .addUUID(UUID.randomUUID())
        .addUUID(companyId)
        .addString(provider)
        .addString(providerTxnId)
        .addUUID(subject)
        .addString(desc)
        .addString(e.namespace())
        .addString(e.conversationId())
        .addString(e.originatorConversationId())
        .addString(e.mpesaReceipt())
        .addString(e.initiator())
        .addString(e.requestResultUrl());
    return pool.preparedQuery(sql).execute(params).map(rows -> rows.size() > 0);
  }

  /** The result an outbox job sends. */
  Future<Row> context(long outboxId) {
    return pool.preparedQuery(CONTEXT).execute(Tuple.of(outboxId)).map(rows -> {
      if (rows.size() == 0) {
        throw new IllegalStateException("outbox job " + outboxId + " has no broker result");
      }
      return rows.iterator().next();
    });
  }

  Future<Void> acknowledged(
      long outboxId,
      UUID resultId,
      int httpStatus,
      String code,
      String desc,
      String status,
      String answer) {
    return pool.preparedQuery(ACKNOWLEDGED)
        .execute(Tuple.of(resultId, httpStatus, code, desc, status, clip(answer), outboxId))
        .mapEmpty();
  }

  Future<Void> answered(
      UUID resultId, int httpStatus, String code, String desc, String status, String answer) {
    return pool.preparedQuery(ANSWERED)
        .execute(Tuple.of(resultId, httpStatus, code, desc, status, clip(answer)))
        .mapEmpty();
  }

  private static String clip(String s) {
    return s == null
        ? null
        : (s.length() > MAX_ANSWER ? s.substring(0, MAX_ANSWER) : s).replace('\0', '\uFFFD');
  }
}
