package io.payg.telco.vodacomtz;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Posts a result to the broker's result URL over TLS with the company's Vodacom-issued client
 * certificate, without blocking: one Vert.x WebClient per certificate / key / trust material
 * (cached, so a company's TLS context is built once), the answer returned as it came.
 */
// EnAccess/micropowermanager@c5cb61191:Website/htdocs/mpmanager/app/Transaction/VodacomTransaction.php
// (sendResult: 'cert' + 'ssl_key', text/xml)
public final class VodacomTzBrokerResultClient {

  /** What the broker answered: HTTP status and body. */
  public record Answer(int status, byte[] body) {}

  /** Why a result could not be posted at all: bad settings (not worth retrying) or a transport failure. */
  public static final class ResultLegException extends RuntimeException {
    public final boolean retryable;

    public ResultLegException(String message, boolean retryable) {
      super(message, null, false, false);
      this.retryable = retryable;
    }
  }

  private static final int MAX_CLIENTS = 256;
  private final Function<WebClientOptions, WebClient> newClient;
  private final int timeoutMs;
  private final Map<String, WebClient> clients = new ConcurrentHashMap<>();

  public VodacomTzBrokerResultClient(Vertx vertx, int timeoutMs) {
    this(timeoutMs, options -> WebClient.create(vertx, options));
  }

  /** @param newClient makes the WebClient of one certificate (the gateway's adds its outbound policy) */
  public VodacomTzBrokerResultClient(
      int timeoutMs, Function<WebClientOptions, WebClient> newClient) {
    this.newClient = newClient;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Posts {@code document} to {@code url} (https only) with the client certificate; the broker's CA
   * certificates are optional (the JVM's trust store otherwise).
   */
  public Future<Answer> post(
      String url, byte[] document, String certificatePem, String keyPem, String brokerCaPem) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.failedFuture(new ResultLegException("the result URL is not a URL", false));
    }
    if (uri.getScheme() == null
        || !"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null) {
      return Future.failedFuture(
          new ResultLegException("the result URL must be https://host/...", false));
    }
    if (blank(certificatePem) || blank(keyPem)) {
      return Future.failedFuture(
          new ResultLegException("clientCertificate and clientKey are required", false));
    }
    WebClient client;
    try {
      client = client(certificatePem, keyPem, brokerCaPem);
    } catch (RuntimeException e) {
      return Future.failedFuture(
          new ResultLegException("the client certificate, key or broker CA cannot be used", false));
    }
    return client
        .postAbs(url)
        .putHeader("Content-Type", "text/xml; charset=UTF-8")
        .timeout(timeoutMs)
        .sendBuffer(Buffer.buffer(document))
        .<Answer>map(r ->
            new Answer(r.statusCode(), r.body() == null ? new byte[0] : r.body().getBytes()))
        .recover(err -> Future.failedFuture(new ResultLegException(
            "posting the result failed: " + err.getClass().getSimpleName(), true)));
  }

  private WebClient client(String certificatePem, String keyPem, String brokerCaPem) {
    String key = fingerprint(certificatePem, keyPem, brokerCaPem == null ? "" : brokerCaPem);
    WebClient existing = clients.get(key);
    if (existing != null) {
      return existing;
    }
    WebClientOptions options = new WebClientOptions()
        .setSsl(true)
        .setVerifyHost(true)
        .setKeepAlive(true)
        .setConnectTimeout(Math.min(timeoutMs, 10_000))
        .setUserAgent("payg-gateway")
        .setKeyCertOptions(new PemKeyCertOptions()
            .addCertValue(Buffer.buffer(certificatePem))
            .addKeyValue(Buffer.buffer(keyPem)));
    if (!blank(brokerCaPem)) {
      options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(brokerCaPem)));
    }
    WebClient created = newClient.apply(options);
    if (clients.size() >= MAX_CLIENTS) {
      // settings rotate rarely; a full cache means stale entries: start again rather than grow
      clients.values().forEach(WebClient::close);
      clients.clear();
    }
    WebClient raced = clients.putIfAbsent(key, created);
    if (raced != null) {
      created.close();
      return raced;
    }
    return created;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String fingerprint(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        sha.update(p.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
