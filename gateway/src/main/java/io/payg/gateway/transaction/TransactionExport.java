package io.payg.gateway.transaction;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * The company's transactions as CSV, streamed in keyset pages: each page is one short
 * auto-commit query (the {@link #PAGE} rows after the last one sent, newest first by
 * {@code (created_at, id)}), and the next page is asked only once the client has drained what
 * was written. No transaction or cursor stays open while a slow client reads, so an export
 * never holds back vacuum nor a pool connection; memory stays at one page and the write queue.
 * A row written after the export began is newer than its first page and is not in it; a row
 * changed meanwhile appears as it was when its page was read.
 */
final class TransactionExport {

  static final String HEADER = Csv.record(Arrays.asList("id", "createdAt", "paidAt", "provider", "providerTxnId", "serial",
      "amount", "currency", "status", "msisdn", "agentId", "tokenUnit", "tokenQuantity", "token"));

  static final int PAGE = 500;

  /** $1 company, $2 serial, $3 status, $4 provider, $5 from, $6 to; $7, $8: created_at and id of the last row sent. */
  private static final String SQL = """
      SELECT t.id, t.created_at, t.paid_at, t.provider, t.provider_txn_id, t.serial,
             t.amount, t.currency, t.status, t.msisdn, t.agent_id, t.token_unit, t.token_quantity, k.value
      FROM transactions t LEFT JOIN tokens k ON k.transaction_id = t.id
      WHERE t.company_id = $1
        AND ($2::text IS NULL OR lower(t.serial) = lower($2)) AND ($3::text IS NULL OR t.status = $3)
        AND ($4::text IS NULL OR t.provider = $4) AND ($5::timestamptz IS NULL OR t.created_at >= $5)
        AND ($6::timestamptz IS NULL OR t.created_at < $6)
        AND ($7::timestamptz IS NULL OR (t.created_at, t.id) < ($7, $8::uuid))
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT %d
      """.formatted(PAGE);

  private final Pool pool;

  TransactionExport(Pool pool) {
    this.pool = pool;
  }

  private record Filters(UUID companyId, String serial, String status, String provider, OffsetDateTime from,
                         OffsetDateTime to) {
    Tuple after(OffsetDateTime createdAt, UUID id) {
      return Tuple.from(new Object[] {companyId, serial, status, provider, from, to, createdAt, id});
    }
  }

  /** Writes the export to {@code response}; the Future fails only if nothing was sent yet (else the response is reset). */
  Future<Void> stream(HttpServerResponse response, UUID companyId, String serial, String status, String provider,
                      OffsetDateTime from, OffsetDateTime to) {
    Filters filters = new Filters(companyId, serial, status, provider, from, to);
    Promise<Void> done = Promise.promise();
    // the first page before the head: a database that cannot answer gets a problem document, not half a file
    pool.preparedQuery(SQL).execute(filters.after(null, null)).onFailure(done::tryFail).onSuccess(first -> {
      response.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"transactions.csv\"")
          .putHeader("Cache-Control", "no-store");
      response.closeHandler(v -> done.tryFail("the client went away"));
      response.write(HEADER);
      send(response, filters, first, done);
    });
    return done.future().onFailure(err -> {
      if (response.headWritten() && !response.ended()) {
        response.reset(); // half a file must not look like a whole one
      }
    });
  }

  /** Writes one page, then asks for the next once the client has taken it in. */
  private void send(HttpServerResponse response, Filters filters, RowSet<Row> page, Promise<Void> done) {
    if (done.future().isComplete()) {
      return; // the client went away
    }
    Row last = null;
    for (Row r : page) {
      response.write(line(r));
      last = r;
    }
    if (page.size() < PAGE) {
      response.end().onComplete(x -> done.tryComplete());
      return;
    }
    Tuple next = filters.after(last.getOffsetDateTime(1), last.getUUID(0));
    Runnable more = () -> pool.preparedQuery(SQL).execute(next).onFailure(done::tryFail)
        .onSuccess(rows -> send(response, filters, rows, done));
    if (response.writeQueueFull()) {
      response.drainHandler(x -> more.run());
    } else {
      more.run();
    }
  }

  private static String line(Row r) {
    return Csv.record(Arrays.asList(r.getUUID(0).toString(), r.getOffsetDateTime(1).toString(),
        r.getOffsetDateTime(2).toString(), r.getString(3), r.getString(4), r.getString(5), r.getLong(6), r.getString(7),
        r.getString(8), r.getString(9), r.getUUID(10) == null ? null : r.getUUID(10).toString(), r.getString(11),
        r.getLong(12), r.getString(13)));
  }
}
