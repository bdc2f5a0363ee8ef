package io.payg.gateway.confirmation;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks providers' status APIs about held confirmations that are due (see {@link HeldConfirmations}). */
public final class HeldConfirmationWorker extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HeldConfirmationWorker.class);
  private final HeldConfirmations held;
  private final Duration interval;
  private long timer;
  private boolean working;

  public HeldConfirmationWorker(HeldConfirmations held, Duration interval) {
    this.held = held;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> work());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void work() {
    if (working) {
      return;
    }
    working = true;
    held.workOnce(50)
        .onFailure(err -> LOG.warn("status checks failed: {}", err.getMessage()))
        .onComplete(ar -> working = false);
  }
}
