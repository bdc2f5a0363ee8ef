package io.payg.gateway.outbox;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Completions of many jobs written by one statement: the jobs of one kind that finish within one
 * short window (or until {@code max} of them) are sent together to a statement over arrays
 * ({@code unnest}), one round trip and one commit for all of them. Each job keeps its own fence:
 * the statement closes only the rows that still carry their attempt's claim and says so per job,
 * so a batch never lets a stale attempt write, and a failed statement fails each of its jobs (they
 * are retried as one failed alone would be). A window of 0 writes each completion alone.
 *
 * @param <I> one job's completion (its row of the arrays)
 * @param <O> what the statement answers for that job, in the order of the items given
 */
public final class CompletionBatch<I, O> {

  /** How long the first completion of a batch waits for others, and the most in one statement. */
  public record Window(Duration length, int max) {
    public Window {
      if (length.isNegative() || max < 1) {
        throw new IllegalArgumentException("completion window " + length + ", max " + max);
      }
    }
  }

  private record Waiting<I, O>(I item, Promise<O> answer) {}

  private final Vertx vertx;
  private final Window window;
  private final Function<List<I>, Future<List<O>>> write;
  private List<Waiting<I, O>> batch = new ArrayList<>();

  public CompletionBatch(Vertx vertx, Window window, Function<List<I>, Future<List<O>>> write) {
    this.vertx = vertx;
    this.window = window;
    this.write = write;
  }

  /** Queues one job's completion; the future ends when its batch's statement did. */
  public Future<O> add(I item) {
    Promise<O> answer = Promise.promise();
    List<Waiting<I, O>> full = null;
    synchronized (this) {
      batch.add(new Waiting<>(item, answer));
      if (window.length().isZero() || batch.size() >= window.max()) {
        full = take();
      } else if (batch.size() == 1) {
        List<Waiting<I, O>> opened = batch;
        vertx.setTimer(Math.max(1, window.length().toMillis()), id -> flush(opened));
      }
    }
    if (full != null) {
      send(full);
    }
    return answer.future();
  }

  /** The window of {@code opened} is over: send it unless it was already sent full. */
  private void flush(List<Waiting<I, O>> opened) {
    List<Waiting<I, O>> due = null;
    synchronized (this) {
      if (batch == opened) {
        due = take();
      }
    }
    if (due != null) {
      send(due);
    }
  }

  private List<Waiting<I, O>> take() {
    List<Waiting<I, O>> due = batch;
    batch = new ArrayList<>();
    return due;
  }

  private void send(List<Waiting<I, O>> due) {
    Future<List<O>> written;
    try {
      written = write.apply(due.stream().map(Waiting::item).toList());
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(ar -> {
      for (int i = 0; i < due.size(); i++) {
        if (ar.succeeded()) {
          due.get(i).answer().complete(ar.result().get(i));
        } else {
          due.get(i).answer().fail(ar.cause());
        }
      }
    });
  }
}
