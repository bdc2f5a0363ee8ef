package io.payg.domain.port;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The manufacturer port: turns a paid amount into a token for one device. One implementation
 * per manufacturer (Calin, SparkMeter, Steama, SunKing, Angaza, OpenPAYGO, ...).
 *
 * <p>Implementations never block the calling thread. A failed stage carries a
 * {@link TokenIssueException}.
 */
public interface TokenIssuer {

  /** The plugin name, as stored on the device ("calin", "openpaygo", ...). */
  String manufacturer();

  CompletionStage<IssuedToken> issue(TokenRequest request);

  /**
   * Asks the manufacturer whether a vend for this request ({@link TokenRequest#idempotencyKey()})
   * already happened. The gateway asks it before retrying a job whose earlier attempt may have
   * reached the manufacturer (a lost answer, a timeout, a crash), and stores the found vend
   * instead of vending again. Default: the manufacturer offers no such question.
   */
  default CompletionStage<VendLookup> findVend(TokenRequest request) {
    return CompletableFuture.completedFuture(VendLookup.cannotTell());
  }
}
