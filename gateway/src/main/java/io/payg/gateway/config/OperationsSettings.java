package io.payg.gateway.config;

import java.time.Duration;

/**
 * Where operators read the gateway, and the bounds that keep an unauthenticated caller from
 * growing its memory.
 *
 * @param metricsHost           METRICS_HOST: where {@code /metrics} is served, default 127.0.0.1
 *                              (a management listener apart from the API)
 * @param metricsPort           METRICS_PORT: its port, default 9464 (0 picks a free one)
 * @param metricsToken          METRICS_TOKEN: when set, a scrape must send {@code Authorization: Bearer <token>}
 * @param pluginCacheMaxEntries PLUGIN_CACHE_MAX_ENTRIES: plugin settings kept in memory, default 10000
 * @param overdueAfter          OUTBOX_OVERDUE_SECONDS: a pending job older than this counts in
 *                              {@code payg_outbox_overdue} (alert on it), default 600
 */
public record OperationsSettings(
    String metricsHost,
    int metricsPort,
    String metricsToken,
    int pluginCacheMaxEntries,
    Duration overdueAfter) {

  void validate() {
    if (metricsPort < 0
        || metricsPort > 65535
        || pluginCacheMaxEntries < 1
        || overdueAfter.isNegative()
        || overdueAfter.isZero()) {
      throw new IllegalStateException(
          "METRICS_PORT, PLUGIN_CACHE_MAX_ENTRIES or OUTBOX_OVERDUE_SECONDS out of range");
    }
  }
}
