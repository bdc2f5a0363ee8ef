package io.payg.gateway.plugin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * SQL for plugin settings, with a short-lived cache in front of the reads: every telco call
 * needs its company's plugin secret, and one extra query per call would double the work of
 * the validation path. Writes through this store drop the cached entry at once; other gateway
 * instances see a change within {@link #TTL_MILLIS}.
 *
 * <p>The cache is bounded ({@code PLUGIN_CACHE_MAX_ENTRIES}): telco URLs carry the company id
 * and are unauthenticated, so a stranger sending random ids must not grow memory; past the
 * bound the least useful entries go (Caffeine's W-TinyLFU), and a miss is one indexed query.
 */
public final class PluginStore {

  static final long TTL_MILLIS = 5_000;

  private final Pool pool;
  private final SecretBox secrets;
  private final Cache<String, Future<PluginSettings>> cache;

  public PluginStore(Pool pool, SecretBox secrets, int maxEntries, MeterRegistry registry) {
    this.pool = pool;
    this.secrets = secrets;
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMillis(TTL_MILLIS))
        // evictions run on the caller's thread: no ForkJoinPool task per write
        .executor(Runnable::run).build();
    Gauge.builder("payg_plugin_cache_entries", cache, Cache::estimatedSize)
        .description("Plugin settings held in memory (bounded by PLUGIN_CACHE_MAX_ENTRIES)").register(registry);
  }

  /** Settings of {@code name} for the company, from the cache when fresh. */
  public Future<PluginSettings> settings(UUID companyId, String name) {
    String key = companyId + "/" + name;
    Future<PluginSettings> c = cache.getIfPresent(key);
    if (c != null && !c.failed()) {
      return c;
    }
    Future<PluginSettings> loaded = load(companyId, name);
    cache.put(key, loaded);
    return loaded;
  }

  private Future<PluginSettings> load(UUID companyId, String name) {
    return pool.preparedQuery("SELECT c.currency, p.enabled, p.settings FROM companies c "
            + "LEFT JOIN plugins p ON p.company_id = c.id AND p.name = $2 WHERE c.id = $1")
        .execute(Tuple.of(companyId, name))
        .map(rows -> {
          if (rows.size() == 0) {
            return PluginSettings.NO_COMPANY;
          }
          Row r = rows.iterator().next();
          Boolean enabled = r.getBoolean("enabled");
          return new PluginSettings(true, r.getString("currency"), Boolean.TRUE.equals(enabled),
              open(toStrings(r.getJsonObject("settings"))));
        });
  }

  /** Enables or disables a plugin and merges settings (a secret left out keeps its value). */
  public Future<PluginSettings> save(UUID companyId, PluginCatalog.Plugin plugin, boolean enabled, JsonObject given) {
    JsonObject settings = given.copy();
    plugin.secretKeys().forEach(k -> {
      if (settings.getValue(k) instanceof String plain) {
        settings.put(k, secrets.seal(plain));
      }
    });
    return pool.preparedQuery("INSERT INTO plugins (company_id, name, kind, enabled, settings) VALUES ($1, $2, $3, $4, $5) "
            + "ON CONFLICT (company_id, name) DO UPDATE SET enabled = EXCLUDED.enabled, "
            + "settings = plugins.settings || EXCLUDED.settings, updated_at = now()")
        .execute(Tuple.of(companyId, plugin.name(), plugin.kind().name(), enabled, settings))
        .compose(r -> {
          cache.invalidate(companyId + "/" + plugin.name());
          return settings(companyId, plugin.name());
        });
  }

  private Map<String, String> open(Map<String, String> stored) {
    Map<String, String> m = new HashMap<>();
    stored.forEach((k, v) -> m.put(k, secrets.open(v)));
    return Map.copyOf(m);
  }

  private static Map<String, String> toStrings(JsonObject json) {
    Map<String, String> m = new HashMap<>();
    if (json != null) {
      json.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return Map.copyOf(m);
  }
}
