package io.payg.gateway.plugin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.payg.domain.plugin.PluginDescriptor;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(PluginStore.class);

  static final long TTL_MILLIS = 5_000;

  private final Pool pool;
  private final SecretBox secrets;
  private final Cache<String, Future<PluginSettings>> cache;

  public PluginStore(Pool pool, SecretBox secrets, int maxEntries, MeterRegistry registry) {
    this.pool = pool;
    this.secrets = secrets;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(Duration.ofMillis(TTL_MILLIS))
        // evictions run on the caller's thread: no ForkJoinPool task per write
        .executor(Runnable::run)
        .build();
    Gauge.builder("payg_plugin_cache_entries", cache, Cache::estimatedSize)
        .description("Plugin settings held in memory (bounded by PLUGIN_CACHE_MAX_ENTRIES)")
        .register(registry);
  }

  /** The box that seals this gateway's secrets at rest (plugin settings, OpenPAYGO device keys). */
  public SecretBox secrets() {
    return secrets;
  }

  /** Settings of {@code name} for the company, from the cache when fresh. */
  public Future<PluginSettings> settings(UUID companyId, String name) {
    String key = companyId + "/" + name;
    Future<PluginSettings> c = cache.getIfPresent(key);
    if (c != null && c.succeeded()) {
      // a new future bound to no context: the cached one belongs to the event loop that loaded it,
      // and Vert.x runs a listener on a future's own context, so every caller on another event
      // loop went there and back (its lookup and its HTTP answer written from a foreign thread)
      return Future.succeededFuture(c.result());
    }
    if (c != null && !c.failed()) {
      return c; // still loading: rare, and its callers hop to the loader's event loop once
    }
    Future<PluginSettings> loaded = load(companyId, name);
    cache.put(key, loaded);
    return loaded;
  }

  private Future<PluginSettings> load(UUID companyId, String name) {
    return pool.preparedQuery("""
        SELECT c.currency, p.enabled, p.settings FROM companies c
        LEFT JOIN plugins p ON p.company_id = c.id AND p.name = $2 WHERE c.id = $1
        """).execute(Tuple.of(companyId, name)).map(rows -> {
      if (rows.size() == 0) {
        return PluginSettings.NO_COMPANY;
      }
      Row r = rows.iterator().next();
      Boolean enabled = r.getBoolean("enabled");
      return new PluginSettings(
          true,
          r.getString("currency"),
          Boolean.TRUE.equals(enabled),
          open(companyId, name, toStrings(r.getJsonObject("settings"))));
    });
  }

  /**
   * Enables or disables a plugin and merges settings (a secret left out keeps its value). Moving
   * a plugin to another peer (a setting whose name ends in url, host or endpoint changes) needs
   * its secrets sent again: stored credentials never follow a new address they were not meant for.
   */
  public Future<PluginSettings> save(
      Caller who, PluginDescriptor<?, ?> plugin, boolean enabled, JsonObject given) {
    UUID companyId = who.companyId();
    JsonObject settings = given.copy();
    plugin.secretKeys().forEach(k -> {
      if (settings.getValue(k) instanceof String plain) {
        settings.put(k, secrets.seal(plain, SecretBox.pluginSetting(companyId, plugin.name(), k)));
      }
    });
    // the row locked: two saves of one plugin audit in the order they apply
    return pool.withTransaction(conn -> conn.preparedQuery(STORED_FOR_UPDATE)
            .execute(Tuple.of(companyId, plugin.name()))
            .compose(rows -> {
              Row row = rows.size() == 0 ? null : rows.iterator().next();
              JsonObject stored = row == null ? new JsonObject() : row.getJsonObject(0);
              String moved = movedAddress(stored, given);
              if (moved != null) {
                var missing = plugin.secretKeys().stream()
                    .filter(k -> stored.containsKey(k) && !given.containsKey(k))
                    .sorted()
                    .toList();
                if (!missing.isEmpty()) {
                  return Future.failedFuture(new ApiException(
                      400,
                      "SECRETS_REQUIRED",
                      "Changing '" + moved
                          + "' moves the plugin to another peer: send its secrets again ("
                          + String.join(", ", missing) + ")"));
                }
              }
              JsonObject before = row == null
                  ? null
                  : new JsonObject()
                      .put("enabled", row.getBoolean(1))
                      .put("settings", withoutSecrets(plugin, stored));
              JsonObject after = new JsonObject()
                  .put("enabled", enabled)
                  .put("settings", withoutSecrets(plugin, stored.copy().mergeIn(given)));
              return conn.preparedQuery(SAVE)
                  .execute(
                      Tuple.of(companyId, plugin.name(), plugin.kind().name(), enabled, settings))
                  .compose(r -> AuditStore.record(
                      conn, who, "plugin.saved", "plugin", plugin.name(), before, after));
            }))
        .compose(r -> {
          cache.invalidate(companyId + "/" + plugin.name());
          return settings(companyId, plugin.name());
        });
  }

  /** A plugin's settings for the audit log: a secret only says that it is set. */
  private static JsonObject withoutSecrets(PluginDescriptor<?, ?> plugin, JsonObject settings) {
    JsonObject copy = settings.copy();
    plugin.secretKeys().forEach(k -> {
      if (copy.containsKey(k)) {
        copy.put(k, "****");
      }
    });
    return copy;
  }

  static final String STORED = """
      SELECT settings, enabled FROM plugins WHERE company_id = $1 AND name = $2""";

  static final String STORED_FOR_UPDATE = """
      SELECT settings, enabled FROM plugins WHERE company_id = $1 AND name = $2 FOR UPDATE""";

  static final String SAVE = """
      INSERT INTO plugins (company_id, name, kind, enabled, settings)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (company_id, name) DO UPDATE
         SET enabled = EXCLUDED.enabled, settings = plugins.settings || EXCLUDED.settings, updated_at = now()
      """;

  /** The name of an address setting that the request changes, or null. */
  private static String movedAddress(JsonObject stored, JsonObject given) {
    for (String k : given.fieldNames()) {
      String lower = k.toLowerCase(Locale.ROOT);
      boolean address =
          lower.endsWith("url") || lower.endsWith("host") || lower.endsWith("endpoint");
      if (address
          && stored.containsKey(k)
          && !String.valueOf(stored.getValue(k)).equals(String.valueOf(given.getValue(k)))) {
        return k;
      }
    }
    return null;
  }

  /**
   * Re-seals every plugin secret with the current SECRETS_KEY (after a rotation, or from the first
   * format); answers how many values were re-sealed. Rows are rewritten one by one.
   */
  public Future<Integer> reencryptAll() {
    return pool.query("""
        SELECT company_id, name, settings FROM plugins""").execute().compose(rows -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (Row r : rows) {
        UUID companyId = r.getUUID("company_id");
        String name = r.getString("name");
        JsonObject settings = r.getJsonObject("settings");
        JsonObject resealed = settings.copy();
        int changed = 0;
        for (String k : settings.fieldNames()) {
          String v = String.valueOf(settings.getValue(k));
          if (SecretBox.isSealed(v) && !secrets.isCurrent(v)) {
            String place = SecretBox.pluginSetting(companyId, name, k);
            resealed.put(k, secrets.seal(secrets.open(v, place), place));
            changed++;
          }
        }
        if (changed > 0) {
          int n = changed;
          done = done.compose(total -> pool.preparedQuery("""
                  UPDATE plugins SET settings = $3 WHERE company_id = $1 AND name = $2""")
              .execute(Tuple.of(companyId, name, resealed))
              .map(x -> total + n));
        }
      }
      return done;
    });
  }

  /** Decrypted settings; a secret that cannot be opened here (moved from another row) is left out. */
  private Map<String, String> open(UUID companyId, String plugin, Map<String, String> stored) {
    Map<String, String> m = new HashMap<>();
    stored.forEach((k, v) -> {
      try {
        m.put(k, secrets.open(v, SecretBox.pluginSetting(companyId, plugin, k)));
      } catch (IllegalStateException e) {
        LOG.warn(
            "plugin {} of company {}: secret '{}' cannot be decrypted here; treated as not set",
            plugin,
            companyId,
            k);
      }
    });
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
