package io.payg.gateway.bulkimport;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.reconciliation.BatchedUpload;
import io.payg.gateway.reconciliation.CsvCells;
import io.payg.gateway.reconciliation.CsvRecords;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import file, read from the request body as it arrives by a {@link BatchedUpload}: each chunk
 * is cut into lines (a quoted cell may span lines); rows are read by {@link ImportColumns} and
 * applied {@link #BATCH} at a time by {@link ImportStore#apply}, with the request paused while a
 * batch is written — so memory holds one batch, one network chunk and the file's keys seen so far
 * ({@link ImportBatch.SeenInFile}), never the file.
 */
final class ImportUpload implements BatchedUpload.Steps<ImportRow> {

  static final int BATCH = 1000;
  static final int MAX_LINE_BYTES = 16 * 1024;
  static final int MAX_RECORD_LINES = 20;
  private static final Logger LOG = LoggerFactory.getLogger(ImportUpload.class);

  private final ImportStore store;
  private final Caller caller;
  private final UUID id;
  private final boolean dryRun;
  private final ImportReferences references;
  private final LocalDate today;
  private final long maxRows;
  private final BatchedUpload<ImportRow> upload;
  private final ImportBatch.SeenInFile seen = new ImportBatch.SeenInFile();
  private final Promise<Void> result = Promise.promise();
  private final long started = System.nanoTime();
  private ImportColumns columns;
  private final CsvRecords records =
      new CsvRecords(MAX_LINE_BYTES, MAX_RECORD_LINES, new CsvRecords.Sink() {
        @Override
        public void record(long line, String text) {
          complete(line, text);
        }

        @Override
        public void tooLong(long line) {
          row(new ImportRow.Bad(
              line,
              null,
              null,
              "LINE_TOO_LONG",
              "The line is longer than " + MAX_LINE_BYTES + " bytes"));
        }

        @Override
        public void unclosed(long line, String raw, boolean atEnd) {
          row(new ImportRow.Bad(
              line,
              null,
              null,
              "MALFORMED_CSV",
              atEnd
                  ? "A quoted cell is not closed before the end of the file"
                  : "A quoted cell is not closed within " + MAX_RECORD_LINES + " lines"));
        }
      });
  private long dataRows;

  ImportUpload(
      HttpServerRequest request,
      ImportStore store,
      Caller caller,
      UUID id,
      boolean dryRun,
      ImportReferences references,
      LocalDate today,
      long maxRows) {
    this.store = store;
    this.caller = caller;
    this.id = id;
    this.dryRun = dryRun;
    this.references = references;
    this.today = today;
    this.maxRows = maxRows;
    this.upload = new BatchedUpload<>(request, BATCH, this);
  }

  /** Reads the (paused) request to its end; completes once every row is applied and the import completed. */
  Future<Void> run() {
    upload.start();
    return result.future();
  }

  @Override
  public void feed(byte[] bytes) {
    records.feed(bytes);
  }

  @Override
  public void end() {
    records.end();
    if (columns == null) {
      throw ApiException.unprocessable(
          "IMPORT_HEADER_MISSING",
          "The file is empty: the first line must be the " + "header, e.g. "
              + String.join(",", ImportColumns.NAMES));
    }
  }

  @Override
  public Future<?> write(List<ImportRow> rows) {
    return store.apply(id, caller.companyId(), rows, seen, dryRun);
  }

  private void complete(long recordStart, String text) {
    if (text.isBlank() || text.chars().allMatch(c -> c == ',' || Character.isWhitespace(c))) {
      return;
    }
    List<String> cells;
    try {
      cells = CsvCells.split(text);
    } catch (IllegalArgumentException e) {
      if (columns == null) {
        throw ApiException.unprocessable(
            "IMPORT_HEADER_INVALID", "The header line is not CSV: " + e.getMessage());
      }
      row(new ImportRow.Bad(
          recordStart, null, null, "MALFORMED_CSV", "Not a CSV record: " + e.getMessage()));
      return;
    }
    if (columns == null) {
      columns = ImportColumns.bind(cells, references, today);
      return;
    }
    row(columns.read(recordStart, cells));
  }

  private void row(ImportRow row) {
    if (columns == null) {
      throw ApiException.unprocessable(
          "IMPORT_HEADER_INVALID",
          "Line " + row.line() + " should be the header line " + "and cannot be read: "
              + ((ImportRow.Bad) row).detail());
    }
    if (++dataRows > maxRows) {
      throw new ApiException(
          413,
          "IMPORT_TOO_LARGE",
          "A file has at most " + maxRows + " rows: split it (the rows " + "before line "
              + row.line()
              + " in batches already applied stay; uploading them again changes nothing)");
    }
    upload.add(row);
  }

  @Override
  public void finish(String hash) {
    store.complete(caller, id, hash).onComplete(ar -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      LOG.info(
          "import {}{}: {} rows in {} ms ({} rows/s){}",
          id,
          dryRun ? " (dry run)" : "",
          dataRows,
          ms,
          ms == 0 ? dataRows : dataRows * 1000 / ms,
          ar.succeeded() ? "" : ", failed: " + ar.cause());
      if (ar.succeeded()) {
        result.tryComplete();
      } else {
        store
            .failed(id, String.valueOf(ar.cause().getMessage()))
            .onComplete(x -> result.tryFail(ar.cause()));
      }
    });
  }

  /** The batches applied stay; the import is marked FAILED with the reason. */
  @Override
  public void failed(Throwable cause) {
    String reason = cause instanceof ApiException a
        ? a.getMessage()
        : "the upload stopped: " + cause.getMessage();
    if (!(cause instanceof ApiException)) {
      LOG.warn("import {} failed", id, cause);
    }
    store.failed(id, reason).onComplete(ar -> result.tryFail(cause));
  }
}
