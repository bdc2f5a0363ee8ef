package io.payg.telco.support;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Calls made with a cached OAuth-style bearer token, as MTN MoMo and Airtel Money want them: one
 * token per client shared by all calls ({@link TokenCache}), and when the provider answers 401 to
 * a token (revoked, or expired early) the call is sent once more with a fresh one. What the token
 * request and the calls look like stays with each provider.
 */
public final class BearerTokenCalls {

  private final String provider;
  private final TokenCache tokens;

  /**
   * @param provider the provider's name as failure messages start ("MTN MoMo", "Airtel")
   * @param nanoTime the monotonic clock that ages cached tokens
   */
  public BearerTokenCalls(String provider, LongSupplier nanoTime) {
    this.provider = provider;
    this.tokens = new TokenCache(nanoTime);
  }

  /**
   * Sends with the token of {@code client} (fetched with {@code fetch} when there is none usable
   * for these {@code credentials}); on a 401, invalidates that token and sends once more.
   */
  public Future<HttpResponse<Buffer>> authorized(String client, byte[] credentials,
                                                 Supplier<Future<TokenCache.Fetched>> fetch,
                                                 Function<String, Future<HttpResponse<Buffer>>> send) {
    return attempt(client, credentials, fetch, send).compose(first -> {
      if (first.response.statusCode() != 401) {
        return Future.succeededFuture(first.response);
      }
      tokens.invalidate(client, first.token);
      return attempt(client, credentials, fetch, send).map(second -> second.response);
    });
  }

  private record Attempt(TokenCache.Entry token, HttpResponse<Buffer> response) {
  }

  private Future<Attempt> attempt(String client, byte[] credentials, Supplier<Future<TokenCache.Fetched>> fetch,
                                  Function<String, Future<HttpResponse<Buffer>>> send) {
    TokenCache.Entry entry = tokens.get(client, credentials, fetch);
    return entry.token().compose(token -> send(() -> send.apply(token))
        .map(response -> new Attempt(entry, response)));
  }

  /**
   * Sends; a request that cannot even be made (the baseUrl is unusable) fails not retryable, a
   * transport failure (refused, reset, timeout) fails retryable: the call may have arrived.
   */
  public Future<HttpResponse<Buffer>> send(Supplier<Future<HttpResponse<Buffer>>> request) {
    Future<HttpResponse<Buffer>> sent;
    try {
      sent = request.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(new CollectionCallException(provider + " baseUrl unusable: " + e.getMessage(),
          false));
    }
    return sent.transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result())
        : Future.failedFuture(transportFailure(ar)));
  }

  private CollectionCallException transportFailure(AsyncResult<?> ar) {
    return new CollectionCallException(provider + " unreachable: " + ar.cause(), true, ar.cause());
  }
}
