package io.payg.gateway.reconciliation;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One statement upload, read from the request body as it arrives by a {@link BatchedUpload}: each
 * chunk is fed to the {@link StatementReader}; parsed rows are staged {@link #BATCH} at a time with
 * one multi-row INSERT, the request paused while a batch is written. At the end the staged
 * statement is matched in SQL.
 */
final class StatementUpload implements BatchedUpload.Steps<ReconciliationStore.Staged> {

  static final int BATCH = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(StatementUpload.class);

  private final ReconciliationStore store;
  private final UUID id;
  private final UUID companyId;
  private final String provider;
  private final StatementReader reader;
  private final BatchedUpload<ReconciliationStore.Staged> upload;
  private final Promise<ReconciliationStore.Completion> result = Promise.promise();
  private final Promise<Void> read = Promise.promise();
  private final long started = System.nanoTime();

  StatementUpload(
      HttpServerRequest request,
      ReconciliationStore store,
      UUID id,
      UUID companyId,
      String provider,
      StatementLayout layout,
      long maxRows) {
    this.store = store;
    this.id = id;
    this.companyId = companyId;
    this.provider = provider;
    this.upload = new BatchedUpload<>(request, BATCH, this);
    this.reader = new StatementReader(
        layout, maxRows, (row, raw) -> upload.add(new ReconciliationStore.Staged(row, raw)));
  }

  /** Completes once the whole body is read and staged (matching starts then). */
  Future<Void> read() {
    return read.future();
  }

  /** Reads the (paused) request to its end; the reconciliation row {@code id} exists already. */
  Future<ReconciliationStore.Completion> run() {
    upload.start();
    return result.future();
  }

  @Override
  public void feed(byte[] bytes) {
    reader.feed(bytes);
  }

  @Override
  public void end() {
    reader.end();
  }

  @Override
  public Future<?> write(List<ReconciliationStore.Staged> rows) {
    return store.stage(id, rows);
  }

  /** Once the whole body is in, matching goes on even if the client goes away. */
  @Override
  public void finish(String hash) {
    read.tryComplete();
    long staged = System.nanoTime();
    LOG.info(
        "reconciliation {}: {} lines read and staged in {} ms",
        id,
        reader.lines(),
        (staged - started) / 1_000_000);
    store.complete(id, companyId, provider, hash, reader.lines()).onComplete(ar -> {
      LOG.info(
          "reconciliation {}: matched in {} ms ({})",
          id,
          (System.nanoTime() - staged) / 1_000_000,
          ar.succeeded()
              ? (ar.result().replayed()
                  ? "a statement reconciled before: " + ar.result().id()
                  : "completed")
              : "failed: " + ar.cause());
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        // the upload may have been answered 202 once matching started: the row stays, FAILED
        store.failed(id).onComplete(x -> result.tryFail(ar.cause()));
      }
    });
  }

  /** Nothing of a statement that did not complete is kept. */
  @Override
  public void failed(Throwable cause) {
    read.tryFail(cause);
    store.discard(id).onComplete(ar -> result.tryFail(cause));
  }
}
