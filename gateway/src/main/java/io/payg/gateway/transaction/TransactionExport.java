package io.payg.gateway.transaction;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * The company's transactions as CSV, streamed: a server-side cursor (RowStream, 200 rows a
 * fetch, inside a read-only transaction) feeds the response row by row, paused whenever the
 * client reads slower than the database, so any export runs in constant memory.
 */
final class TransactionExport {

  static final String HEADER = Csv.record(Arrays.asList("id", "createdAt", "paidAt", "provider", "providerTxnId", "serial",
      "amount", "currency", "status", "msisdn", "agentId", "tokenUnit", "tokenQuantity", "token"));

  private static final String SQL = "SELECT t.id, t.created_at, t.paid_at, t.provider, t.provider_txn_id, t.serial, "
      + "t.amount, t.currency, t.status, t.msisdn, t.agent_id, t.token_unit, t.token_quantity, k.value "
      + "FROM transactions t LEFT JOIN tokens k ON k.transaction_id = t.id WHERE t.company_id = $1 "
      + "AND ($2::text IS NULL OR lower(t.serial) = lower($2)) AND ($3::text IS NULL OR t.status = $3) "
      + "AND ($4::text IS NULL OR t.provider = $4) AND ($5::timestamptz IS NULL OR t.created_at >= $5) "
      + "AND ($6::timestamptz IS NULL OR t.created_at < $6) ORDER BY t.created_at DESC";

  private final Pool pool;

  TransactionExport(Pool pool) {
    this.pool = pool;
  }

  /** Writes the export to {@code response}; the Future fails only if nothing was sent yet (else the response is reset). */
  Future<Void> stream(HttpServerResponse response, UUID companyId, String serial, String status, String provider,
                      OffsetDateTime from, OffsetDateTime to) {
    Tuple args = Tuple.from(new Object[] {companyId, serial, status, provider, from, to});
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION READ ONLY").execute()
        .compose(v -> conn.prepare(SQL)).compose(ps -> {
      Promise<Void> done = Promise.promise();
      RowStream<Row> rows = ps.createStream(200, args);
      response.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"transactions.csv\"")
          .putHeader("Cache-Control", "no-store");
      response.write(HEADER);
      response.closeHandler(v -> {
        rows.close();
        done.tryFail("the client went away");
      });
      rows.exceptionHandler(done::tryFail);
      rows.endHandler(v -> response.end().onComplete(x -> done.tryComplete()));
      rows.handler(r -> {
        response.write(line(r));
        if (response.writeQueueFull()) {
          rows.pause();
          response.drainHandler(x -> rows.resume());
        }
      });
      return done.future();
    })).onFailure(err -> {
      if (response.headWritten() && !response.ended()) {
        response.reset(); // half a file must not look like a whole one
      }
    });
  }

  private static String line(Row r) {
    return Csv.record(Arrays.asList(r.getUUID(0).toString(), r.getOffsetDateTime(1).toString(),
        r.getOffsetDateTime(2).toString(), r.getString(3), r.getString(4), r.getString(5), r.getLong(6), r.getString(7),
        r.getString(8), r.getString(9), r.getUUID(10) == null ? null : r.getUUID(10).toString(), r.getString(11),
        r.getLong(12), r.getString(13)));
  }
}
