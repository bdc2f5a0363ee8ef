package io.payg.gateway.transaction;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * The company's transactions as CSV, streamed in keyset pages: each page is one short
 * auto-commit query ({@link TransactionStore#exportPage}: the {@link #PAGE} rows after the last one sent,
 * newest first by
 * {@code (created_at, id)}), and the next page is asked only once the client has drained what
 * was written. No transaction or cursor stays open while a slow client reads, so an export
 * never holds back vacuum nor a pool connection; memory stays at one page and the write queue.
 * A row written after the export began is newer than its first page and is not in it; a row
 * changed meanwhile appears as it was when its page was read.
 */
final class TransactionExport {

  static final String HEADER = Csv.record(Arrays.asList(
      "id",
      "createdAt",
      "paidAt",
      "provider",
      "providerTxnId",
      "serial",
      "amount",
      "currency",
      "status",
      "msisdn",
      "agentId",
      "tokenUnit",
      "tokenQuantity",
      "token"));

  static final int PAGE = TransactionStore.EXPORT_PAGE_ROWS;

  private final TransactionStore store;

  TransactionExport(TransactionStore store) {
    this.store = store;
  }

  /**
   * Writes the export to {@code response}; the Future fails only if nothing was sent yet (else the response is reset).
   */
  Future<Void> stream(HttpServerResponse response, TransactionSearch filters) {
    Promise<Void> done = Promise.promise();
    // the first page before the head: a database that cannot answer gets a problem document, not
    // half a file
    store.exportPage(filters, null, null).onFailure(done::tryFail).onSuccess(first -> {
      response
          .setStatusCode(200)
          .setChunked(true)
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
  private void send(
      HttpServerResponse response,
      TransactionSearch filters,
      RowSet<Row> page,
      Promise<Void> done) {
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
    OffsetDateTime lastCreated = last.getOffsetDateTime(1);
    UUID lastId = last.getUUID(0);
    Runnable more = () -> store
        .exportPage(filters, lastCreated, lastId)
        .onFailure(done::tryFail)
        .onSuccess(rows -> send(response, filters, rows, done));
    if (response.writeQueueFull()) {
      response.drainHandler(x -> more.run());
    } else {
      more.run();
    }
  }

  private static String line(Row r) {
    return Csv.record(Arrays.asList(
        r.getUUID(0).toString(),
        r.getOffsetDateTime(1).toString(),
        r.getOffsetDateTime(2).toString(),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getLong(6),
        r.getString(7),
        r.getString(8),
        r.getString(9),
        r.getUUID(10) == null ? null : r.getUUID(10).toString(),
        r.getString(11),
        r.getLong(12),
        r.getString(13)));
  }
}
