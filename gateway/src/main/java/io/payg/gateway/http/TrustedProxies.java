package io.payg.gateway.http;

import io.payg.telco.safaricom.SourceAllowList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The real client address behind reverse proxies (setting {@code TRUSTED_PROXIES}: comma-separated
 * addresses and CIDR blocks, empty by default). Source allow-lists (Daraja, Vodacom) are checked
 * against what this answers, never against a header a client chose.
 *
 * <p>When the socket peer is not a trusted proxy, the forwarding headers are ignored and the peer
 * is the client. Otherwise the hops of {@code Forwarded} (RFC 7239, its {@code for=} parameters;
 * https://www.rfc-editor.org/rfc/rfc7239#section-5.2) or, when it is absent,
 * {@code X-Forwarded-For} are walked from the right: the first hop that is not a trusted proxy is
 * the client (every proxy appends the address it saw, so only the rightmost untrusted hop was
 * written by someone we trust; anything left of it is the client's own text). A hop that is not
 * an address ({@code unknown}, an obfuscated {@code _name}) is answered as it is and matches no
 * allow-list. All hops trusted: the leftmost.
 */
public final class TrustedProxies {

  private static final int MAX_HOPS = 32;
  private final String cidrs;

  public TrustedProxies(String cidrs) {
    this.cidrs = cidrs == null ? "" : cidrs.trim();
  }

  public static TrustedProxies none() {
    return new TrustedProxies("");
  }

  public boolean isEmpty() {
    return cidrs.isEmpty();
  }

  /** The list as configured, for the start-up summary. */
  public String describe() {
    return cidrs.isEmpty() ? "(none: the socket peer is the client)" : cidrs;
  }

  public boolean trusts(String address) {
    return !cidrs.isEmpty() && address != null && SourceAllowList.allows(cidrs, address);
  }

  /**
   * @param peer      the socket peer (or the PROXY protocol's source address)
   * @param forwarded every {@code Forwarded} header value, in order
   * @param xff       every {@code X-Forwarded-For} header value, in order
   */
  public String clientAddress(String peer, List<String> forwarded, List<String> xff) {
    if (!trusts(peer)) {
      return peer;
    }
    List<String> hops =
        forwarded != null && !forwarded.isEmpty() ? forwardedFor(forwarded) : commaList(xff);
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      client = hops.get(i);
      if (!trusts(client)) {
        return client;
      }
    }
    return client;
  }

  /** The {@code for=} node of each forwarded-element, leftmost first (RFC 7239 section 4 and 6). */
  static List<String> forwardedFor(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",", MAX_HOPS + 1)) {
        String node = null;
        for (String pair : element.split(";", 16)) {
          int eq = pair.indexOf('=');
          if (eq > 0 && "for".equals(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT))) {
            node = node(pair.substring(eq + 1).trim());
          }
        }
        // an element without for= still is a hop: it hides the client, so it must not be skipped
        hops.add(node == null ? "unknown" : node);
        if (hops.size() > MAX_HOPS) {
          return hops.subList(hops.size() - MAX_HOPS, hops.size());
        }
      }
    }
    return hops;
  }

  /**
   * A node without quotes and port: {@code "[2001:db8::1]:4711"} → {@code 2001:db8::1},
   * {@code 192.0.2.43:80} → {@code 192.0.2.43}.
   */
  static String node(String raw) {
    String s = raw;
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      return close > 0 ? s.substring(1, close) : s;
    }
    int colon = s.indexOf(':');
    // one colon: IPv4 with a port; more: a bare IPv6 address (X-Forwarded-For writes them so)
    return colon > 0 && s.indexOf(':', colon + 1) < 0 ? s.substring(0, colon) : s;
  }

  private static List<String> commaList(List<String> values) {
    List<String> hops = new ArrayList<>();
    if (values == null) {
      return hops;
    }
    for (String value : values) {
      for (String hop : value.split(",", MAX_HOPS + 1)) {
        String h = hop.trim();
        hops.add(h.isEmpty() ? "unknown" : node(h));
      }
    }
    return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
  }
}
