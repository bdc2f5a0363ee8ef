package io.payg.gateway.token;

import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.gateway.db.TimeOrderedUuid;
import io.payg.gateway.outbox.JobEndings;
import io.payg.gateway.outbox.JobHandoff;
import io.payg.gateway.outbox.JobOrigin;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.payg.gateway.webhook.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The SQL of TOKEN jobs ({@link TokenJobHandler}): a claimed job's order, the tokens' completion. */
final class TokenStore {

  /*
   * A claimed job's TokenOrder ($1 the transaction, $2 the job). "amount" is the money that bought
   * the device's service: what is left of the payment after debts (manufacturers that credit money,
   * such as SparkMeter and Steama, must not be sent the part that paid an appliance installment or
   * access-rate arrears). request_id and traceparent: the provider call the job came from.
   */
  static final String CONTEXT = """
      SELECT (SELECT COALESCE(sum(a.amount), 0) FROM allocations a
              WHERE a.transaction_id = t.id AND a.kind IN %s) AS amount,
             t.currency, t.token_unit, t.token_quantity, t.provider, t.provider_txn_id,
             d.id AS device_id, d.serial, d.type, d.manufacturer,
             o.request_id, o.traceparent
      FROM transactions t JOIN devices d ON d.id = t.device_id
      LEFT JOIN outbox o ON o.id = $2
      WHERE t.id = $1""".formatted(TokenOrder.SERVICE_SQL);

  /**
   * The TokenOrders of a claim's jobs in one statement: {@link #CONTEXT} for each pair of
   * $1 (transactions) and $2 (their jobs), with the job's id as "job".
   */
  static final String CONTEXTS = """
      SELECT x.job,
             (SELECT COALESCE(sum(a.amount), 0) FROM allocations a
              WHERE a.transaction_id = t.id AND a.kind IN %s) AS amount,
             t.currency, t.token_unit, t.token_quantity, t.provider, t.provider_txn_id,
             d.id AS device_id, d.serial, d.type, d.manufacturer,
             o.request_id, o.traceparent
      FROM unnest($1::uuid[], $2::bigint[]) AS x(transaction_id, job)
      JOIN transactions t ON t.id = x.transaction_id
      JOIN devices d ON d.id = t.device_id
      LEFT JOIN outbox o ON o.id = x.job""".formatted(TokenOrder.SERVICE_SQL);

  /*
   * The tokens of many jobs in one statement (CompletionBatch), a row of the arrays per job, each
   * fenced by its claim (OutboxStore.doneEach): an attempt that outlived its lease stores nothing.
   * $13 is the lease of the SMS jobs inserted leased (sms_claim not null) to this instance's worker;
   * $14/$15 the request id and traceparent each SMS job keeps from its TOKEN job.
   */
  static final String STORE = """
      WITH x AS (SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[],
                   $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::uuid[],
                   $14::text[], $15::text[])
                 AS x(job, claim, token_id, company_id, transaction_id, device_id, value, unit, quantity, manufacturer,
                      manufacturer_ref, sms_claim, request_id, traceparent)),
      """ + OutboxStore.doneEach()
      + """
      ,
      -- the completions whose attempt still held its job
      y AS (SELECT x.* FROM x JOIN done ON done.id = x.job AND done.claim = x.claim),
      k AS (INSERT INTO tokens (id, company_id, transaction_id, device_id, value, unit, quantity, manufacturer,
                                manufacturer_ref)
            SELECT token_id, company_id, transaction_id, device_id, value, unit, quantity, manufacturer,
                   manufacturer_ref
            FROM y ON CONFLICT (transaction_id) DO NOTHING RETURNING transaction_id),
      -- a reversed transaction stays REVERSED: its token was delivered, its value is a reversal debt
      t AS (UPDATE transactions SET status = 'COMPLETED', updated_at = now()
            WHERE transactions.id = ANY (ARRAY(SELECT transaction_id FROM y)) AND transactions.status <> 'REVERSED'),
      s AS (INSERT INTO outbox (company_id, kind, transaction_id, request_id, traceparent, %s)
            SELECT y.company_id, 'SMS', y.transaction_id, y.request_id, y.traceparent, %s FROM y
            ON CONFLICT (kind, transaction_id) DO NOTHING RETURNING id, transaction_id),
      """.formatted(JobHandoff.INSERT_COLUMNS, JobHandoff.insertValues("y.sms_claim", "$13"))
      // token.issued for the company's own systems, only with the token this statement stored
      + WebhookEvents.enqueue(
          "wh",
          WebhookEvents.TOKEN_ISSUED,
          "k JOIN y ON y.transaction_id = k.transaction_id",
          "y.company_id",
          "json_build_object('transactionId', y.transaction_id, 'deviceId', y.device_id, "
              + "'token', y.value, 'unit', y.unit, 'quantity', y.quantity, 'manufacturer', y.manufacturer)")
      + """

      SELECT x.job, x.claim, y.job IS NOT NULL AS closed, s.id AS sms_job FROM x
      LEFT JOIN y ON y.job = x.job AND y.claim = x.claim LEFT JOIN s ON s.transaction_id = y.transaction_id""";

  /**
   * A token that did not come at this attempt: the transaction waits for it (TOKEN_PENDING); one
   * that never comes: the transaction is TOKEN_FAILED (a reversed one stays REVERSED) and
   * token.failed is queued for the company's systems, each only if the statement's fence closed
   * the job. Parameters as {@link JobEndings}.
   */
  static final JobEndings ENDINGS = new JobEndings("""
      WITH j AS (
        UPDATE outbox
           SET next_attempt_at = now() + make_interval(secs => $5), attempts = attempts - $6,
               last_error = $3, claim_token = NULL, updated_at = now()
         WHERE id = $2 AND status = 'PENDING' AND claim_token = $4
        RETURNING 1)
      UPDATE transactions SET status = 'TOKEN_PENDING', updated_at = now()
       WHERE id = $1 AND status = 'PROCESSED' AND EXISTS (SELECT 1 FROM j)""", """
      WITH j AS (
        UPDATE outbox SET status = 'FAILED', last_error = $3, claim_token = NULL, updated_at = now()
         WHERE id = $2 AND status = 'PENDING' AND claim_token = $4
        RETURNING 1),
      %s
      UPDATE transactions SET status = 'TOKEN_FAILED', updated_at = now()
       WHERE id = $1 AND status <> 'REVERSED' AND EXISTS (SELECT 1 FROM j)""".formatted(WebhookEvents.enqueue(
      "wh",
      WebhookEvents.TOKEN_FAILED,
      "j JOIN transactions x ON x.id = $1",
      "x.company_id",
      """
              json_build_object('transactionId', x.id, 'serial', x.serial, 'amount', x.amount, 'currency', x.currency,
                                'error', $3::text)""")));

  /** One job's token, a row of {@link #STORE}; {@code sms} the lease of its SMS job, or null. */
  record Completion(
      OutboxJob job,
      UUID deviceId,
      String manufacturer,
      TokenAmount amount,
      IssuedToken token,
      JobHandoff.Lease sms,
      JobOrigin origin) {}

  /** {@link #STORE}'s answer for one job: whether its claim closed it, and its SMS job to hand over (or null). */
  record Closed(boolean closed, OutboxJob sms) {}

  private TokenStore() {}

  /** The order of a job claimed by polling. */
  static Future<TokenOrder> order(SqlClient client, OutboxJob job) {
    return client
        .preparedQuery(CONTEXT)
        .execute(Tuple.of(job.transactionId(), job.id()))
        .map(rows -> TokenOrder.from(rows.iterator().next()));
  }

  /** The claimed jobs, each with its order where its transaction was found (CONTEXTS). */
  static Future<List<OutboxJob>> orders(SqlClient client, List<OutboxJob> claimed) {
    UUID[] transactions = new UUID[claimed.size()];
    Long[] jobs = new Long[claimed.size()];
    for (int i = 0; i < transactions.length; i++) {
      transactions[i] = claimed.get(i).transactionId();
      jobs[i] = claimed.get(i).id();
    }
    Tuple args = Tuple.tuple().addArrayOfUUID(transactions).addArrayOfLong(jobs);
    return client.preparedQuery(CONTEXTS).execute(args).map(rows -> {
      Map<Long, TokenOrder> byJob = new HashMap<>();
      for (Row r : rows) {
        byJob.put(r.getLong("job"), TokenOrder.from(r));
      }
      List<OutboxJob> withOrders = new ArrayList<>(claimed.size());
      for (OutboxJob j : claimed) {
        TokenOrder order = byJob.get(j.id());
        withOrders.add(order == null ? j : j.withContext(order));
      }
      return withOrders;
    });
  }

  /**
   * Stores the tokens of {@code batch}: per job, in order, whether it was closed, with the SMS job
   * inserted leased to this instance's SMS worker (null when left to polling).
   */
  static Future<List<Closed>> store(SqlClient client, List<Completion> batch) {
    int n = batch.size();
    Long[] jobs = new Long[n];
    UUID[] claims = new UUID[n];
    UUID[] ids = new UUID[n];
    UUID[] companies = new UUID[n];
    UUID[] transactions = new UUID[n];
    UUID[] devices = new UUID[n];
    String[] values = new String[n];
    String[] units = new String[n];
    Long[] quantities = new Long[n];
    String[] manufacturers = new String[n];
    String[] references = new String[n];
    UUID[] smsClaims = new UUID[n];
    String[] requestIds = new String[n];
    String[] traceparents = new String[n];
    double lease = 0;
    for (int i = 0; i < n; i++) {
      Completion s = batch.get(i);
      jobs[i] = s.job().id();
      claims[i] = s.job().claim();
      ids[i] = TimeOrderedUuid.next(); // a hot table's key: filled in order
      companies[i] = s.job().companyId();
      transactions[i] = s.job().transactionId();
      devices[i] = s.deviceId();
      values[i] = s.token().value();
      units[i] = s.amount().unit().name();
      quantities[i] = s.amount().quantity();
      manufacturers[i] = s.manufacturer();
      references[i] = s.token().manufacturerReference();
      smsClaims[i] = s.sms() == null ? null : s.sms().claim();
      requestIds[i] = s.origin().requestId();
      traceparents[i] = s.origin().trace().header();
      lease = s.sms() == null ? lease : s.sms().seconds();
    }
    Tuple args = Tuple.tuple()
        .addArrayOfLong(jobs)
        .addArrayOfUUID(claims)
        .addArrayOfUUID(ids)
        .addArrayOfUUID(companies)
        .addArrayOfUUID(transactions)
        .addArrayOfUUID(devices)
        .addArrayOfString(values)
        .addArrayOfString(units)
        .addArrayOfLong(quantities)
        .addArrayOfString(manufacturers)
        .addArrayOfString(references)
        .addArrayOfUUID(smsClaims)
        .addDouble(lease)
        .addArrayOfString(requestIds)
        .addArrayOfString(traceparents);
    return client.preparedQuery(STORE).execute(args).map(rows -> {
      Map<String, Row> byAttempt = new HashMap<>();
      rows.forEach(r -> byAttempt.put(r.getLong("job") + "/" + r.getUUID("claim"), r));
      List<Closed> answers = new ArrayList<>(n);
      for (Completion s : batch) {
        Row r = byAttempt.get(s.job().id() + "/" + s.job().claim());
        Long smsJob = r.getLong("sms_job");
        answers.add(new Closed(
            r.getBoolean("closed"),
            s.sms() == null || smsJob == null
                ? null
                : new OutboxJob(
                    smsJob,
                    "SMS",
                    s.job().companyId(),
                    s.job().transactionId(),
                    1,
                    s.sms().claim(),
                    null,
                    s.origin().requestId())));
      }
      return answers;
    });
  }
}
