package io.payg.gateway.reconciliation;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One statement upload, read from the request body as it arrives: each chunk is hashed and fed to
 * the {@link StatementReader}; parsed rows are staged {@link #BATCH} at a time with one multi-row
 * INSERT, and the request is paused while a batch is written — so memory holds about one batch
 * and one network chunk, whatever the statement's size, and a slow database slows the client
 * instead of filling the heap. At the end the staged statement is matched in SQL.
 */
final class StatementUpload {

  static final int BATCH = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(StatementUpload.class);

  private final HttpServerRequest request;
  private final ReconciliationStore store;
  private final UUID id;
  private final UUID companyId;
  private final String provider;
  private final StatementReader reader;
  private final MessageDigest sha256;
  private final Promise<ReconciliationStore.Completion> result = Promise.promise();
  private final Promise<Void> read = Promise.promise();
  private final long started = System.nanoTime();
  private List<ReconciliationStore.Staged> batch = new ArrayList<>(BATCH);
  private boolean writing;
  private boolean ended;
  private boolean finishing;
  private boolean stopped;

  StatementUpload(
      HttpServerRequest request,
      ReconciliationStore store,
      UUID id,
      UUID companyId,
      String provider,
      StatementLayout layout,
      long maxRows) {
    this.request = request;
    this.store = store;
    this.id = id;
    this.companyId = companyId;
    this.provider = provider;
    this.reader = new StatementReader(
        layout, maxRows, (row, raw) -> batch.add(new ReconciliationStore.Staged(row, raw)));
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Completes once the whole body is read and staged (matching starts then). */
  Future<Void> read() {
    return read.future();
  }

  /** Reads the (paused) request to its end; the reconciliation row {@code id} exists already. */
  Future<ReconciliationStore.Completion> run() {
    request.handler(this::chunk);
    request.endHandler(v -> {
      if (failed()) {
        return;
      }
      try {
        reader.end();
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      ended = true;
      next();
    });
    request.exceptionHandler(this::fail);
    // a client gone mid-upload leaves nothing; once the whole body is in, matching goes on without
    // it
    request.response().closeHandler(v -> {
      if (!finishing) {
        fail(new IllegalStateException("the client went away during the upload"));
      }
    });
    request.resume();
    return result.future();
  }

  private void chunk(Buffer buffer) {
    if (failed()) {
      return;
    }
    byte[] bytes = buffer.getBytes();
    sha256.update(bytes);
    try {
      reader.feed(bytes);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    if (batch.size() >= BATCH && !writing) {
      write();
    }
  }

  /** After a write or at the end: write the next full batch, finish, or read on. */
  private void next() {
    if (writing || failed()) {
      return;
    }
    if (batch.size() >= BATCH || (ended && !batch.isEmpty())) {
      write();
    } else if (ended) {
      finish();
    } else {
      request.resume();
    }
  }

  private void write() {
    writing = true;
    request.pause();
    List<ReconciliationStore.Staged> rows = batch;
    batch = new ArrayList<>(BATCH);
    store.stage(id, rows).onComplete(ar -> {
      writing = false;
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        next();
      }
    });
  }

  private void finish() {
    if (finishing) {
      return;
    }
    finishing = true;
    read.tryComplete();
    long staged = System.nanoTime();
    LOG.info(
        "reconciliation {}: {} lines read and staged in {} ms",
        id,
        reader.lines(),
        (staged - started) / 1_000_000);
    String hash = HexFormat.of().formatHex(sha256.digest());
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
        stopped = true;
        result.tryComplete(ar.result());
      } else {
        fail(ar.cause());
      }
    });
  }

  private boolean failed() {
    return stopped;
  }

  /** Nothing of a statement that did not complete is kept. */
  private void fail(Throwable cause) {
    if (stopped) {
      return;
    }
    stopped = true;
    request.pause();
    read.tryFail(cause);
    // once matching started the upload may have been answered 202: the row stays, FAILED
    (finishing ? store.failed(id) : store.discard(id)).onComplete(ar -> result.tryFail(cause));
  }
}
