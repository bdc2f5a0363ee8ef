package io.payg.peer;

import io.payg.domain.peer.OutboundRefusal;
import io.payg.domain.peer.PeerStatus;
import io.payg.domain.peer.PeerText;
import io.payg.domain.peer.UnusableSetting;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * How every adapter that calls out (manufacturers, SMS, request-to-pay providers) talks to its
 * peer over the {@link io.vertx.ext.web.client.WebClient} the gateway hands it (the one under the
 * gateway's outbound policy): the same rules for what is worth retrying, whatever the peer.
 * <ul>
 *   <li>a request that cannot even be made (a malformed URL throws), an {@link UnusableSetting}
 *       and the outbound policy's permanent refusal ({@link OutboundRefusal}: a refused address
 *       or URL) fail not retryable: an operator must fix the settings;</li>
 *   <li>a transport failure (refused, reset, timeout, the policy's time or size limit) and HTTP
 *       5xx/408/429 fail retryable ({@link PeerStatus#isTransient});</li>
 *   <li>a bearer token is cached per client ({@link TokenCache}) and a call the peer answers 401
 *       is sent once more with a fresh token: a 401 did nothing, so repeating it is safe.</li>
 * </ul>
 * Failures are the adapter's port's own exception ({@link Failure}); their reasons start with the
 * peer's name and say "HTTP nnn" for a status, which is what the gateway's {@code PeerFailure}
 * reads. What the peer said is quoted only through {@link PeerText}.
 */
public final class PeerCalls {

  /** The port's failure: {@code TokenIssueException::new}, {@code SmsSendException::new}, ... */
  @FunctionalInterface
  public interface Failure {
    RuntimeException of(String reason, boolean retryable, Throwable cause);
  }

  private final String peer;
  private final Failure failure;
  private final Logger log;
  private final TokenCache tokens;

  /**
   * @param peer the peer's name as failure reasons and log lines start ("calin", "MTN MoMo")
   * @param log the adapter's logger
   * @param nanoTime the monotonic clock that ages cached tokens
   */
  public PeerCalls(String peer, Failure failure, Logger log, LongSupplier nanoTime) {
    this.peer = Objects.requireNonNull(peer, "peer");
    this.failure = Objects.requireNonNull(failure, "failure");
    this.log = Objects.requireNonNull(log, "log");
    this.tokens = new TokenCache(nanoTime);
  }

  public PeerCalls(String peer, Failure failure, Logger log) {
    this(peer, failure, log, System::nanoTime);
  }

  public <T> Future<T> fail(String reason, boolean retryable) {
    return Future.failedFuture(failure.of(reason, retryable, null));
  }

  public <T> Future<T> fail(String reason, boolean retryable, Throwable cause) {
    return Future.failedFuture(failure.of(reason, retryable, cause));
  }

  /** Runs {@code body}; settings it finds unusable fail it not retryable. */
  public <T> Future<T> checked(Supplier<Future<T>> body) {
    try {
      return body.get();
    } catch (UnusableSetting e) {
      return fail(e.getMessage(), false);
    }
  }

  /**
   * Sends; a request that cannot even be made fails not retryable, a transport failure fails
   * retryable (the call may have arrived). Every HTTP status is the caller's to read.
   */
  public Future<HttpResponse<Buffer>> send(Supplier<Future<HttpResponse<Buffer>>> request) {
    return send(null, null, request);
  }

  /**
   * Sends {@code request} (for {@code step}, e.g. "vend", and {@code subject}, e.g. "k-1 meter M-1",
   * as the log says) and keeps the answers worth reading: a transport failure or a transient
   * status fails retryable and is logged; any other status is the caller's to read.
   */
  public Future<HttpResponse<Buffer>> call(
      String step, String subject, Supplier<Future<HttpResponse<Buffer>>> request) {
    return send(step, subject, request).compose(response -> answered(response, step, subject));
  }

  /** {@link #call}, and only a 2xx answer: any other status fails not retryable. */
  public Future<HttpResponse<Buffer>> accepted(
      String step, String subject, Supplier<Future<HttpResponse<Buffer>>> request) {
    return call(step, subject, request).compose(response -> accepted(response, step, subject));
  }

  /** The answer when 2xx, else a not retryable failure "peer step HTTP nnn: snippet". */
  public Future<HttpResponse<Buffer>> accepted(
      HttpResponse<Buffer> response, String step, String subject) {
    if (PeerStatus.isSuccess(response.statusCode())) {
      return Future.succeededFuture(response);
    }
    log.warn(
        "{} refused {} for {}: HTTP {} {}",
        peer,
        step,
        subject,
        response.statusCode(),
        snippet(response));
    return fail(
        peer + " " + step + " HTTP " + response.statusCode() + ": " + snippet(response), false);
  }

  /** The answer's body as one JSON object, else a not retryable failure "peer step answer is not JSON". */
  public Future<JsonObject> json(HttpResponse<Buffer> response, String step) {
    JsonObject json = jsonObject(response);
    return json != null
        ? Future.succeededFuture(json)
        : fail(peer + " " + step + " answer is not JSON: " + snippet(response), false);
  }

  /**
   * Sends with the token of {@code client} (e.g. a digest of URL and client id), fetched with
   * {@code fetch} when there is none usable for these {@code credentials}; on a 401, drops that
   * token and sends once more with a fresh one. Every status of the final answer is the caller's.
   */
  public Future<HttpResponse<Buffer>> authorized(
      String client,
      byte[] credentials,
      Supplier<Future<TokenCache.Fetched>> fetch,
      Function<String, Future<HttpResponse<Buffer>>> send) {
    return authorized(null, null, client, credentials, fetch, send);
  }

  /** {@link #authorized(String, byte[], Supplier, Function)} for {@code step}, as {@link #call} classifies it. */
  public Future<HttpResponse<Buffer>> authorized(
      String step,
      String subject,
      String client,
      byte[] credentials,
      Supplier<Future<TokenCache.Fetched>> fetch,
      Function<String, Future<HttpResponse<Buffer>>> send) {
    Future<HttpResponse<Buffer>> answer = attempt(step, subject, client, credentials, fetch, send)
        .compose(first -> {
          if (first.response.statusCode() != 401) {
            return Future.succeededFuture(first.response);
          }
          log.info("{} refused its bearer token: asking for a new one", peer);
          tokens.invalidate(client, first.token);
          return attempt(step, subject, client, credentials, fetch, send)
              .map(second -> second.response);
        });
    return step == null ? answer : answer.compose(response -> answered(response, step, subject));
  }

  private record Attempt(TokenCache.Entry token, HttpResponse<Buffer> response) {}

  private Future<Attempt> attempt(
      String step,
      String subject,
      String client,
      byte[] credentials,
      Supplier<Future<TokenCache.Fetched>> fetch,
      Function<String, Future<HttpResponse<Buffer>>> send) {
    TokenCache.Entry entry = tokens.get(client, credentials, fetch);
    return entry
        .token()
        .compose(token -> send(step, subject, () -> send.apply(token))
            .map(response -> new Attempt(entry, response)));
  }

  private Future<HttpResponse<Buffer>> send(
      String step, String subject, Supplier<Future<HttpResponse<Buffer>>> request) {
    Future<HttpResponse<Buffer>> sent;
    try {
      sent = request.get();
    } catch (RuntimeException e) {
      // a malformed URL throws synchronously: a configuration error, not transient
      return fail(peer + " baseUrl unusable: " + e.getMessage(), false);
    }
    return sent.recover(err -> {
      OutboundRefusal refusal = OutboundRefusal.in(err);
      if (refusal != null && refusal.permanent()) {
        // the gateway's policy will refuse this URL again until the plugin's settings change
        return fail(peer + " call refused by the outbound policy: " + err.getMessage(), false, err);
      }
      if (step == null) {
        return fail(peer + " unreachable: " + err, true, err);
      }
      log.warn("{} {} for {} failed in transport: {}", peer, step, subject, err.toString());
      return fail(peer + " unreachable during " + step + ": " + err, true, err);
    });
  }

  private Future<HttpResponse<Buffer>> answered(
      HttpResponse<Buffer> response, String step, String subject) {
    if (PeerStatus.isTransient(response.statusCode())) {
      log.warn("{} {} for {}: HTTP {}", peer, step, subject, response.statusCode());
      return fail(peer + " " + step + " HTTP " + response.statusCode(), true);
    }
    return Future.succeededFuture(response);
  }

  /**
   * {@code http} with the W3C {@code traceparent} header of the call when there is one
   * (https://www.w3.org/TR/trace-context/#traceparent-header): every adapter sends the payment's
   * trace to its peer this way.
   */
  public static <T> HttpRequest<T> traced(HttpRequest<T> http, String traceparent) {
    return traceparent == null ? http : http.putHeader("traceparent", traceparent);
  }

  /** The body as one JSON object; null when empty, not JSON or not an object. */
  public static JsonObject jsonObject(HttpResponse<Buffer> response) {
    try {
      Buffer body = response.body();
      return body == null || body.length() == 0
          ? null
          : body.toJsonValue() instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The start of the answer's body, safe for a log line or a failure reason. */
  public static String snippet(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    return PeerText.snippet(body == null ? null : body.toString(StandardCharsets.UTF_8));
  }
}
