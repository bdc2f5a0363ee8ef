package io.payg.gateway.outbox;

/**
 * The job cannot run now for a reason that is not its own (its manufacturer is at its
 * concurrency limit): it goes back to the outbox for a little while, and the attempt is not
 * counted against its retry budget.
 */
public class JobDeferred extends RuntimeException {

  public JobDeferred(String reason) {
    super(reason, null, false, false);
  }
}
