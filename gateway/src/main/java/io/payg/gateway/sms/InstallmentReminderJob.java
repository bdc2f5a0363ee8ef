package io.payg.gateway.sms;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.payg.gateway.outbox.OutboxWorker;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily installment reminders. A periodic timer reads the injected clock; once a company's
 * local hour is reached, that day's reminders are enqueued as REMINDER outbox jobs (one
 * statement per company and day). Which reminders exist is decided by the database's unique
 * key, not by this verticle, so several gateway instances, a restart or a rerun of the same
 * day never send a reminder twice; the in-memory "done" map only spares repeated statements.
 * A day the gateway was down for entirely is not caught up.
 */
public final class InstallmentReminderJob extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InstallmentReminderJob.class);

  private final ReminderStore store;
  private final Clock clock;
  private final Duration checkEvery;
  private final Counter enqueued;
  private final AtomicLong lastRun = new AtomicLong();
  private final Map<UUID, String> done = new HashMap<>();
  private boolean running;
  private long timer;

  public InstallmentReminderJob(
      ReminderStore store, Clock clock, Duration checkEvery, MeterRegistry registry) {
    this.store = store;
    this.clock = clock;
    this.checkEvery = checkEvery;
    this.enqueued = Counter.builder("payg_reminders_enqueued")
        .description("Installment reminder SMS jobs enqueued")
        .register(registry);
    Gauge.builder("payg_reminders_last_run_seconds", lastRun, AtomicLong::get)
        .description("Clock time (epoch seconds) of the last completed reminder check")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(checkEvery.toMillis(), id -> check());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void check() {
    if (running) {
      return;
    }
    running = true;
    Instant now = clock.instant();
    store.enabledCompanies().compose(companies -> runAll(companies, now)).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("installment reminder check failed: {}", ar.cause().getMessage());
        return;
      }
      lastRun.set(now.getEpochSecond());
      if (ar.result() > 0) {
        vertx.eventBus().send(OutboxWorker.wakeAddress(ReminderSmsHandler.KIND), null);
      }
    });
  }

  /** One company after the other: a company's failure is logged and does not stop the others. */
  private Future<Integer> runAll(List<ReminderStore.Company> companies, Instant now) {
    Future<Integer> total = Future.succeededFuture(0);
    for (ReminderStore.Company c : companies) {
      LocalDate today = c.settings().runDate(now).orElse(null);
      // a setting changed today is applied today
      String run = today + " " + c.settings();
      if (today == null || run.equals(done.get(c.id()))) {
        continue;
      }
      total = total.compose(sum -> store
          .enqueue(c.id(), today, c.settings())
          .map(n -> {
            done.put(c.id(), run);
            enqueued.increment(n);
            return sum + n;
          })
          .recover(err -> {
            LOG.warn(
                "installment reminders of company {} for {} failed: {}",
                c.id(),
                today,
                err.getMessage());
            return Future.succeededFuture(sum);
          }));
    }
    return total;
  }
}
