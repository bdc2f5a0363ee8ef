package io.payg.gateway.reconciliation;

import io.payg.gateway.transaction.Csv;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Row;
import java.util.Arrays;
import java.util.UUID;

/**
 * A reconciliation's whole report as CSV, streamed like the transaction export (a cursor of 200
 * rows a fetch, paused while the client reads slower): every statement line with its outcome,
 * then every gateway-only payment, then the per-day totals (section DAY: statementAmount and
 * gatewayAmount of that day and currency, the counts in the note).
 */
final class ReconciliationCsv {

  static final String HEADER = Csv.record(Arrays.asList(
      "section",
      "line",
      "providerTxnId",
      "occurredAt",
      "statementAmount",
      "statementCurrency",
      "gatewayKind",
      "gatewayId",
      "gatewayAmount",
      "gatewayCurrency",
      "accountReference",
      "note"));

  private final ReconciliationStore store;

  ReconciliationCsv(ReconciliationStore store) {
    this.store = store;
  }

  /** Writes the report of {@code id} (already known to be the caller's) to {@code response}. */
  Future<Void> stream(HttpServerResponse response, UUID id) {
    return store
        .reportRows(id, rows -> {
          Promise<Void> done = Promise.promise();
          response
              .setStatusCode(200)
              .setChunked(true)
              .putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader(
                  "Content-Disposition", "attachment; filename=\"reconciliation-" + id + ".csv\"")
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
        })
        .onFailure(err -> {
          if (response.headWritten() && !response.ended()) {
            response.reset(); // half a report must not look like a whole one
          }
        });
  }

  private static String line(Row r) {
    return Csv.record(Arrays.asList(
        r.getString(2),
        r.getLong(3),
        r.getString(4),
        r.getString(5),
        r.getLong(6),
        r.getString(7),
        r.getString(8),
        r.getString(9),
        r.getLong(10),
        r.getString(11),
        r.getString(12),
        r.getString(13)));
  }
}
