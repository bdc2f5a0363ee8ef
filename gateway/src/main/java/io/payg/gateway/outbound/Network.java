package io.payg.gateway.outbound;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}); a bare address is a /32 or /128. */
public record Network(byte[] base, int prefix, String text) {

  public static Network parse(String cidr) {
    String s = cidr.trim();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = literal(host);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address or CIDR: '" + cidr + "'");
    }
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR prefix: '" + cidr + "'");
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix out of range: '" + cidr + "'");
    }
    return new Network(bytes, prefix, s);
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  boolean contains(byte[] a) {
    if (a.length != base.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != base[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (base[full] & mask);
  }

  /** The bytes of an IP literal, or null when {@code host} is a name (never a DNS query). */
  static byte[] literal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(h);
    if (bytes == null) {
      return null;
    }
    try {
      // ::ffff:a.b.c.d comes back as the IPv4 address it is
      return InetAddress.getByAddress(bytes).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
