package io.payg.gateway.config;

import java.time.Duration;

/**
 * How the payment pipeline uses the database and its threads: reads pipelined on few
 * connections, the request path's writes on the main pool (DB_POOL_SIZE), the outbox workers on
 * a pool and threads of their own, so that a burst of token or SMS completions never waits ahead
 * of a provider's request for a connection or an event loop.
 *
 * @param readConnections    DB_READ_CONNECTIONS: connections of the pipelined read client (the
 *                           validation lookup, the process snapshot), default 2 x cores, at least 4
 *                           (each is one PostgreSQL backend working its pipeline in order)
 * @param readPipelining     DB_READ_PIPELINING: statements sent on one of them before the first
 *                           answer, default 1: on the 2 shared cores measured (docs/performance.md)
 *                           a deeper pipeline served fewer lookups per second than as many
 *                           connections without it, since each connection is one backend
 * @param workerPoolSize     DB_WORKER_POOL_SIZE: connections of the outbox workers' own pool, default 4
 * @param workerThreads      OUTBOX_WORKER_THREADS: threads the outbox workers run on, apart from the
 *                           event loops that serve requests, default 1
 * @param completionWindow   OUTBOX_COMPLETION_WINDOW_MS: how long a finished TOKEN or SMS job waits
 *                           for others to be recorded by the same statement, default 5 (0: each alone)
 * @param completionMax      OUTBOX_COMPLETION_MAX: the most jobs one such statement records, default 64
 * @param socketDir          DB_SOCKET_DIR: the local server's Unix-domain socket directory for these
 *                           connections, or empty for TCP (a round trip on loopback TCP costs both
 *                           processes more kernel work than one on a Unix-domain socket)
 */
public record PipelineSettings(
    int readConnections,
    int readPipelining,
    int workerPoolSize,
    int workerThreads,
    Duration completionWindow,
    int completionMax,
    String socketDir) {

  static PipelineSettings from(SettingValues v) {
    return new PipelineSettings(
        v.integer(Setting.DB_READ_CONNECTIONS),
        v.integer(Setting.DB_READ_PIPELINING),
        v.integer(Setting.DB_WORKER_POOL_SIZE),
        v.integer(Setting.OUTBOX_WORKER_THREADS),
        Duration.ofMillis(v.integer(Setting.OUTBOX_COMPLETION_WINDOW_MS)),
        v.integer(Setting.OUTBOX_COMPLETION_MAX),
        v.string(Setting.DB_SOCKET_DIR).trim());
  }

  void validate() {
    if (readConnections < 1
        || readPipelining < 1
        || workerPoolSize < 1
        || workerThreads < 1
        || completionWindow.isNegative()
        || completionWindow.toMillis() > 1_000
        || completionMax < 1) {
      throw new IllegalStateException(
          "DB_READ_CONNECTIONS, DB_READ_PIPELINING, DB_WORKER_POOL_SIZE, "
              + "OUTBOX_WORKER_THREADS or OUTBOX_COMPLETION_MAX below 1, "
              + "or OUTBOX_COMPLETION_WINDOW_MS not within 0..1000: "
              + describe());
    }
    if (!socketDir.isEmpty() && !socketDir.startsWith("/")) {
      throw new IllegalStateException(
          "DB_SOCKET_DIR must be an absolute directory (the server's unix_socket_directories)");
    }
  }

  /** Whether the request and worker connections go through a Unix-domain socket. */
  public boolean unixSocket() {
    return !socketDir.isEmpty();
  }

  String describe() {
    return "reads " + readConnections + " x pipelining " + readPipelining + ", worker pool "
        + workerPoolSize + " on " + workerThreads + " thread(s), completions "
        + completionWindow.toMillis() + " ms / " + completionMax
        + (socketDir.isEmpty() ? ", TCP" : ", Unix-domain socket in " + socketDir);
  }
}
