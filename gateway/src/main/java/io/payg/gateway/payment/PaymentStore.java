package io.payg.gateway.payment;

import io.payg.domain.TokenAmount;
import io.payg.domain.allocation.AllocationResult;
import io.payg.domain.allocation.InstallmentPayment;
import io.payg.domain.allocation.OpenInstallment;
import io.payg.domain.allocation.ReversalDebt;
import io.payg.domain.allocation.ReversalDebtPayment;
import io.payg.domain.commission.CommissionRule;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.commission.CommissionSql;
import io.payg.gateway.db.TimeOrderedUuid;
import io.payg.gateway.outbox.JobHandoff;
import io.payg.gateway.outbox.JobOrigin;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.token.TokenOrder;
import io.payg.gateway.webhook.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the payment aggregate: the snapshot reads and the one statement that records a payment. */
final class PaymentStore {

  /** The customer's open installments, oldest first, as JSON (the partial index makes "none" cheap). */
  private static final String OPEN_INSTALLMENTS = """
      (SELECT json_agg(json_build_object('id', i.id, 'sale', i.sale_id,
                'due', i.due_date, 'out', i.amount - i.paid, 'own', i.sale_id IS NOT DISTINCT FROM s.id)
              ORDER BY i.due_date, i.number)
       FROM installments i WHERE i.customer_id = d.customer_id AND i.paid < i.amount)""";

  /**
   * The device a typed serial names: case-insensitive ($2 comes trimmed, {@link io.payg.domain.Serial}),
   * one probe of the (company_id, lower(serial)) unique index (V12).
   */
  static final String BY_SERIAL = """
      WHERE d.company_id = $1 AND lower(d.serial) = lower($2)""";

  /** The customer's open reversal debts, oldest first (paid before anything else), as JSON. */
  private static final String OPEN_REVERSAL_DEBTS = """
      (SELECT json_agg(json_build_object('id', r.id, 'out', r.amount - r.paid) ORDER BY r.created_at, r.id)
       FROM reversal_debts r WHERE r.customer_id = d.customer_id AND r.paid < r.amount) AS reversal_debts""";

  /** Validation: one statement, one probe of the (company_id, lower(serial)) unique index. */
  static final String LOOKUP = """
      SELECT %s, %s, %s
      %s
      %s""".formatted(
      DeviceAccount.COLUMNS, OPEN_INSTALLMENTS, OPEN_REVERSAL_DEBTS, DeviceAccount.FROM, BY_SERIAL);

  /**
   * Process, first step: the same consistent snapshot, plus any earlier transaction with this
   * provider id. No lock is taken: {@link #RECORD} applies only if the snapshot is still true.
   * $1 company, $2 serial as typed (trimmed), $3 provider, $4 provider transaction id. A provider
   * id kept as an unmatched payment ({@code kept}) is never booked by a redelivery.
   *
   * <p>Every booked or kept provider id is claimed in provider_txn_ids (V16, {@link #RECORD},
   * {@code UnmatchedPaymentStore}), whose only index is exactly that key: a new payment (nearly
   * every one) costs one probe of it, and transactions and unmatched_payments are read only for a
   * claimed id. Their own probes may take the (company, provider, paid_at) index while the tables
   * have no statistics (a tie on the planner's default estimates, docs/performance.md, "SNAPSHOT's
   * plan without statistics"), which reads every row of the company's provider.
   */
  static final String SNAPSHOT = """
      SELECT %s, %s,
             CASE WHEN p.provider_txn_id IS NOT NULL THEN
               (SELECT json_build_object('id', x.id, 'serial', x.serial, 'amount', x.amount, 'currency', x.currency)
                FROM transactions x WHERE x.company_id = $1 AND x.provider = $3 AND x.provider_txn_id = $4)
             END AS earlier,
             CASE WHEN p.provider_txn_id IS NOT NULL THEN
               (SELECT u.id FROM unmatched_payments u
                WHERE u.company_id = $1 AND u.provider = $3 AND u.provider_txn_id = $4)
             END AS kept,
             d.manufacturer, %s
      %s
      LEFT JOIN provider_txn_ids p ON p.company_id = $1 AND p.provider = $3 AND p.provider_txn_id = $4
      %s""".formatted(
      DeviceAccount.COLUMNS, OPEN_INSTALLMENTS, OPEN_REVERSAL_DEBTS, DeviceAccount.FROM, BY_SERIAL);

  /** The earlier transaction with a provider id: $1 company, $2 provider, $3 provider transaction id. */
  static final String FIND_TRANSACTION = """
      SELECT json_build_object('id', x.id, 'serial', x.serial, 'amount', x.amount, 'currency', x.currency)
      FROM transactions x WHERE x.company_id = $1 AND x.provider = $2 AND x.provider_txn_id = $3""";

  /** The payment as its audit row shows it. */
  private static final String PAID = """
      'transactionId', t.id, 'provider', $3::text, 'providerTxnId', $4::text, 'serial', $7::text,
      'amount', $8::bigint, 'currency', $9::text""";

  /** The payment's TOKEN (or SMS) job: leased to this instance's worker ($31 claim, $32 lease) when one runs here. */
  private static final String RECORD_JOB_LEASE = JobHandoff.insertValues("$31", "$32");

  /** The agent's ENERGY commission on the energy money ($26) at the company's rate. */
  private static final String RECORD_COMMISSION =
      CommissionSql.amount("$26::bigint", "s.energy_rate_bps");

  /** The company's payment.recorded webhook, queued with the payment (never one without the other). */
  private static final String RECORD_WEBHOOK =
      WebhookEvents.enqueue("wh", WebhookEvents.PAYMENT_RECORDED, "t", "t.company_id", """
      json_build_object('transactionId', t.id, 'provider', $3::text, 'providerTxnId', $4::text,
        'serial', $7::text, 'customerId', $6::uuid, 'amount', $8::bigint, 'currency', $9::text,
        'msisdn', $10::text, 'paidAt', $11::timestamptz, 'status', $12::text, 'agentId', $25::uuid)""");

  /*
   * The audit row of a payment a person recorded, with the payment: an operator's assign (au1), an
   * agent's cash (au2), the office's cash (au3: the staff user is the one named in the provider id).
   */
  private static final String RECORD_AUDIT = String.join(
      ", ",
      AuditStore.cte(
          "au1",
          "t",
          "t.company_id",
          "$30::uuid",
          "unmatched.assigned",
          "unmatched_payment",
          "$29::uuid",
          "json_build_object('status', 'OPEN')",
          "json_build_object('status', 'ASSIGNED', %s)".formatted(PAID)),
      AuditStore.cte(
          "au2",
          "t",
          "t.company_id",
          "$25::uuid",
          "payment.agent_cash",
          "transaction",
          "t.id",
          "NULL::json",
          "json_build_object(%s)".formatted(PAID)),
      AuditStore.cte(
          "au3",
          "t",
          "t.company_id",
          """
          CASE WHEN $3::text = 'cash' AND $25::uuid IS NULL AND $29::uuid IS NULL
               THEN substring($4::text from '^office:([0-9a-f-]{36}):')::uuid END""",
          "payment.office_cash",
          "transaction",
          "t.id",
          "NULL::json",
          "json_build_object(%s)".formatted(PAID)));

  /**
   * Process, second step: everything the payment writes, in ONE statement (one round trip, one
   * implicit transaction). It is guarded by the customer's debt_version: if another payment or
   * a new sale changed the customer's debts since the snapshot, the guard matches no row, every
   * write below depends on it and does nothing, and the service recomputes from a new snapshot.
   * The guard's UPDATE also takes the customer's row lock, so two writers queue and the second
   * sees the first's new version. A cash payment ($25 = the agent) also raises the agent's cash
   * balance, only within their risk limit; without that, nothing is recorded either. It also
   * writes the agent's ENERGY commission ({@link CommissionRule}), unique per transaction.
   * An operator's assign ($29 = the unmatched payment, $30 = the operator) also flips that kept
   * row from OPEN to ASSIGNED with this transaction, guarded by status = 'OPEN', and the
   * transaction is written only if the flip was: of concurrent assigns (any serials) one books it.
   * The provider id is claimed in provider_txn_ids (unique), as {@code UnmatchedPaymentStore}
   * claims it when it keeps money: a booking and a keep of one id never both commit. An assign
   * claims nothing: its kept row holds the claim. The foreign key of u to t is checked at the end
   * of the statement, when t's row exists.
   *
   * <p>Parameters: $1 transaction id, $2 company, $3 provider, $4 provider transaction id, $5 device,
   * $6 customer, $7 serial, $8 amount (minor units), $9 currency, $10 msisdn, $11 paid at,
   * $12 transaction status, $13 token unit, $14 token quantity, $15-$18 allocations (positions,
   * kinds, amounts, references), $19 the device's new credit, $20 access rate paid, $21 job kind
   * (TOKEN or SMS), $22/$23 installments paid (ids, amounts), $24 the snapshot's debt_version,
   * $25 agent (cash) or null, $26 the commission's energy base, $27/$28 reversal debts paid (ids,
   * amounts), $29 unmatched payment assigned or null, $30 operator or null, $31 job claim or null,
   * $32 job lease (seconds), $33 request id, $34 W3C traceparent of the provider call.
   */
  static final String RECORD = """
      WITH v AS (UPDATE customers SET debt_version = debt_version + 1
                 WHERE id = $6 AND debt_version = $24 RETURNING id),
      ag AS (UPDATE users SET cash_balance = cash_balance + $8 FROM v
             WHERE $25::uuid IS NOT NULL AND users.id = $25 AND users.cash_balance + $8 <= users.risk_limit
             RETURNING users.id),
      u AS (UPDATE unmatched_payments SET status = 'ASSIGNED', transaction_id = $1, resolved_by = $30,
                   resolved_at = now(), resolution = 'assigned to ' || $7::text
            FROM v WHERE $29::uuid IS NOT NULL AND unmatched_payments.id = $29
              AND unmatched_payments.company_id = $2 AND unmatched_payments.status = 'OPEN'
            RETURNING unmatched_payments.id),
      t AS (INSERT INTO transactions (id, company_id, provider, provider_txn_id, device_id, customer_id, serial,
                                      amount, currency, msisdn, paid_at, status, token_unit, token_quantity, agent_id)
            SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::uuid, v.id, $7::text, $8::bigint, $9::text,
                   $10::text, $11::timestamptz, $12::text, $13::text, $14::bigint, $25::uuid FROM v
            WHERE ($25::uuid IS NULL OR EXISTS (SELECT 1 FROM ag))
              AND ($29::uuid IS NULL OR EXISTS (SELECT 1 FROM u)) RETURNING id, company_id),
      a AS (INSERT INTO allocations (company_id, transaction_id, position, kind, amount, reference)
            SELECT t.company_id, t.id, x.pos, x.kind, x.amount, x.ref
            FROM t, unnest($15::smallint[], $16::text[], $17::bigint[], $18::text[]) AS x(pos, kind, amount, ref)),
      d AS (UPDATE devices SET credit = $19, access_rate_paid = access_rate_paid + $20 FROM t
            WHERE devices.id = $5),
      o AS (INSERT INTO outbox (company_id, kind, transaction_id, request_id, traceparent, %1$s)
            SELECT t.company_id, $21, t.id, $33::text, $34::text, %2$s FROM t RETURNING id),
      i AS (UPDATE installments SET paid = paid + x.amount
            FROM t, unnest($22::uuid[], $23::bigint[]) AS x(id, amount) WHERE installments.id = x.id),
      cm AS (INSERT INTO commission_entries (id, company_id, agent_id, kind, transaction_id, base, rate_bps, amount,
                                             currency)
             SELECT gen_random_uuid(), t.company_id, $25::uuid, 'ENERGY', t.id, $26::bigint, s.energy_rate_bps, %3$s,
                    $9::text
             FROM t JOIN commission_settings s ON s.company_id = t.company_id
             WHERE $25::uuid IS NOT NULL AND %3$s > 0),
      rd AS (UPDATE reversal_debts SET paid = paid + x.amount
             FROM t, unnest($27::uuid[], $28::bigint[]) AS x(id, amount) WHERE reversal_debts.id = x.id),
      c AS (INSERT INTO provider_txn_ids (company_id, provider, provider_txn_id)
            SELECT t.company_id, $3::text, $4::text FROM t WHERE $29::uuid IS NULL),
      %4$s,
      %5$s
      SELECT (SELECT count(*) FROM v), (SELECT count(*) FROM t), (SELECT count(*) FROM u), (SELECT id FROM o) AS job,
             (SELECT count(*) FROM wh_e) AS webhooks""".formatted(
      JobHandoff.INSERT_COLUMNS, RECORD_JOB_LEASE, RECORD_COMMISSION, RECORD_WEBHOOK, RECORD_AUDIT);

  /**
   * $1 id, $2 company, $3 provider, $4 provider txn id, $5 transaction, $6 serial, $7 amount, $8 currency, $9 msisdn.
   */
  static final String RECORD_CONFLICT = """
      INSERT INTO conflicts (id, company_id, provider, provider_txn_id, transaction_id, serial, amount, currency,
        msisdn)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  /** $1 transaction, $2 account reference, $3 amount, $4 currency: the transaction an assign of this payment made. */
  private static final String ASSIGNED_FROM = """
      SELECT 1 FROM unmatched_payments
       WHERE transaction_id = $1 AND account_reference = $2 AND amount = $3 AND currency = $4""";

  /** $1 transaction: its status, token and allocations. */
  private static final String RECEIPT = """
      SELECT t.status, t.token_unit, t.token_quantity, k.value,
             (SELECT json_agg(json_build_object('kind', a.kind, 'amount', a.amount, 'reference', a.reference)
                              ORDER BY a.position)
                FROM allocations a WHERE a.transaction_id = t.id) AS allocations
        FROM transactions t LEFT JOIN tokens k ON k.transaction_id = t.id
       WHERE t.id = $1""";

  /** An operator's assign of the unmatched payment {@code unmatchedId}. */
  record Assign(UUID unmatchedId, UUID operatorId) {}

  /**
   * A device with its customer's open installments, as of one snapshot; {@code manufacturer} of
   * the device (process only).
   */
  record Snapshot(
      DeviceAccount account,
      List<OpenInstallment> installments,
      JsonObject earlier,
      UUID kept,
      List<ReversalDebt> reversalDebts,
      String manufacturer) {}

  private final Pool pool;
  private final SqlClient reads;
  private final JobHandoff handoff;

  /** {@code reads} serves the lookup and the snapshot (no lock, no write: a pipelined client will do). */
  PaymentStore(Pool pool, SqlClient reads, JobHandoff handoff) {
    this.pool = pool;
    this.reads = reads;
    this.handoff = handoff;
  }

  Future<Snapshot> lookup(UUID companyId, String serial) {
    return reads
        .preparedQuery(LOOKUP)
        .execute(Tuple.of(companyId, serial))
        .map(PaymentStore::snapshot);
  }

  Future<Snapshot> snapshot(UUID companyId, String provider, String providerTxnId, String serial) {
    return reads
        .preparedQuery(SNAPSHOT)
        .execute(Tuple.of(companyId, serial, provider, providerTxnId))
        .map(PaymentStore::snapshot);
  }

  private static Snapshot snapshot(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row r = rows.iterator().next();
    List<OpenInstallment> open = new ArrayList<>();
    if (r.getValue(17) instanceof JsonArray arr) {
      for (int i = 0; i < arr.size(); i++) {
        JsonObject o = arr.getJsonObject(i);
        open.add(new OpenInstallment(
            o.getString("id"),
            o.getString("sale"),
            LocalDate.parse(o.getString("due")),
            o.getLong("out"),
            Boolean.TRUE.equals(o.getBoolean("own"))));
      }
    }
    List<ReversalDebt> debts = new ArrayList<>();
    if (r.getValue("reversal_debts") instanceof JsonArray arr) {
      for (int i = 0; i < arr.size(); i++) {
        JsonObject o = arr.getJsonObject(i);
        debts.add(new ReversalDebt(o.getString("id"), o.getLong("out")));
      }
    }
    JsonObject earlier =
        r.getColumnIndex("earlier") >= 0 && r.getValue("earlier") instanceof JsonObject e
            ? e
            : null;
    UUID kept = r.getColumnIndex("kept") >= 0 ? r.getUUID("kept") : null;
    String manufacturer =
        r.getColumnIndex("manufacturer") >= 0 ? r.getString("manufacturer") : null;
    return new Snapshot(DeviceAccount.from(r), open, earlier, kept, debts, manufacturer);
  }

  /** The earlier transaction with this provider id, or null (when the serial is unknown). */
  Future<JsonObject> findTransaction(UUID companyId, String provider, String providerTxnId) {
    return pool.preparedQuery(FIND_TRANSACTION)
        .execute(Tuple.of(companyId, provider, providerTxnId))
        .map(rows ->
            rows.size() == 0 ? null : (JsonObject) rows.iterator().next().getValue(0));
  }

  /**
   * Whether {@code transactionId} was booked by an operator's assign of an unmatched payment that
   * came as {@code cmd} (the account reference as typed): a late redelivery of that message is a
   * replay, not a conflict. Read only when a replay differs from its transaction.
   */
  Future<Boolean> assignedFrom(UUID transactionId, PaymentCommand cmd) {
    return pool.preparedQuery(ASSIGNED_FROM)
        .execute(Tuple.of(
            transactionId,
            cmd.serial() == null ? "" : cmd.serial(),
            cmd.amount().minor(),
            cmd.amount().currency()))
        .map(rows -> rows.size() > 0);
  }

  /**
   * How {@link #record} ended: recorded (receipt), overtaken (retry), over the agent's risk limit,
   * or (an assign) the unmatched payment was no longer OPEN. {@code job} is the payment's TOKEN or
   * SMS job when it was inserted leased to this instance's worker (to hand over), else null;
   * {@code webhooks} whether it queued a webhook delivery (a subscribed endpoint).
   */
  record Written(
      PaymentReceipt receipt,
      boolean overtaken,
      boolean overRiskLimit,
      boolean notOpen,
      OutboxJob job,
      boolean webhooks) {
    Written(PaymentReceipt receipt, boolean overtaken, boolean overRiskLimit) {
      this(receipt, overtaken, overRiskLimit, false, null, false);
    }
  }

  /** Writes the payment; {@code agentId} is the agent who took the cash, or null. */
  Future<Written> record(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      Snapshot snapshot,
      AllocationResult result,
      UUID agentId) {
    return record(companyId, provider, cmd, snapshot, result, agentId, null, JobOrigin.none());
  }

  /**
   * As above; {@code assign} is the operator's assign of an unmatched payment, or null;
   * {@code origin} the call the payment came from, kept with its job.
   */
  Future<Written> record(
      UUID companyId,
      String provider,
      PaymentCommand cmd,
      Snapshot snapshot,
      AllocationResult result,
      UUID agentId,
      Assign assign,
      JobOrigin origin) {
    DeviceAccount account = snapshot.account();
    // in time order: transactions' key and every index on transaction_id fill their rightmost pages
    UUID id = TimeOrderedUuid.next();
    List<Allocation> allocations = result.allocations();
    Short[] positions = new Short[allocations.size()];
    String[] kinds = new String[allocations.size()];
    Long[] amounts = new Long[allocations.size()];
    String[] refs = new String[allocations.size()];
    for (int i = 0; i < allocations.size(); i++) {
      positions[i] = (short) i;
      kinds[i] = allocations.get(i).kind().name();
      amounts[i] = allocations.get(i).amount();
      refs[i] = allocations.get(i).reference();
    }
    TokenAmount token = result.tokenAmount();
    String status = token == null ? "COMPLETED" : "PROCESSED";
    String jobKind = token == null ? "SMS" : "TOKEN";
    JobHandoff.Lease lease = handoff.lease(jobKind);
    Tuple params = Tuple.tuple()
        .addUUID(id)
        .addUUID(companyId)
        .addString(provider)
        .addString(cmd.providerTxnId())
        .addUUID(account.deviceId())
        .addUUID(account.customerId())
        .addString(account.serial())
        .addLong(cmd.amount().minor())
        .addString(cmd.amount().currency())
        .addString(cmd.msisdn())
        .addOffsetDateTime(cmd.paidAt().atOffset(ZoneOffset.UTC))
        .addString(status)
        .addString(token == null ? null : token.unit().name())
        .addLong(token == null ? null : token.quantity())
        .addArrayOfShort(positions)
        .addArrayOfString(kinds)
        .addArrayOfLong(amounts)
        .addArrayOfString(refs)
        .addLong(result.newMeterCredit())
        .addLong(result.accessRatePaid())
        .addString(jobKind)
        .addArrayOfUUID(result.installmentPayments().stream()
            .map(p -> UUID.fromString(p.installmentId()))
            .toArray(UUID[]::new))
        .addArrayOfLong(result.installmentPayments().stream()
            .map(InstallmentPayment::amount)
            .toArray(Long[]::new))
        .addLong(account.debtVersion())
        .addUUID(agentId)
        .addLong(CommissionRule.energyBase(allocations))
        .addArrayOfUUID(result.reversalDebtPayments().stream()
            .map(p -> UUID.fromString(p.debtId()))
            .toArray(UUID[]::new))
        .addArrayOfLong(result.reversalDebtPayments().stream()
            .map(ReversalDebtPayment::amount)
            .toArray(Long[]::new))
        .addUUID(assign == null ? null : assign.unmatchedId())
        .addUUID(assign == null ? null : assign.operatorId())
        .addUUID(lease == null ? null : lease.claim())
        .addDouble(lease == null ? 0.0 : lease.seconds())
        .addString(origin.requestId())
        .addString(origin.trace().header());
    return pool.preparedQuery(RECORD).execute(params).map(rows -> {
      Row r = rows.iterator().next();
      if (r.getLong(0) == 0) {
        return new Written(null, true, false);
      }
      if (assign != null && r.getLong(2) == 0) {
        return new Written(null, false, false, true, null, false);
      }
      if (r.getLong(1) != 1) {
        return new Written(null, false, true);
      }
      // what the token job needs is all known here: its worker starts the manufacturer call from
      // memory
      OutboxJob job = lease == null
          ? null
          : new OutboxJob(
              r.getLong(3),
              jobKind,
              companyId,
              id,
              1,
              lease.claim(),
              token == null
                  ? null
                  : new TokenOrder(
                      TokenOrder.serviceMoney(allocations),
                      cmd.amount().currency(),
                      token,
                      provider,
                      cmd.providerTxnId(),
                      account.deviceId(),
                      account.serial(),
                      account.type(),
                      snapshot.manufacturer(),
                      origin),
              origin.requestId());
      return new Written(
          new PaymentReceipt(id.toString(), status, allocations, token, null),
          false,
          false,
          false,
          job,
          r.getLong(4) > 0);
    });
  }

  Future<Void> recordConflict(
      UUID companyId, String provider, PaymentCommand cmd, UUID transactionId) {
    return pool.preparedQuery(RECORD_CONFLICT)
        .execute(Tuple.from(new Object[] {
          UUID.randomUUID(),
          companyId,
          provider,
          cmd.providerTxnId(),
          transactionId,
          cmd.serial(),
          cmd.amount().minor(),
          cmd.amount().currency(),
          cmd.msisdn()
        }))
        .mapEmpty();
  }

  /** A recorded transaction as its receipt: status, allocations and the token if it is there. */
  Future<PaymentReceipt> receipt(UUID transactionId) {
    return pool.preparedQuery(RECEIPT).execute(Tuple.of(transactionId)).map(rows -> {
      Row r = rows.iterator().next();
      List<Allocation> allocations = StoredAllocations.read(r.getValue("allocations"));
      String unit = r.getString("token_unit");
      TokenAmount amount = unit == null
          ? null
          : new TokenAmount(TokenAmount.Unit.valueOf(unit), r.getLong("token_quantity"));
      return new PaymentReceipt(
          transactionId.toString(),
          r.getString("status"),
          allocations,
          amount,
          r.getString("value"));
    });
  }
}
