package io.payg.telco.vodacommz;

/**
 * A call to M-Pesa Mozambique gave no answer to act on (transport error, timeout, 5xx, INS-1,
 * INS-16, an unreadable body): the collection stays PENDING and the poller asks the status API.
 */
public final class VodacomMzException extends RuntimeException {

  public VodacomMzException(String message) {
    super(message);
  }

  public VodacomMzException(String message, Throwable cause) {
    super(message, cause);
  }
}
