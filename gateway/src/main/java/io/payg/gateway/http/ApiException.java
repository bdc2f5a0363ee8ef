package io.payg.gateway.http;

/**
 * A refusal the caller can act on, answered as an RFC 9457 problem document.
 * Thrown (or failed into a Future) anywhere below a route; {@link Problems} renders it.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private long retryAfterSeconds = -1;

  public ApiException(int status, String code, String detail) {
    super(detail, null, false, false); // no stack trace: these are answers, not bugs
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Answered with {@code Retry-After: seconds}. */
  public ApiException retryAfter(long seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  /** The Retry-After seconds, or -1 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "VALIDATION_FAILED", detail);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "NOT_FOUND", what + " not found");
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, "FORBIDDEN", detail);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(409, code, detail);
  }

  public static ApiException unprocessable(String code, String detail) {
    return new ApiException(422, code, detail);
  }
}
