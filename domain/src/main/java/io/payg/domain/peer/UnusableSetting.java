package io.payg.domain.peer;

/**
 * A plugin setting that is missing or cannot be read. Never worth retrying: an operator must
 * fix the settings; each adapter reports it as its port's not retryable failure.
 */
public final class UnusableSetting extends RuntimeException {

  public UnusableSetting(String message) {
    super(message);
  }
}
