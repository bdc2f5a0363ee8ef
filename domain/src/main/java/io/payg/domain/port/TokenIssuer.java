package io.payg.domain.port;

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
}
