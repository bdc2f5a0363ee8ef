package io.payg.gateway.webhook;

import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.outbox.JobHandler;
import io.payg.gateway.outbox.OutboxJob;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;

/**
 * A WEBHOOK job: POSTs the event to the company's endpoint as it is now, signed
 * ({@link WebhookSignature}), through the gateway's one outbound client (the outbound policy
 * refuses private addresses). A 2xx closes the job; anything else is retried by the outbox with
 * backoff until the event is {@link #RETRY_WINDOW} old, then it ends FAILED. The same event id is
 * sent on every attempt: a receiver that answered too late gets it again and de-duplicates on it.
 */
public final class WebhookJobHandler implements JobHandler {

  public static final String KIND = "WEBHOOK";
  /** Stripe retries for up to three days (https://docs.stripe.com/webhooks#retries). */
  public static final Duration RETRY_WINDOW = Duration.ofDays(3);
  /** The longest wait between two attempts, so an endpoint back after an outage hears within the hour. */
  public static final Duration RETRY_CAP = Duration.ofHours(1);

  private static final int TIMEOUT_MS = 10_000;

  private final WebhookStore store;
  private final WebClient http;
  private final Clock clock;

  public WebhookJobHandler(WebhookStore store, WebClient http, Clock clock) {
    this.store = store;
    this.http = http;
    this.clock = clock;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<Void> handle(OutboxJob job) {
    return store.forJob(job.id()).compose(p -> {
      if (p.url() == null || !p.enabled()) {
        return Future.failedFuture(
            new JobFailure("the company has no enabled webhook endpoint", false));
      }
      if (p.createdAt().toInstant().plus(RETRY_WINDOW).isBefore(clock.instant())) {
        return Future.failedFuture(
            new JobFailure("not delivered within " + RETRY_WINDOW.toDays() + " days", false));
      }
      long now = clock.instant().getEpochSecond();
      String body = new JsonObject()
          .put("id", p.eventId().toString())
          .put("type", p.type())
          .put("created", p.createdAt().toEpochSecond())
          .put("companyId", job.companyId().toString())
          .put("data", p.data())
          .encode();
      return http.postAbs(p.url())
          .timeout(TIMEOUT_MS)
          .putHeader("Content-Type", "application/json")
          .putHeader(WebhookSignature.HEADER, WebhookSignature.header(p.secret(), now, body))
          .putHeader("Payg-Event-Id", p.eventId().toString())
          .putHeader("Payg-Event-Type", p.type())
          .sendBuffer(Buffer.buffer(body))
          .recover(err -> store
              .attempted(p.eventId(), null)
              .transform(ar ->
                  Future.failedFuture(new JobFailure(String.valueOf(err.getMessage()), true))))
          .compose(resp -> {
            int status = resp.statusCode();
            if (status >= 200 && status < 300) {
              return store.delivered(job, p.eventId(), status);
            }
            return store
                .attempted(p.eventId(), status)
                .transform(ar -> Future.failedFuture(
                    new JobFailure("the endpoint answered HTTP " + status, true)));
          });
    });
  }
}
