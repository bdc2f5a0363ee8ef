package io.payg.telco.support;

import static io.payg.domain.peer.PeerStatus.isTransient;
import static io.payg.peer.PeerCalls.jsonObject;

import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.peer.PeerCalls;
import io.payg.peer.TokenCache;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * A request-to-pay provider reached over {@link WebClient} with a cached bearer token (MTN MoMo,
 * Airtel Money): the {@link CollectionProvider} wiring, the {@link PeerCalls} its calls go through,
 * and the flow they share — the bearer token's answer read, a request-to-pay's and a status
 * enquiry's answer classified by HTTP status (credentials refused, retryable, refused, accepted).
 * Each provider builds its own requests (paths, headers, fields) and reads its own words (result
 * codes, status values, error bodies).
 */
public abstract class RequestToPayClient implements CollectionProvider {

  /** What a status enquiry answers for a reference the provider does not know. */
  public static final String UNKNOWN_REFERENCE = "unknown reference";

  /** Our collection reference: a UUID, 8-4-4-4-12 hex digits (MoMo's X-Reference-Id, Airtel's id). */
  public static final Pattern UUID_TEXT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private static final long MAX_TOKEN_LIFETIME_S = 24 * 3600;

  private final String name;
  private final String label;
  private final String credentialsRefused;
  private final Function<HttpResponse<Buffer>, String> errorText;
  protected final WebClient client;
  protected final PeerCalls calls;

  /**
   * @param name the plugin name ({@link #provider()})
   * @param label the provider's name as failure messages start ("MTN MoMo", "Airtel")
   * @param credentialsRefused how a refusal of the credentials starts ("Airtel refused the credentials")
   * @param errorText the provider's error body as one line
   * @param nanoTime the monotonic clock that ages cached tokens
   */
  protected RequestToPayClient(
      String name,
      String label,
      String credentialsRefused,
      Function<HttpResponse<Buffer>, String> errorText,
      WebClient client,
      LongSupplier nanoTime) {
    this.name = name;
    this.label = label;
    this.credentialsRefused = credentialsRefused;
    this.errorText = errorText;
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
   * (a not retryable failure starting with the provider's credentials-refused words: the provider
   * never saw the request, an operator must fix the settings), else the failure itself.
   */
  protected final Future<CollectionStatus> refusedOrFailed(Throwable cause) {
    if (cause instanceof CollectionCallException e
        && !e.retryable()
        && e.getMessage().startsWith(credentialsRefused)) {
      return Future.succeededFuture(CollectionStatus.failed(e.getMessage()));
    }
    return Future.failedFuture(cause);
  }

  /**
   * A request-to-pay's answer that the provider's own words did not settle: 401 = credentials
   * refused (FAILED, nothing requested); 408 / 429 / 5xx or {@code retryable} = a retryable failed
   * stage (the request may exist, the status enquiry tells); 2xx = {@code accepted}; other 4xx =
   * FAILED with the provider's error; anything else a failed stage.
   *
   * @param call the call's name in failure messages ("requesttopay", "payments")
   */
  protected final Future<CollectionStatus> requestAnswer(
      HttpResponse<Buffer> response, String call, boolean retryable, CollectionStatus accepted) {
    int code = response.statusCode();
    if (code == 401) {
      return Future.succeededFuture(CollectionStatus.failed(
          credentialsRefused + " (HTTP 401): " + errorText.apply(response)));
    }
    if (isTransient(code) || retryable) {
      return Future.failedFuture(new CollectionCallException(
          label + " " + call + " HTTP " + code + ": " + errorText.apply(response), true));
    }
    if (code >= 200 && code < 300) {
      return Future.succeededFuture(accepted);
    }
    if (code >= 400 && code < 500) {
      return Future.succeededFuture(
          CollectionStatus.failed(label + " HTTP " + code + ": " + errorText.apply(response)));
    }
    return Future.failedFuture(
        new CollectionCallException(label + " " + call + " answered HTTP " + code, false));
  }

  /**
   * A status enquiry's answer: {@code notFound} (the provider's words for a reference it does not
   * know) = {@link CollectionStatus#notFound}, which the gateway reads with whether the request was
   * ever accepted; 200 read by {@code read}; anything else a failed stage, never FAILED on a doubt
   * (the payer may have paid), retryable on 408 / 429 / 5xx.
   *
   * @param call the call's name in failure messages ("requesttopay status", "enquiry")
   */
  protected final Future<CollectionStatus> statusAnswer(
      HttpResponse<Buffer> response,
      String call,
      boolean notFound,
      Function<HttpResponse<Buffer>, Future<CollectionStatus>> read) {
    int code = response.statusCode();
    if (notFound) {
      return Future.succeededFuture(CollectionStatus.notFound(UNKNOWN_REFERENCE));
    }
    if (code == 200) {
      return read.apply(response);
    }
    if (code == 401) {
      return Future.failedFuture(new CollectionCallException(
          credentialsRefused + " (HTTP 401): " + errorText.apply(response), false));
    }
    return Future.failedFuture(new CollectionCallException(
        label + " " + call + " HTTP " + code + ": " + errorText.apply(response),
        isTransient(code)));
  }

  /**
   * A bearer token from the provider's token endpoint: {@code refused} statuses = the credentials
   * refused (final), another non-200 a failure (retryable on 408 / 429 / 5xx), a 200 without
   * {@code access_token} final; {@code expires_in} as {@link #expiresIn} reads it.
   */
  protected final Future<TokenCache.Fetched> bearerToken(
      Supplier<Future<HttpResponse<Buffer>>> request, String tokenPath, IntPredicate refused) {
    return calls.send(request).compose(response -> {
      int code = response.statusCode();
      if (refused.test(code)) {
        return Future.failedFuture(new CollectionCallException(
            credentialsRefused + " (HTTP " + code + " at " + tokenPath + "): "
                + errorText.apply(response),
            false));
      }
      if (code != 200) {
        return Future.failedFuture(new CollectionCallException(
            label + " token HTTP " + code + ": " + errorText.apply(response), isTransient(code)));
      }
      JsonObject json = jsonObject(response);
      if (json == null
          || !(json.getValue("access_token") instanceof String token)
          || token.isBlank()) {
        return Future.failedFuture(
            new CollectionCallException(label + " token answer without access_token", false));
      }
      return Future.succeededFuture(
          new TokenCache.Fetched(token, expiresIn(json.getValue("expires_in"))));
    });
  }

  /**
   * A token's {@code expires_in} in seconds (a number, or digits in a string as Airtel documents
   * it), at most a day; 0 (use for the calls waiting now, then renew) when absent or unreadable.
   */
  static long expiresIn(Object value) {
    long seconds;
    if (value instanceof Number n) {
      seconds = n.longValue();
    } else if (value instanceof String s && s.trim().matches("[0-9]{1,9}")) {
      seconds = Long.parseLong(s.trim());
    } else {
      seconds = 0;
    }
    return Math.max(0, Math.min(seconds, MAX_TOKEN_LIFETIME_S));
  }

  /**
   * The request's amount in major units with its currency's ISO 4217 decimals; a collection that
   * cannot be requested (not positive, currency without known decimals) is refused before sending.
   */
  protected static BigDecimal majorUnits(CollectionRequest request) {
    if (request.amount() == null || !request.amount().isPositive()) {
      throw new CollectionCallException("the amount must be positive", false);
    }
    String currency = request.amount().currency();
    int digits = DecimalAmount.fractionDigits(currency);
    if (digits < 0) {
      throw new CollectionCallException(
          "the currency " + currency + " has no known minor unit", false);
    }
    return BigDecimal.valueOf(request.amount().minor(), digits);
  }

  /** Whether {@code reference} can be one of our collection references. */
  protected static boolean isReference(String reference) {
    return reference != null && UUID_TEXT.matcher(reference).matches();
  }
}
