package io.payg.gateway.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.payg.gateway.logging.PaymentTrace;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Runs one kind of outbox job: up to {@code maxInFlight} of them at once (each a non-blocking
 * Future: no thread is held while a manufacturer answers), retries failures with exponential
 * backoff and full jitter, and ends a job FAILED after {@code maxAttempts}.
 *
 * <p>Its jobs come two ways. A job inserted already leased to this instance (a payment's token
 * job, a token's SMS) is handed over in memory through the {@link JobHandoff}, and started at
 * once without any claim statement. Every other due job (a retry, a job whose lease ran out
 * after a crash, a kind nobody hands over) is claimed in batches by polling: on a timer, when
 * a claim was cut short by the batch or by the jobs in flight, and at once when someone signals
 * new work on the event bus address {@link #wakeAddress(String)}.
 */
public final class OutboxWorker extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);

  /** @param shutdownGrace how long a graceful stop waits for jobs in flight before giving their leases back */
  public record Settings(
      int batch,
      int maxInFlight,
      int maxAttempts,
      Duration pollInterval,
      Duration lease,
      Duration retryBase,
      Duration retryCap,
      Duration shutdownGrace) {
    public Settings(
        int batch,
        int maxInFlight,
        int maxAttempts,
        Duration pollInterval,
        Duration lease,
        Duration retryBase,
        Duration retryCap) {
      this(
          batch,
          maxInFlight,
          maxAttempts,
          pollInterval,
          lease,
          retryBase,
          retryCap,
          Duration.ofSeconds(20));
    }
  }

  private final OutboxStore store;
  private final JobHandler handler;
  private final Settings settings;
  private final Counter fenced;
  private final JobHandoff handoff;
  private int inFlight;
  private boolean claiming;
  private boolean again;
  /** The last claim may have left due jobs behind (a full batch, or no room): claim again as jobs end. */
  private boolean backlog;
  /** Leases to give back, waiting for the release statement under way ({@link #giveBack}). */
  private final List<OutboxJob> toRelease = new ArrayList<>();

  private boolean releasing;
  /** Jobs handed over while every slot was busy: they start before anything is claimed. */
  private final ArrayDeque<Handed> handed = new ArrayDeque<>();

  private boolean stopping;
  private long timer;
  private MessageConsumer<Object> wake;
  /**
   * The jobs claimed and not finished: their leases are given back if a stop's grace runs out. By
   * identity: a job is removed as the instance that was added, and a record's hash would read every
   * field, its context (the whole order) included, twice per job.
   */
  private final Set<OutboxJob> running = Collections.newSetFromMap(new IdentityHashMap<>());

  private Promise<Void> drained;

  /** A handed job waiting for a slot, and since when (its lease runs meanwhile). */
  private record Handed(OutboxJob job, long since) {}

  public OutboxWorker(
      OutboxStore store, JobHandler handler, Settings settings, MeterRegistry registry) {
    this(store, handler, settings, registry, null);
  }

  /** As above; {@code handoff} (or null) brings this worker the jobs inserted already leased to it. */
  public OutboxWorker(
      OutboxStore store,
      JobHandler handler,
      Settings settings,
      MeterRegistry registry,
      JobHandoff handoff) {
    this.store = store;
    this.handler = handler;
    this.settings = settings;
    this.handoff = handoff;
    this.fenced = Counter.builder("payg_outbox_fenced_attempts")
        .description(
            "Attempts that outlived their lease and were stopped from completing their job")
        .tag("kind", handler.kind())
        .register(registry);
  }

  public static String wakeAddress(String kind) {
    return "payg.outbox." + kind;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> poll());
    wake = vertx.eventBus().localConsumer(wakeAddress(handler.kind()), msg -> poll());
    if (handoff != null) {
      handoff.open(handler.kind(), context, this::take, settings.lease());
    }
    return wake.completion();
  }

  /**
   * A job inserted leased to this worker: started now if a slot is free, else queued in memory
   * (at most {@code maxInFlight}); past that its lease is given back, so a later claim takes it.
   */
  private void take(OutboxJob job) {
    if (stopping || handed.size() >= settings.maxInFlight()) {
      giveBack(job);
    } else if (inFlight < settings.maxInFlight()) {
      run(job);
    } else {
      handed.add(new Handed(job, System.nanoTime()));
    }
  }

  /** The next handed job, unless it waited a quarter of its lease: then it goes back for a claim's fresh lease. */
  private void runHanded() {
    Handed next = handed.poll();
    if (System.nanoTime() - next.since() > settings.lease().dividedBy(4).toNanos()) {
      giveBack(next.job());
    } else {
      run(next.job());
    }
  }

  /**
   * Gives a job's lease back for a later claim. The leases given back while a release statement
   * runs wait and go in the next one: one statement per job had queued thousands of them on the
   * workers' few connections in a token storm, and those that timed out waiting kept their jobs
   * leased to this instance until the lease ran out (docs/performance.md, "Holding 10,000 in flight").
   */
  private void giveBack(OutboxJob job) {
    backlog = true;
    toRelease.add(job);
    if (!releasing) {
      releaseWaiting();
    }
  }

  private void releaseWaiting() {
    List<OutboxJob> jobs = new ArrayList<>(toRelease);
    toRelease.clear();
    releasing = true;
    store.release(jobs).onComplete(ar -> {
      releasing = false;
      if (ar.failed()) {
        LOG.warn(
            "{} jobs {}…: {} lease(s) not given back ({}); they return after the lease",
            handler.kind(),
            jobs.get(0).id(),
            jobs.size(),
            ar.cause().getMessage());
      }
      if (!toRelease.isEmpty()) {
        releaseWaiting();
      }
    });
  }

  /**
   * A graceful stop: claims nothing more, lets the jobs in flight finish for up to the shutdown
   * grace, then gives back the leases of those still running, so another instance takes them at
   * once instead of after the lease.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    if (handoff != null) {
      handoff.close(handler.kind());
    }
    drained = Promise.promise();
    if (running.isEmpty() && !claiming) {
      drained.tryComplete();
    }
    long graceTimer = vertx.setTimer(
        Math.max(1, settings.shutdownGrace().toMillis()), id -> drained.tryComplete());
    return wake.unregister()
        .recover(err -> Future.succeededFuture())
        .compose(v -> drained.future())
        .compose(v -> {
          vertx.cancelTimer(graceTimer);
          List<OutboxJob> unfinished = new ArrayList<>(running);
          handed.forEach(
              h -> unfinished.add(h.job())); // handed over but never started: theirs back too
          handed.clear();
          unfinished.addAll(toRelease); // given back, their statement not sent yet
          toRelease.clear();
          if (unfinished.isEmpty()) {
            return Future.succeededFuture();
          }
          return store
              .release(unfinished)
              .onSuccess(n -> LOG.info(
                  "{} worker stopping: gave back {} lease(s) of {} " + "unfinished job(s)",
                  handler.kind(),
                  n,
                  unfinished.size()))
              .mapEmpty();
        })
        .recover(err -> {
          LOG.warn(
              "{} worker stopping: leases not given back ({}); they return after the lease",
              handler.kind(),
              err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Jobs being worked on now (for metrics and tests). */
  public int inFlight() {
    return inFlight;
  }

  private void poll() {
    if (stopping) {
      return;
    }
    if (claiming) {
      again = true; // a claim is under way: look again once it returns
      return;
    }
    int room = Math.min(settings.batch(), settings.maxInFlight() - inFlight);
    if (room <= 0) {
      backlog = true;
      return;
    }
    claiming = true;
    again = false;
    store.claim(handler.kind(), room, settings.lease()).onComplete(ar -> {
      if (ar.failed()) {
        claiming = false;
        LOG.warn("claiming {} jobs failed: {}", handler.kind(), ar.cause().getMessage());
        drainedIfIdle();
        return;
      }
      List<OutboxStore.Claimed> claims = ar.result();
      List<OutboxJob> claimedJobs =
          claims.stream().map(OutboxStore.Claimed::job).toList();
      Future<List<OutboxJob>> contexts;
      try {
        contexts =
            claims.isEmpty() ? Future.succeededFuture(claimedJobs) : handler.contexts(claimedJobs);
      } catch (RuntimeException e) {
        contexts = Future.failedFuture(e);
      }
      // still "claiming" while their contexts are read: these jobs are not yet counted in flight
      contexts.onComplete(read -> {
        List<OutboxJob> jobs = claimedJobs;
        if (read.succeeded()) {
          jobs = read.result();
        } else {
          // each job reads its own when it runs, and fails there if it still cannot
          LOG.warn(
              "reading the contexts of {} claimed {} jobs failed: {}",
              claims.size(),
              handler.kind(),
              read.cause().getMessage());
        }
        started(claims, jobs, room);
      });
    });
  }

  /** Runs a claim's jobs (with their contexts), or gives them back if a stop began meanwhile. */
  private void started(List<OutboxStore.Claimed> claims, List<OutboxJob> jobs, int room) {
    claiming = false;
    if (stopping) {
      // claimed while a stop began: give them straight back rather than start them
      store.release(jobs).onComplete(r -> drainedIfIdle());
      return;
    }
    for (int i = 0; i < claims.size(); i++) {
      OutboxStore.Claimed claimed = claims.get(i);
      OutboxJob job = jobs.get(i);
      if (claimed.leaseRanOut()) {
        // a recovery: the attempt before this one never reported back (its instance stopped or
        // stalled past the lease); an attempt that outlives it is fenced off (StaleAttempt)
        LOG.warn(
            trace(job),
            "{} job {} for transaction {}: the lease of attempt {} ran out unfinished, taken"
                + " again as attempt {}",
            job.kind(),
            job.id(),
            job.transactionId(),
            job.attempt() - 1,
            job.attempt());
      }
      run(job);
    }
    // a full batch means more may be waiting
    backlog = claims.size() == room;
    if (again || backlog) {
      poll();
    }
  }

  private void run(OutboxJob job) {
    inFlight++;
    running.add(job);
    Future<Void> attempt;
    try {
      attempt = handler.handle(job);
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    attempt.recover(err -> onFailure(job, err)).onComplete(ar -> {
      inFlight--;
      running.remove(job);
      if (ar.failed()) {
        LOG.error(
            "{} job {} could not be recorded: {}",
            job.kind(),
            job.id(),
            ar.cause().getMessage());
      }
      if (stopping) {
        drainedIfIdle();
      } else if (!handed.isEmpty()) {
        runHanded();
      } else if (backlog) {
        poll();
      }
    });
  }

  private void drainedIfIdle() {
    if (drained != null && running.isEmpty() && !claiming) {
      drained.tryComplete();
    }
  }

  private Future<Void> onFailure(OutboxJob job, Throwable err) {
    if (err instanceof StaleAttempt) {
      // another attempt holds the job now: leave it alone (its own outcome decides)
      fenced.increment();
      LOG.warn(trace(job), "{}", err.getMessage());
      return Future.succeededFuture();
    }
    boolean retryable = !(err instanceof JobFailure f) || f.retryable();
    String reason = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    if (err instanceof JobDeferred) {
      // no permit: not an attempt, the transaction unchanged
      return store.postpone(job, deferral(), reason, JobEndings.JOB_ONLY);
    }
    if (err instanceof JobFailure f && f.notAttemptedFor() != null) {
      // jitter over the second half of the wait, so postponed jobs do not come back all at once
      long wait = Math.max(2, f.notAttemptedFor().toMillis());
      Duration delay =
          Duration.ofMillis(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
      return store.postpone(job, delay, reason, handler.endings());
    }
    if (!retryable || job.attempt() >= settings.maxAttempts()) {
      LOG.warn(
          trace(job),
          "{} job {} for transaction {} FAILED after {} attempt(s): {}",
          job.kind(),
          job.id(),
          job.transactionId(),
          job.attempt(),
          reason);
      return store.fail(job, reason, handler.endings());
    }
    Duration delay = backoff(job.attempt());
    LOG.info(
        trace(job),
        "{} job {} attempt {} failed ({}), retrying in {} ms",
        job.kind(),
        job.id(),
        job.attempt(),
        reason,
        delay.toMillis());
    return store.retryLater(job, delay, reason, handler.endings());
  }

  /**
   * The job's own ids (from its row: outbox.request_id, company_id, transaction_id) on its
   * recovery, retry and failure lines, so they follow the payment as the handlers' lines do. A
   * marker, not the MDC: jobs interleave on the worker's threads ({@link PaymentTrace}).
   */
  private static Marker trace(OutboxJob job) {
    return new PaymentTrace(
            job.requestId(),
            job.companyId(),
            null,
            null,
            job.transactionId() == null ? null : job.transactionId().toString())
        .marker();
  }

  /** A deferred job comes back after one to two poll intervals, so a busy manufacturer's jobs do not spin. */
  private Duration deferral() {
    long poll = settings.pollInterval().toMillis();
    return Duration.ofMillis(poll + ThreadLocalRandom.current().nextLong(Math.max(1, poll)));
  }

  /** Full jitter: uniform in [0, min(cap, base x 2^(attempt-1))], at least 1 ms. */
  Duration backoff(int attempt) {
    long ceiling = Math.min(
        settings.retryCap().toMillis(),
        settings.retryBase().toMillis() * (1L << Math.min(attempt - 1, 20)));
    return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling)));
  }
}
