package io.payg.gateway.sms;

import io.payg.gateway.db.TimeOrderedUuid;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL of sms_messages written by the outbox: what a payment's confirmation and a maintenance
 * token's SMS say, and the sent message recorded in the statement that closes its job.
 */
public final class SmsMessageStore {

  /** A payment's confirmation: amount, device, customer, token (if any), debts cleared, SMS plugin, templates. */
  static final String CONFIRMATION = """
      SELECT t.amount, t.currency, t.serial, c.name, c.phone,
             t.provider AS payment_provider, t.provider_txn_id,
             k.value AS token, k.unit, k.quantity,
             (SELECT COALESCE(sum(a.amount), 0) FROM allocations a
               WHERE a.transaction_id = t.id AND a.kind IN ('INSTALLMENT', 'ACCESS_RATE')) AS debts_cleared,
             (SELECT p.name FROM plugins p
               WHERE p.company_id = t.company_id AND p.kind = 'SMS' AND p.enabled
               ORDER BY p.name LIMIT 1) AS plugin,
             co.sms_templates,
             -- the request id of the provider call the payment came from, for the job's log lines
             (SELECT o.request_id FROM outbox o WHERE o.id = $2) AS request_id
        FROM transactions t
        JOIN customers c ON c.id = t.customer_id
        JOIN companies co ON co.id = t.company_id
        LEFT JOIN tokens k ON k.transaction_id = t.id
       WHERE t.id = $1
      """;

  /*
   * The messages of many jobs in one statement (CompletionBatch), a row of the arrays per job, each
   * fenced by its claim (OutboxStore.doneEach): an attempt that outlived its lease records nothing.
   */
  static final String RECORD_CONFIRMATIONS = """
      WITH x AS (
        SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[],
                             $6::text[], $7::text[], $8::text[], $9::text[])
          AS x(job, claim, message_id, company_id, transaction_id, phone, body, provider, provider_message_id)),
      """ + OutboxStore.doneEach() + """
      ,
      m AS (
        INSERT INTO sms_messages (id, company_id, transaction_id, phone, body, provider, provider_message_id)
        SELECT x.message_id, x.company_id, x.transaction_id, x.phone, x.body, x.provider, x.provider_message_id
          FROM x JOIN done ON done.id = x.job AND done.claim = x.claim)
      SELECT x.job, x.claim, done.id IS NOT NULL AS closed
        FROM x LEFT JOIN done ON done.id = x.job AND done.claim = x.claim
      """;

  /** A maintenance token's SMS: the token, its kind and value, the device, the customer's phone, SMS plugin. */
  static final String MAINTENANCE = """
      SELECT m.id, m.kind, m.value, m.token, d.serial, c.phone,
             (SELECT p.name FROM plugins p WHERE p.company_id = o.company_id AND p.kind = 'SMS' AND p.enabled
              ORDER BY p.name LIMIT 1) AS plugin
      FROM outbox o JOIN maintenance_tokens m ON m.id = o.maintenance_token_id
      JOIN devices d ON d.id = m.device_id JOIN customers c ON c.id = d.customer_id
      WHERE o.id = $1
      """;

  /** The maintenance SMS recorded only if this attempt's claim closes the job ($8 job, $9 claim). */
  static final String RECORD_MAINTENANCE = """
      WITH done AS (
        UPDATE outbox SET status = 'DONE', last_error = NULL, claim_token = NULL, updated_at = now()
         WHERE id = $8 AND claim_token = $9 AND status = 'PENDING'
        RETURNING id),
      m AS (
        INSERT INTO sms_messages (id, company_id, maintenance_token_id, phone, body, provider, provider_message_id)
        SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text, $7::text FROM done)
      SELECT count(*) FROM done
      """;

  /** One job's sent confirmation, a row of {@link #RECORD_CONFIRMATIONS}. */
  record SentConfirmation(OutboxJob job, String phone, String body, SmsDispatch.Sent sent) {}

  private final Pool pool;

  public SmsMessageStore(Pool pool) {
    this.pool = pool;
  }

  /** The row {@link SmsJobHandler#text} reads for the confirmation of {@code transactionId}. */
  Future<Row> confirmation(UUID transactionId, long jobId) {
    return pool.preparedQuery(CONFIRMATION)
        .execute(Tuple.of(transactionId, jobId))
        .map(rows -> rows.iterator().next());
  }

  /** Records the messages of {@code batch}: per job, in order, whether its claim closed it. */
  Future<List<Boolean>> recordConfirmations(List<SentConfirmation> batch) {
    int n = batch.size();
    Long[] jobs = new Long[n];
    UUID[] claims = new UUID[n];
    UUID[] ids = new UUID[n];
    UUID[] companies = new UUID[n];
    UUID[] transactions = new UUID[n];
    String[] phones = new String[n];
    String[] bodies = new String[n];
    String[] providers = new String[n];
    String[] messageIds = new String[n];
    for (int i = 0; i < n; i++) {
      SentConfirmation s = batch.get(i);
      jobs[i] = s.job().id();
      claims[i] = s.job().claim();
      ids[i] = TimeOrderedUuid.next(); // a hot table's key: filled in order
      companies[i] = s.job().companyId();
      transactions[i] = s.job().transactionId();
      phones[i] = s.phone();
      bodies[i] = s.body();
      providers[i] = s.sent().provider();
      messageIds[i] = s.sent().messageId();
    }
    Tuple args = Tuple.tuple()
        .addArrayOfLong(jobs)
        .addArrayOfUUID(claims)
        .addArrayOfUUID(ids)
        .addArrayOfUUID(companies)
        .addArrayOfUUID(transactions)
        .addArrayOfString(phones)
        .addArrayOfString(bodies)
        .addArrayOfString(providers)
        .addArrayOfString(messageIds);
    return pool.preparedQuery(RECORD_CONFIRMATIONS).execute(args).map(rows -> {
      Map<String, Boolean> closed = new HashMap<>();
      rows.forEach(
          r -> closed.put(r.getLong("job") + "/" + r.getUUID("claim"), r.getBoolean("closed")));
      return batch.stream()
          .map(s -> closed.get(s.job().id() + "/" + s.job().claim()))
          .toList();
    });
  }

  /** The row {@link MaintenanceSmsHandler#text} reads for the MAINTENANCE_SMS job {@code jobId}. */
  Future<Row> maintenance(long jobId) {
    return pool.preparedQuery(MAINTENANCE)
        .execute(Tuple.of(jobId))
        .map(rows -> rows.iterator().next());
  }

  /** Records the maintenance SMS and closes its job; succeeds when this attempt's claim closed it. */
  Future<Void> recordMaintenance(
      OutboxJob job, UUID tokenId, String phone, String body, SmsDispatch.Sent sent) {
    return pool.preparedQuery(RECORD_MAINTENANCE)
        .execute(Tuple.from(new Object[] {
          UUID.randomUUID(),
          job.companyId(),
          tokenId,
          phone,
          body,
          sent.provider(),
          sent.messageId(),
          job.id(),
          job.claim()
        }))
        .compose(rows -> OutboxStore.fenced(job, rows.iterator().next().getLong(0)));
  }
}
