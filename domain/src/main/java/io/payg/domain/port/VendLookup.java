package io.payg.domain.port;

import java.util.Objects;

/**
 * What a manufacturer says when asked whether an earlier attempt at a request already vended.
 *
 * @param outcome FOUND (then {@code token} is that vend), NOT_FOUND, or CANNOT_TELL (the
 *                manufacturer offers no such question, or the plugin lacks the settings for it)
 * @param token   the earlier vend when FOUND, else null
 */
public record VendLookup(Outcome outcome, IssuedToken token) {

  public enum Outcome {
    FOUND,
    NOT_FOUND,
    CANNOT_TELL
  }

  public VendLookup {
    Objects.requireNonNull(outcome, "outcome");
    if ((outcome == Outcome.FOUND) != (token != null)) {
      throw new IllegalArgumentException("a token exactly when FOUND");
    }
  }

  public static VendLookup found(IssuedToken token) {
    return new VendLookup(Outcome.FOUND, Objects.requireNonNull(token, "token"));
  }

  public static VendLookup notFound() {
    return new VendLookup(Outcome.NOT_FOUND, null);
  }

  public static VendLookup cannotTell() {
    return new VendLookup(Outcome.CANNOT_TELL, null);
  }
}
