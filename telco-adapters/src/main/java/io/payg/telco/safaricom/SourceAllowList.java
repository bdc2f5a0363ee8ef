package io.payg.telco.safaricom;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source-address allow-list: comma-separated IPv4 / IPv6 addresses and CIDR blocks, e.g.
 * {@code "196.201.214.0/24, 196.201.213.44, 2001:db8::/32"}.
 *
 * <p>Fails closed: an empty or missing list, a missing or unreadable peer address, allows
 * nothing. An entry that is not an address literal (a host name, a typo, a prefix too long)
 * matches nothing and is otherwise ignored. Host names are never resolved: no DNS, no blocking.
 * An IPv4-mapped IPv6 peer ({@code ::ffff:196.201.214.200}) is matched as its IPv4 address.
 */
public final class SourceAllowList {

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

  private SourceAllowList() {}

  /** Whether {@code address} (the peer, as Vert.x reports it) is in {@code allowList}. */
  public static boolean allows(String allowList, String address) {
    if (allowList == null || allowList.isBlank() || address == null) {
      return false;
    }
    byte[] peer = literal(address.trim());
    if (peer == null) {
      return false;
    }
    for (String raw : allowList.split(",", 256)) {
      String entry = raw.trim();
      int slash = entry.indexOf('/');
      byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
      if (network == null || network.length != peer.length) {
        continue;
      }
      int bits = network.length * 8;
      if (slash >= 0) {
        String prefix = entry.substring(slash + 1);
        if (!PREFIX.matcher(prefix).matches() || Integer.parseInt(prefix) > bits) {
          continue;
        }
        bits = Integer.parseInt(prefix);
      }
      if (samePrefix(network, peer, bits)) {
        return true;
      }
    }
    return false;
  }

  private static boolean samePrefix(byte[] a, byte[] b, int bits) {
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[whole] & mask) == (b[whole] & mask);
  }

  /** The address bytes (4 or 16) of an IP literal, or null. Never a DNS lookup. */
  static byte[] literal(String s) {
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    Matcher v4 = IPV4.matcher(s);
    if (v4.matches()) {
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return null;
        }
        bytes[i] = (byte) octet;
      }
      return bytes;
    }
    // an IPv6 literal: InetAddress parses text with a ':' as a literal and never resolves it
    if (s.indexOf(':') < 0
        || !IPV6_CHARS.matcher(s).matches()
        || (s.charAt(0) != ':' && Character.digit(s.charAt(0), 16) < 0)) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
