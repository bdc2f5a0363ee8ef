package io.payg.domain.peer;

/**
 * The hook between the gateway's outbound policy and every adapter's calls: the policy's refusal
 * of a call (before it left the gateway or while its answer came in) implements this, so an
 * adapter can tell it from a peer that did not answer without knowing the gateway.
 */
public interface OutboundRefusal {

  /** True when asking again cannot help until the plugin's settings change (a refused address or URL). */
  boolean permanent();

  /** The policy's refusal somewhere in {@code err}'s causes, or null. */
  static OutboundRefusal in(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutboundRefusal refusal) {
        return refusal;
      }
    }
    return null;
  }
}
