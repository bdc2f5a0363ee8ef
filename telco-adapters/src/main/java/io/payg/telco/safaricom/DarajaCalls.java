package io.payg.telco.safaricom;

import static io.payg.domain.peer.PeerStatus.isTransient;
import static io.payg.peer.PeerCalls.jsonObject;

import io.payg.domain.peer.PluginSettings;
import io.payg.peer.PeerCalls;
import io.payg.peer.TokenCache;
import io.payg.telco.support.CollectionCallException;
import io.payg.telco.support.CollectionSettings;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Calls to Daraja's APIs with an OAuth client-credentials token: {@code GET
 * {baseUrl}/oauth/v1/generate?grant_type=client_credentials} with {@code Authorization: Basic
 * base64(consumerKey:consumerSecret)} answers {@code {"access_token", "expires_in": 3599}} (one
 * hour; https://developer.safaricom.co.ke/apis/Authorization; older answers carry
 * {@code expires_in} as a string, both are read). One token per (baseUrl, consumerKey) is shared
 * by all calls; a call Daraja answers "Invalid Access Token" ({@code 404.001.03},
 * https://developer.safaricom.co.ke/apis/MpesaExpressSimulate error table; {@code 400.003.01},
 * .../apis/TransactionStatus; or HTTP 401) is sent once more with a fresh token.
 */
final class DarajaCalls {

  /** Daraja's sandbox; production is https://api.safaricom.co.ke (.../apis/MpesaExpressSimulate "Environments"). */
  static final String DEFAULT_BASE_URL = "https://sandbox.safaricom.co.ke";

  static final String TOKEN_PATH = "/oauth/v1/generate?grant_type=client_credentials";

  private final WebClient client;
  private final String plugin;
  private final TokenCache tokens;
  private final PeerCalls transport;

  DarajaCalls(WebClient client, String plugin, LongSupplier nanoTime) {
    this.client = client;
    this.plugin = plugin;
    this.tokens = new TokenCache(nanoTime);
    this.transport = new PeerCalls(
        "Safaricom Daraja",
        CollectionCallException::new,
        LoggerFactory.getLogger(DarajaCalls.class),
        nanoTime);
  }

  /** The settings a Daraja call needs, checked; a missing one fails not retryable, naming it. */
  record Credentials(String baseUrl, String consumerKey, String consumerSecret, long timeoutMs) {
    static Credentials of(String plugin, Map<String, String> settings) {
      String key = settings.get("consumerKey");
      String secret = settings.get("consumerSecret");
      if (PluginSettings.isBlank(key) || PluginSettings.isBlank(secret)) {
        throw new CollectionCallException(
            plugin + " settings consumerKey and consumerSecret are required", false);
      }
      return new Credentials(
          CollectionSettings.baseUrl(plugin, settings.get("baseUrl"), DEFAULT_BASE_URL),
          key.trim(),
          secret.trim(),
          CollectionSettings.timeoutMs(plugin, settings.get("timeoutMs"), 10_000));
    }
  }

  /** POSTs {@code body} to {@code baseUrl + path} with the bearer token; a transport failure fails retryable. */
  Future<HttpResponse<Buffer>> post(Credentials c, String path, JsonObject body) {
    String clientKey = c.baseUrl() + "|" + c.consumerKey();
    byte[] digest = TokenCache.digest(c.consumerKey(), c.consumerSecret());
    TokenCache.Entry first = tokens.get(clientKey, digest, () -> fetchToken(c));
    return send(c, path, body, first).compose(response -> {
      if (!invalidToken(response)) {
        return Future.succeededFuture(response);
      }
      tokens.invalidate(clientKey, first);
      return send(c, path, body, tokens.get(clientKey, digest, () -> fetchToken(c)));
    });
  }

  private Future<HttpResponse<Buffer>> send(
      Credentials c, String path, JsonObject body, TokenCache.Entry token) {
    return token
        .token()
        .compose(t -> transport.send(() -> client
            .postAbs(c.baseUrl() + path)
            .timeout(c.timeoutMs())
            .putHeader("Authorization", "Bearer " + t)
            .putHeader("Content-Type", "application/json")
            .sendJsonObject(body)));
  }

  static boolean invalidToken(HttpResponse<Buffer> response) {
    if (response.statusCode() == 401) {
      return true;
    }
    JsonObject json = jsonObject(response);
    String code = json == null ? null : String.valueOf(json.getValue("errorCode"));
    return "404.001.03".equals(code) || "400.003.01".equals(code);
  }

  private Future<TokenCache.Fetched> fetchToken(Credentials c) {
    String basic = Base64.getEncoder()
        .encodeToString(
            (c.consumerKey() + ":" + c.consumerSecret()).getBytes(StandardCharsets.UTF_8));
    return transport
        .send(() -> client
            .getAbs(c.baseUrl() + TOKEN_PATH)
            .timeout(c.timeoutMs())
            .putHeader("Authorization", "Basic " + basic)
            .send())
        .compose(response -> {
          JsonObject json = jsonObject(response);
          String token =
              json == null ? null : json.getValue("access_token") instanceof String s ? s : null;
          if (response.statusCode() == 200 && token != null && !token.isBlank()) {
            return Future.succeededFuture(
                new TokenCache.Fetched(token, expiresIn(json.getValue("expires_in"))));
          }
          if (isTransient(response.statusCode())) {
            return Future.failedFuture(new CollectionCallException(
                "Safaricom Daraja token endpoint answered " + response.statusCode(), true));
          }
          // 400.008.01 "Invalid authentication type", 400.008.02 "Invalid grant type", wrong keys
          // (.../apis/Authorization)
          return Future.failedFuture(new CollectionCallException(
              CREDENTIALS_REFUSED + " (HTTP " + response.statusCode() + "): check " + plugin
                  + " consumerKey, consumerSecret and baseUrl",
              false));
        });
  }

  static final String CREDENTIALS_REFUSED = "Safaricom Daraja refused the credentials";

  private static long expiresIn(Object value) {
    try {
      long seconds = value instanceof Number n
          ? n.longValue()
          : Long.parseLong(String.valueOf(value).trim());
      return seconds > 0 ? seconds : 3599;
    } catch (NumberFormatException e) {
      return 3599;
    }
  }
}
