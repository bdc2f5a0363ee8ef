package io.payg.gateway.outbound;

import io.payg.domain.port.SmsSendException;
import io.payg.domain.port.TokenIssueException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a tenant may be told about a failed call to its plugin's peer: a stable code and the
 * gateway's own short text, never a byte of the peer's answer (a tenant who points a plugin at
 * an internal service would otherwise read it back through {@code lastError}). The adapter's
 * full reason, which may quote the peer, goes to the log only, sanitised, under a reference
 * that the safe text carries so an operator can find it.
 */
public record PeerFailure(String code, String text) {

  private static final Logger LOG = LoggerFactory.getLogger(PeerFailure.class);
  // adapters write "<peer> HTTP <status>" when a peer answered with an error status
  private static final Pattern STATUS = Pattern.compile("\\bHTTP (\\d{3})\\b");

  /** Classifies {@code err} from a call to {@code peer} (e.g. "calin") and logs its details. */
  public static PeerFailure of(String peer, Throwable err) {
    String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    LOG.warn("peer {} failure ref {}: {}", peer, ref, sanitised(describe(err)));
    OutboundRefused refused = OutboundRefused.in(err);
    if (refused != null) {
      return new PeerFailure(refused.code(), peer + ": " + refused.getMessage());
    }
    String message = String.valueOf(err.getMessage());
    Matcher status = STATUS.matcher(message);
    String http = status.find() ? " (HTTP " + status.group(1) + ")" : "";
    boolean retryable = err instanceof TokenIssueException t
        ? t.retryable()
        : !(err instanceof SmsSendException s) || s.retryable();
    if (!retryable) {
      return new PeerFailure(
          "PEER_REFUSED",
          peer + " refused the request or the plugin's settings are unusable" + http + "; ref "
              + ref + " in the gateway log");
    }
    if (timedOut(err)) {
      return new PeerFailure("PEER_TIMEOUT", peer + " did not answer in time; ref " + ref);
    }
    if (!http.isEmpty()) {
      return new PeerFailure(
          "PEER_UNAVAILABLE", peer + " answered with an error" + http + "; ref " + ref);
    }
    return new PeerFailure("PEER_UNREACHABLE", peer + " could not be reached; ref " + ref);
  }

  /** "CODE: text", as kept in an outbox job's last error. */
  @Override
  public String toString() {
    return code + ": " + text;
  }

  private static boolean timedOut(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")
          || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable err) {
    StringBuilder s = new StringBuilder(String.valueOf(err));
    Throwable cause = err.getCause();
    if (cause != null && cause != err) {
      s.append(" <- ").append(cause);
    }
    return s.toString();
  }

  /** One line, printable characters only, at most 300 of them: a peer cannot forge log lines. */
  static String sanitised(String raw) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < raw.length() && out.length() < 300; i++) {
      char c = raw.charAt(i);
      out.append(
          c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
              ? '?'
              : c);
    }
    return raw.length() > 300 ? out + "..." : out.toString();
  }
}
