package io.payg.domain.peer;

/**
 * What an HTTP status from a plugin's peer (manufacturer, SMS or mobile-money provider) means for
 * the call: the one rule every adapter applies before reading the peer's own answer.
 */
public final class PeerStatus {

  private PeerStatus() {}

  /**
   * 408, 429 and 5xx: the peer may answer otherwise later, so the call is worth making again
   * (RFC 9110 §15.5.9, §15.6; RFC 6585 §4).
   */
  public static boolean isTransient(int status) {
    return status >= 500 || status == 408 || status == 429;
  }

  /** 2xx. */
  public static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }
}
