package io.payg.telco.support;

import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.peer.PeerCalls;
import io.payg.peer.TokenCache;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * A request-to-pay provider reached over {@link WebClient} with a cached bearer token (MTN MoMo,
 * Airtel Money): the {@link CollectionProvider} wiring and the {@link PeerCalls} its calls
 * go through. Each provider builds its own requests and reads its own answers.
 */
public abstract class RequestToPayClient implements CollectionProvider {

  private final String name;
  protected final WebClient client;
  protected final PeerCalls calls;

  /**
   * @param name the plugin name ({@link #provider()})
   * @param label the provider's name as failure messages start ("MTN MoMo", "Airtel")
   * @param nanoTime the monotonic clock that ages cached tokens
   */
  protected RequestToPayClient(String name, String label, WebClient client, LongSupplier nanoTime) {
    this.name = name;
    this.client = Objects.requireNonNull(client, "client");
    this.calls = new PeerCalls(
        label, CollectionCallException::new, LoggerFactory.getLogger(getClass()), nanoTime);
  }

  @Override
  public final String provider() {
    return name;
  }

  @Override
  public final CompletionStage<CollectionStatus> requestToPay(CollectionRequest request) {
    return startCollection(request).toCompletionStage();
  }

  @Override
  public final CompletionStage<CollectionStatus> status(CollectionRequest request) {
    return askStatus(request).toCompletionStage();
  }

  protected abstract Future<CollectionStatus> startCollection(CollectionRequest request);

  protected abstract Future<CollectionStatus> askStatus(CollectionRequest request);

  /** How long before {@code expires_in} a token is renewed: a tenth of its life, at most a minute. */
  public static long refreshMargin(long expiresInSeconds) {
    return TokenCache.refreshMargin(expiresInSeconds);
  }

  /**
   * A request-to-pay that got no answer: FAILED when the token endpoint refused the credentials
   * (a not retryable failure starting with {@code credentialsRefused}: the provider never saw
   * the request, an operator must fix the settings), else the failure itself.
   */
  protected static Future<CollectionStatus> refusedOrFailed(
      Throwable cause, String credentialsRefused) {
    if (cause instanceof CollectionCallException e
        && !e.retryable()
        && e.getMessage().startsWith(credentialsRefused)) {
      return Future.succeededFuture(CollectionStatus.failed(e.getMessage()));
    }
    return Future.failedFuture(cause);
  }
}
