package io.payg.gateway.token;

import io.payg.gateway.outbox.JobDeferred;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * At most {@code limit} requests in flight from one company to one manufacturer. A job that finds every permit
 * taken waits in a short in-memory queue (never blocking a thread: it holds a Promise), and is
 * deferred back to the outbox when the queue is full or its wait runs past {@code maxWait}
 * (well inside the outbox lease, so no other worker can claim it meanwhile). Each (company,
 * manufacturer) has its own permits, so one slow peer never holds up another's jobs.
 */
final class ManufacturerPermits {

  private static final class Waiter {
    final Promise<Void> promise = Promise.promise();
    long timer;
  }

  private final Vertx vertx;
  private final String manufacturer;
  private final int limit;
  private final int queueCapacity;
  private final Duration maxWait;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private int inFlight;

  ManufacturerPermits(
      Vertx vertx, String manufacturer, int limit, int queueCapacity, Duration maxWait) {
    this.vertx = vertx;
    this.manufacturer = manufacturer;
    this.limit = limit;
    this.queueCapacity = queueCapacity;
    this.maxWait = maxWait;
  }

  /** Completes with a permit (to be {@link #release() released} once), or fails with {@link JobDeferred}. */
  Future<Void> acquire() {
    Waiter waiter;
    synchronized (this) {
      if (inFlight < limit) {
        inFlight++;
        return Future.succeededFuture();
      }
      if (queue.size() >= queueCapacity) {
        return Future.failedFuture(deferred("queue full"));
      }
      waiter = new Waiter();
      queue.add(waiter);
      waiter.timer = vertx.setTimer(maxWait.toMillis(), id -> expire(waiter));
    }
    return waiter.promise.future();
  }

  /** Hands the permit to the longest waiting job, or frees it. */
  void release() {
    Waiter next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        inFlight--;
        return;
      }
    }
    vertx.cancelTimer(next.timer);
    next.promise.complete(); // the permit passes on: inFlight stays
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int queued() {
    return queue.size();
  }

  private void expire(Waiter waiter) {
    synchronized (this) {
      if (!queue.remove(waiter)) {
        return;
      }
    }
    waiter.promise.fail(deferred("no permit within " + maxWait.toMillis() + " ms"));
  }

  private JobDeferred deferred(String why) {
    return new JobDeferred(manufacturer + ": " + limit + " requests in flight, " + why);
  }
}
