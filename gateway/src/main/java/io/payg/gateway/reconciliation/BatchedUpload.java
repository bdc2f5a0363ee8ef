package io.payg.gateway.reconciliation;

import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A CSV upload read from the request body as it arrives: each chunk is hashed and handed to the
 * owner's reader, which {@link #add}s the rows it parses; rows are written a batch at a time with
 * the request paused while a batch is written — so memory holds about one batch and one network
 * chunk, whatever the file's size, and a slow database slows the client instead of filling the
 * heap. Shared by the statement upload and the bulk import; what a row is, how a batch is written
 * and what the end does are theirs.
 */
public final class BatchedUpload<R> {

  /** What the owner of an upload does at each step. */
  public interface Steps<R> {
    /** Reads a chunk of the body, adding what it parses; an exception stops the upload. */
    void feed(byte[] bytes);

    /** The body has ended: reads what is left; an exception stops the upload. */
    void end();

    /** Writes one batch of rows. */
    Future<?> write(List<R> rows);

    /** Every row is written; {@code sha256} is the body's hash in hex. The upload takes no more events. */
    void finish(String sha256);

    /** The upload stopped before {@link #finish} (bad input, a failed write, the client gone). */
    void failed(Throwable cause);
  }

  /** The media types an upload's body may declare: a CSV, as browsers and spreadsheets label it. */
  private static final Set<String> CSV_TYPES =
      Set.of("text/csv", "application/csv", "text/plain", "application/octet-stream");

  private final HttpServerRequest request;
  private final int batchSize;
  private final Steps<R> steps;
  private final MessageDigest sha256;
  private List<R> batch;
  private boolean writing;
  private boolean ended;
  private boolean stopped;

  public BatchedUpload(HttpServerRequest request, int batchSize, Steps<R> steps) {
    this.request = request;
    this.batchSize = batchSize;
    this.steps = steps;
    this.batch = new ArrayList<>(batchSize);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An upload route: nothing of the body is read before {@code start} has checked the request and
   * made the upload's row; a refusal before that closes the connection (the body is not read).
   */
  public static void paused(RoutingContext ctx, Consumer<RoutingContext> start) {
    ctx.request().pause();
    try {
      start.accept(ctx);
    } catch (RuntimeException e) {
      ctx.response().putHeader("Connection", "close");
      throw e;
    }
  }

  /** Refuses (415) a body not declared a CSV; {@code what} names it ("file", "statement"). */
  public static void requireCsv(HttpServerRequest request, String what) {
    String type = request.getHeader("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!CSV_TYPES.contains(mediaType)) {
      throw new ApiException(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "Send the " + what + " itself as the body, Content-Type: text/csv");
    }
  }

  /** One parsed row, written with its batch. */
  public void add(R row) {
    batch.add(row);
  }

  /** Reads the (paused) request to its end. */
  public void start() {
    request.handler(this::chunk);
    request.endHandler(v -> {
      if (stopped) {
        return;
      }
      try {
        steps.end();
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      ended = true;
      next();
    });
    request.exceptionHandler(this::fail);
    // a client gone mid-upload stops it; once every row is written, the owner's end goes on without
    // it
    request
        .response()
        .closeHandler(
            v -> fail(new IllegalStateException("the client went away during the upload")));
    request.resume();
  }

  private void chunk(Buffer buffer) {
    if (stopped) {
      return;
    }
    byte[] bytes = buffer.getBytes();
    sha256.update(bytes);
    try {
      steps.feed(bytes);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    if (batch.size() >= batchSize && !writing) {
      write();
    }
  }

  /** After a write or at the end: write the next full batch, finish, or read on. */
  private void next() {
    if (writing || stopped) {
      return;
    }
    if (batch.size() >= batchSize || (ended && !batch.isEmpty())) {
      write();
    } else if (ended) {
      stopped = true;
      steps.finish(HexFormat.of().formatHex(sha256.digest()));
    } else {
      request.resume();
    }
  }

  private void write() {
    writing = true;
    request.pause();
    List<R> rows = batch;
    batch = new ArrayList<>(batchSize);
    steps.write(rows).onComplete(ar -> {
      writing = false;
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        next();
      }
    });
  }

  private void fail(Throwable cause) {
    if (stopped) {
      return;
    }
    stopped = true;
    request.pause();
    steps.failed(cause);
  }
}
