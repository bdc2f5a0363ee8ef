package io.payg.telco.support;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting on a provider client's futures and stages in tests (at most 20 s, never on an event loop). */
public final class Stages {

  private Stages() {}

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  public static <T> T await(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The cause of a failed stage. */
  public static Throwable failure(CompletionStage<?> s) {
    ExecutionException e = assertThrows(
        ExecutionException.class, () -> s.toCompletableFuture().get(20, TimeUnit.SECONDS));
    return e.getCause();
  }
}
