package io.payg.gateway.sms;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.outbox.OutboxStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** All the SQL of installment reminders: the company setting, the daily enqueue, the sent record. */
public final class ReminderStore {

  /** A company whose reminders are on. */
  record Company(UUID id, ReminderSettings settings) {}

  /*
   * One statement per company and day: the wanted (due date, kind, days) triples meet the unpaid
   * installments; each reminder row is inserted at most once ever (UNIQUE installment, kind,
   * days), and only a row inserted now gets its outbox job, so a rerun or a second gateway
   * instance enqueues nothing more.
   */
  private static final String ENQUEUE = """
      WITH wanted AS (SELECT * FROM unnest($2::date[], $3::text[], $4::int[])
      AS w(due_date, kind, days)),
      due AS (SELECT i.id AS installment_id, w.kind, w.days FROM wanted w JOIN installments i
      ON i.company_id = $1 AND i.due_date = w.due_date AND i.paid < i.amount),
      rem AS (INSERT INTO installment_reminders (id, company_id, installment_id, kind, days)
      SELECT gen_random_uuid(), $1, installment_id, kind, days FROM due
      ON CONFLICT (installment_id, kind, days) DO NOTHING RETURNING id)
      INSERT INTO outbox (company_id, kind, reminder_id) SELECT $1, 'REMINDER', id FROM rem RETURNING id""";

  private static final String CONTEXT = """
      SELECT r.id AS reminder_id, r.kind, r.days, i.due_date, i.amount - i.paid AS due,
      c.name, c.phone, COALESCE(d.serial, a.name) AS serial, co.currency, co.sms_templates,
      (SELECT p.name FROM plugins p WHERE p.company_id = o.company_id AND p.kind = 'SMS' AND p.enabled
      ORDER BY p.name LIMIT 1) AS plugin
      FROM outbox o JOIN installment_reminders r ON r.id = o.reminder_id JOIN installments i ON i.id = r.installment_id
      JOIN appliance_sales s ON s.id = i.sale_id JOIN appliances a ON a.id = s.appliance_id
      JOIN customers c ON c.id = i.customer_id JOIN companies co ON co.id = o.company_id
      LEFT JOIN devices d ON d.id = s.device_id WHERE o.id = $1""";

  /**
   * The reminder SMS recorded only if this attempt's claim closes the job: $1 message id,
   * $2 company, $3 reminder, $4 phone, $5 text, $6 provider, $7 its message id, $8 job, $9 claim.
   */
  private static final String RECORD_SENT = """
      WITH done AS (
        UPDATE outbox SET status = 'DONE', last_error = NULL, claim_token = NULL, updated_at = now()
         WHERE id = $8 AND claim_token = $9 AND status = 'PENDING'
        RETURNING id),
      m AS (
        INSERT INTO sms_messages (id, company_id, reminder_id, phone, body, provider, provider_message_id)
        SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text, $7::text FROM done)
      SELECT count(*) FROM done""";

  private final Pool pool;

  public ReminderStore(Pool pool) {
    this.pool = pool;
  }

  Future<ReminderSettings> settings(UUID companyId) {
    return pool.preparedQuery("""
        SELECT sms_reminders FROM companies WHERE id = $1""")
        .execute(Tuple.of(companyId))
        .map(rows -> ReminderSettings.stored(rows.iterator().next().getJsonObject(0)));
  }

  Future<ReminderSettings> save(Caller who, ReminderSettings settings) {
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery("""
            WITH old AS (SELECT sms_reminders FROM companies WHERE id = $1 FOR UPDATE)
            UPDATE companies SET sms_reminders = $2 FROM old WHERE id = $1 RETURNING old.sms_reminders,
              companies.sms_reminders""")
                .execute(Tuple.of(who.companyId(), settings.toJson()))
                .map(rows -> rows.iterator().next()),
            r -> new AuditStore.Entry(
                "sms_reminders.saved",
                "company",
                who.companyId().toString(),
                r.getJsonObject(0),
                r.getJsonObject(1)))
        .map(r -> ReminderSettings.stored(r.getJsonObject(1)));
  }

  Future<List<Company>> enabledCompanies() {
    return pool.query("""
        SELECT id, sms_reminders FROM companies WHERE (sms_reminders ->> 'enabled')::boolean""").execute().map(rows -> {
      List<Company> out = new ArrayList<>();
      rows.forEach(r -> out.add(
          new Company(r.getUUID("id"), ReminderSettings.stored(r.getJsonObject("sms_reminders")))));
      return out;
    });
  }

  /** Enqueues the reminders of {@code today} not enqueued before; returns how many. */
  Future<Integer> enqueue(UUID companyId, LocalDate today, ReminderSettings settings) {
    List<LocalDate> dates = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    List<Integer> days = new ArrayList<>();
    settings.daysBefore().forEach(d -> {
      dates.add(today.plusDays(d));
      kinds.add(ReminderKind.DUE_SOON.name());
      days.add(d);
    });
    settings.daysAfter().forEach(d -> {
      dates.add(today.minusDays(d));
      kinds.add(ReminderKind.OVERDUE.name());
      days.add(d);
    });
    if (dates.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(ENQUEUE)
        .execute(Tuple.of(
            companyId,
            dates.toArray(new LocalDate[0]),
            kinds.toArray(new String[0]),
            days.toArray(new Integer[0])))
        .map(rows -> rows.rowCount());
  }

  /** What a REMINDER job needs to write its SMS. */
  Future<Row> context(long outboxId) {
    return pool.preparedQuery(CONTEXT)
        .execute(Tuple.of(outboxId))
        .map(rows -> rows.iterator().next());
  }

  /** The SMS went out: recorded, and its job closed, in one statement fenced by the job's claim. */
  Future<Void> sent(
      OutboxJob job,
      UUID reminderId,
      String phone,
      String text,
      String provider,
      String messageId) {
    return pool.preparedQuery(RECORD_SENT)
        .execute(Tuple.from(new Object[] {
          UUID.randomUUID(),
          job.companyId(),
          reminderId,
          phone,
          text,
          provider,
          messageId,
          job.id(),
          job.claim()
        }))
        .compose(rows -> OutboxStore.fenced(job, rows.iterator().next().getLong(0)));
  }
}
