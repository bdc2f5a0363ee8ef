package io.payg.gateway.outbound;

import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a plugin's peer may not have: everything that is not the public internet.
 * A tenant controls plugin URLs, so a URL pointing at the gateway's own host, its database, the
 * cloud metadata service or the operator's private network would let any tenant (sign-up is
 * public) probe and read them. The operator may allow ranges on purpose
 * (OUTBOUND_ALLOWED_NETWORKS); the metadata addresses are refused whatever is allowed.
 */
public final class AddressRules {

  private record Rule(String what, Network network) {}

  // RFC 6890 special-purpose registries
  // (https://www.iana.org/assignments/iana-ipv4-special-registry,
  // https://www.iana.org/assignments/iana-ipv6-special-registry): the ranges a peer on the internet
  // never has
  private static final List<Rule> REFUSED = List.of(
      rule("unspecified", "0.0.0.0/8"),
      rule("private", "10.0.0.0/8"),
      rule("shared (carrier NAT)", "100.64.0.0/10"),
      rule("loopback", "127.0.0.0/8"),
      rule("link-local", "169.254.0.0/16"),
      rule("private", "172.16.0.0/12"),
      rule("reserved", "192.0.0.0/24"),
      rule("documentation", "192.0.2.0/24"),
      rule("private", "192.168.0.0/16"),
      rule("benchmarking", "198.18.0.0/15"),
      rule("documentation", "198.51.100.0/24"),
      rule("documentation", "203.0.113.0/24"),
      rule("multicast", "224.0.0.0/4"),
      rule("reserved", "240.0.0.0/4"),
      rule("unspecified", "::/128"),
      rule("loopback", "::1/128"),
      rule("IPv4-compatible", "::/96"),
      rule("NAT64", "64:ff9b::/96"),
      rule("NAT64 local", "64:ff9b:1::/48"),
      rule("discard", "100::/64"),
      rule("documentation", "2001:db8::/32"),
      rule("6to4", "2002::/16"),
      rule("unique-local", "fc00::/7"),
      rule("link-local", "fe80::/10"),
      rule("site-local", "fec0::/10"),
      rule("multicast", "ff00::/8"));

  // AWS, GCP, Azure, OpenStack (169.254.169.254), AWS over IPv6 (fd00:ec2::254), Alibaba
  // (100.100.100.200)
  private static final List<Network> METADATA = List.of(
      Network.parse("169.254.169.254"),
      Network.parse("fd00:ec2::254"),
      Network.parse("100.100.100.200"));

  private final List<Network> allowed;

  public AddressRules(List<Network> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Why {@code address} may not be called, or null when it may. */
  public String refusal(InetAddress address) {
    for (Network m : METADATA) {
      if (m.contains(address)) {
        return "a cloud metadata address";
      }
    }
    for (Network a : allowed) {
      if (a.contains(address)) {
        return null;
      }
    }
    for (Rule r : REFUSED) {
      if (r.network().contains(address)) {
        return "a " + r.what() + " address";
      }
    }
    return null;
  }

  private static Rule rule(String what, String cidr) {
    return new Rule(what, Network.parse(cidr));
  }
}
