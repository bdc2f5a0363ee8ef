package io.payg.gateway.collection;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks providers about collections still PENDING: MTN MoMo calls back once and never again,
 * so a lost callback must not leave a paid customer without a token.
 */
public final class CollectionPoller extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CollectionPoller.class);
  private final CollectionService collections;
  private final Duration interval;
  private long timer;
  private boolean polling;

  public CollectionPoller(CollectionService collections, Duration interval) {
    this.collections = collections;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> poll());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    collections
        .pollOnce(50)
        .onFailure(err -> LOG.warn("collection poll failed: {}", err.getMessage()))
        .onComplete(ar -> polling = false);
  }
}
