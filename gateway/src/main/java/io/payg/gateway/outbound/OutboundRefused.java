package io.payg.gateway.outbound;

import io.payg.domain.peer.OutboundRefusal;

/**
 * The outbound policy stopped a call to a plugin's peer, before it left the gateway or while
 * its answer came in. {@link #code()} is one of the stable codes below; the message is the
 * gateway's own words (never the peer's) and may be shown to the tenant.
 */
public final class OutboundRefused extends RuntimeException implements OutboundRefusal {

  /** The URL's host resolves to an address the gateway does not call (loopback, private, metadata...). */
  public static final String ADDRESS = "OUTBOUND_ADDRESS_REFUSED";
  /** Plain http to a host not on OUTBOUND_PLAIN_HTTP_HOSTS (outside demo mode). */
  public static final String PLAIN_HTTP = "OUTBOUND_PLAIN_HTTP_REFUSED";
  /** Not an http(s) URL, or a request the policy cannot check. */
  public static final String URL = "OUTBOUND_URL_REFUSED";
  /** The host name did not resolve. */
  public static final String UNRESOLVED = "OUTBOUND_HOST_UNRESOLVED";
  /** The answer was larger than OUTBOUND_MAX_RESPONSE_BYTES. */
  public static final String TOO_LARGE = "OUTBOUND_RESPONSE_TOO_LARGE";
  /** The whole request took longer than its timeout (at most OUTBOUND_TIMEOUT_MAX_MS). */
  public static final String TIMEOUT = "OUTBOUND_TIMEOUT";

  private final String code;

  public OutboundRefused(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** True when asking again cannot help until the plugin's settings change. */
  @Override
  public boolean permanent() {
    return ADDRESS.equals(code) || PLAIN_HTTP.equals(code) || URL.equals(code);
  }

  /** The policy's refusal somewhere in {@code err}'s causes, or null. */
  public static OutboundRefused in(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutboundRefused r) {
        return r;
      }
    }
    return null;
  }
}
