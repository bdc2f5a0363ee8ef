package io.payg.gateway.payment;

import io.payg.domain.TokenAmount;
import io.payg.domain.allocation.AllocationResult;
import io.payg.domain.allocation.InstallmentPayment;
import io.payg.domain.allocation.OpenInstallment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the payment aggregate: the validation lookup and the statements of the process step. */
final class PaymentStore {

  /** The customer's open installments, oldest first, as the domain's OpenInstallment. */
  private static final String OPEN_INSTALLMENTS = "SELECT i.id, i.sale_id, i.due_date, i.amount - i.paid AS outstanding, "
      + "o.device_id IS NOT NULL AND o.device_id = $2 AS own FROM installments i "
      + "JOIN appliance_sales o ON o.id = i.sale_id WHERE i.customer_id = $1 AND i.paid < i.amount "
      + "ORDER BY i.due_date, i.number";

  /**
   * The hot path: one statement, one probe of the (company_id, serial) unique index; the
   * customer's open installments come along as JSON (the partial index makes "none" cheap).
   */
  static final String LOOKUP = "SELECT " + DeviceAccount.COLUMNS + ", (SELECT json_agg(json_build_object("
      + "'id', i.id, 'sale', i.sale_id, 'due', i.due_date, 'out', i.amount - i.paid, 'own', i.sale_id = s.id) "
      + "ORDER BY i.due_date, i.number) FROM installments i WHERE i.customer_id = d.customer_id AND i.paid < i.amount) "
      + DeviceAccount.FROM + "WHERE d.company_id = $1 AND d.serial = $2";

  /**
   * The device row locked with its customer (whose debts span all their devices and sales),
   * so concurrent payments of one customer queue up here and never allocate the same debt
   * twice. The installments are read by the next statement, after the lock is granted: a
   * subquery here would read them from before the wait.
   */
  static final String LOCK = "SELECT " + DeviceAccount.COLUMNS + DeviceAccount.FROM
      + "WHERE d.company_id = $1 AND d.serial = $2 FOR UPDATE OF d, c";

  static final String FIND_TRANSACTION = "SELECT id, serial, amount, currency, status, token_unit, token_quantity "
      + "FROM transactions WHERE company_id = $1 AND provider = $2 AND provider_txn_id = $3";

  /**
   * Everything the payment writes, in one statement (one round trip): the transaction, its
   * allocations, the device's new credit and access rate paid, and the outbox job (a TOKEN job
   * when it buys a token, else the SMS receipt).
   */
  static final String RECORD = "WITH t AS ("
      + "INSERT INTO transactions (id, company_id, provider, provider_txn_id, device_id, customer_id, serial, amount, "
      + "currency, msisdn, paid_at, status, token_unit, token_quantity) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id, company_id), "
      + "a AS (INSERT INTO allocations (company_id, transaction_id, position, kind, amount, reference) "
      + "SELECT t.company_id, t.id, x.pos, x.kind, x.amount, x.ref FROM t, "
      + "unnest($15::smallint[], $16::text[], $17::bigint[], $18::text[]) AS x(pos, kind, amount, ref)), "
      + "d AS (UPDATE devices SET credit = $19, access_rate_paid = access_rate_paid + $20 WHERE id = $5), "
      + "o AS (INSERT INTO outbox (company_id, kind, transaction_id) SELECT t.company_id, $21, t.id FROM t), "
      + "i AS (UPDATE installments SET paid = paid + x.amount "
      + "FROM unnest($22::uuid[], $23::bigint[]) AS x(id, amount) WHERE installments.id = x.id) "
      + "SELECT id FROM t";

  static final String RECORD_CONFLICT = "INSERT INTO conflicts (id, company_id, provider, provider_txn_id, "
      + "transaction_id, serial, amount, currency, msisdn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

  private final Pool pool;

  PaymentStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** A device with its customer's open installments, for validation. */
  record Lookup(DeviceAccount account, List<OpenInstallment> installments) {
  }

  Future<Lookup> lookup(UUID companyId, String serial) {
    return pool.preparedQuery(LOOKUP).execute(Tuple.of(companyId, serial)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      List<OpenInstallment> open = new ArrayList<>();
      if (r.getValue(15) instanceof JsonArray arr) {
        for (int i = 0; i < arr.size(); i++) {
          JsonObject o = arr.getJsonObject(i);
          open.add(new OpenInstallment(o.getString("id"), o.getString("sale"), LocalDate.parse(o.getString("due")),
              o.getLong("out"), Boolean.TRUE.equals(o.getBoolean("own"))));
        }
      }
      return new Lookup(DeviceAccount.from(r), open);
    });
  }

  Future<DeviceAccount> lock(SqlConnection conn, UUID companyId, String serial) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(companyId, serial))
        .map(rows -> rows.size() == 0 ? null : DeviceAccount.from(rows.iterator().next()));
  }

  /** Open installments of the customer who owns {@code serial}; run after {@link #lock}. */
  Future<List<OpenInstallment>> openInstallments(SqlConnection conn, UUID companyId, String serial) {
    return conn.preparedQuery("WITH d AS (SELECT id, customer_id FROM devices WHERE company_id = $1 AND serial = $2) "
            + OPEN_INSTALLMENTS.replace("$1", "(SELECT customer_id FROM d)").replace("$2", "(SELECT id FROM d)"))
        .execute(Tuple.of(companyId, serial))
        .map(rows -> {
          List<OpenInstallment> open = new ArrayList<>(rows.size());
          for (Row r : rows) {
            open.add(new OpenInstallment(r.getUUID("id").toString(), r.getUUID("sale_id").toString(),
                r.getLocalDate("due_date"), r.getLong("outstanding"), r.getBoolean("own")));
          }
          return open;
        });
  }

  /** The earlier transaction with this provider id, or null. */
  Future<Row> findTransaction(SqlClient client, UUID companyId, String provider, String providerTxnId) {
    return client.preparedQuery(FIND_TRANSACTION).execute(Tuple.of(companyId, provider, providerTxnId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  Future<UUID> record(SqlConnection conn, UUID companyId, String provider, PaymentCommand cmd, DeviceAccount account,
                      AllocationResult result) {
    UUID id = UUID.randomUUID();
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
    String job = token == null ? "SMS" : "TOKEN";
    Tuple params = Tuple.tuple()
        .addUUID(id).addUUID(companyId).addString(provider).addString(cmd.providerTxnId())
        .addUUID(account.deviceId()).addUUID(account.customerId()).addString(account.serial())
        .addLong(cmd.amount().minor()).addString(cmd.amount().currency()).addString(cmd.msisdn())
        .addOffsetDateTime(cmd.paidAt().atOffset(ZoneOffset.UTC)).addString(status)
        .addString(token == null ? null : token.unit().name()).addLong(token == null ? null : token.quantity())
        .addArrayOfShort(positions).addArrayOfString(kinds).addArrayOfLong(amounts).addArrayOfString(refs)
        .addLong(result.newMeterCredit()).addLong(result.accessRatePaid()).addString(job)
        .addArrayOfUUID(result.installmentPayments().stream().map(p -> UUID.fromString(p.installmentId())).toArray(UUID[]::new))
        .addArrayOfLong(result.installmentPayments().stream().map(InstallmentPayment::amount).toArray(Long[]::new));
    return conn.preparedQuery(RECORD).execute(params).map(id);
  }

  Future<Void> recordConflict(SqlClient client, UUID companyId, String provider, PaymentCommand cmd, UUID transactionId) {
    return client.preparedQuery(RECORD_CONFLICT)
        .execute(Tuple.from(new Object[] {UUID.randomUUID(), companyId, provider, cmd.providerTxnId(), transactionId,
            cmd.serial(), cmd.amount().minor(), cmd.amount().currency(), cmd.msisdn()}))
        .mapEmpty();
  }

  /** A recorded transaction as its receipt: status, allocations and the token if it is there. */
  Future<PaymentReceipt> receipt(SqlClient client, UUID transactionId) {
    return client.preparedQuery("SELECT t.status, t.token_unit, t.token_quantity, k.value, "
            + "(SELECT json_agg(json_build_object('kind', a.kind, 'amount', a.amount, 'reference', a.reference) "
            + "ORDER BY a.position) FROM allocations a WHERE a.transaction_id = t.id) AS allocations "
            + "FROM transactions t LEFT JOIN tokens k ON k.transaction_id = t.id WHERE t.id = $1")
        .execute(Tuple.of(transactionId))
        .map(rows -> {
          Row r = rows.iterator().next();
          List<Allocation> allocations = new ArrayList<>();
          Object json = r.getValue("allocations");
          if (json instanceof io.vertx.core.json.JsonArray arr) {
            for (int i = 0; i < arr.size(); i++) {
              var a = arr.getJsonObject(i);
              allocations.add(new Allocation(AllocationKind.valueOf(a.getString("kind")), a.getLong("amount"),
                  a.getString("reference")));
            }
          }
          String unit = r.getString("token_unit");
          TokenAmount amount = unit == null ? null
              : new TokenAmount(TokenAmount.Unit.valueOf(unit), r.getLong("token_quantity"));
          return new PaymentReceipt(transactionId.toString(), r.getString("status"), allocations, amount,
              r.getString("value"));
        });
  }
}
