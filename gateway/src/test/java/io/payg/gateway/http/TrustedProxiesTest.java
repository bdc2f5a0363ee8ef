package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address the allow-lists see behind proxies. */
class TrustedProxiesTest {

  static final TrustedProxies PROXIES = new TrustedProxies("10.0.0.0/8, 2001:db8::/32");

  @Test
  void withoutTrustedProxiesTheHeadersAreIgnored() {
    assertEquals(
        "10.1.2.3",
        TrustedProxies.none()
            .clientAddress("10.1.2.3", List.of("for=196.201.214.200"), List.of("196.201.214.200")));
  }

  @Test
  void headersFromAnUntrustedPeerAreIgnored() {
    assertEquals(
        "203.0.113.9", PROXIES.clientAddress("203.0.113.9", List.of(), List.of("196.201.214.200")));
    assertEquals(
        "203.0.113.9",
        PROXIES.clientAddress("203.0.113.9", List.of("for=196.201.214.200"), List.of()));
  }

  @Test
  void theRightmostUntrustedHopIsTheClient() {
    assertEquals(
        "196.201.214.200",
        PROXIES.clientAddress("10.0.0.5", List.of(), List.of("196.201.214.200")));
    // a client-written prefix is never believed
    assertEquals(
        "203.0.113.9",
        PROXIES.clientAddress("10.0.0.5", List.of(), List.of("196.201.214.200, 203.0.113.9")));
    // two proxies in a row: both skipped
    assertEquals(
        "196.201.214.200",
        PROXIES.clientAddress("10.0.0.5", List.of(), List.of("196.201.214.200", "10.9.9.9")));
    // every hop trusted: the leftmost
    assertEquals(
        "10.1.1.1", PROXIES.clientAddress("10.0.0.5", List.of(), List.of("10.1.1.1, 10.2.2.2")));
    // a trusted peer without headers is itself the client
    assertEquals("10.0.0.5", PROXIES.clientAddress("10.0.0.5", List.of(), List.of()));
  }

  @Test
  void forwardedWinsOverXForwardedForAndItsNodesAreParsed() {
    assertEquals(
        "196.201.214.200",
        PROXIES.clientAddress(
            "10.0.0.5",
            List.of("for=196.201.214.200;proto=https;by=10.0.0.5"),
            List.of("203.0.113.9")));
    assertEquals(
        "2001:db9::17",
        PROXIES.clientAddress("10.0.0.5", List.of("for=\"[2001:db9::17]:4711\""), List.of()));
    assertEquals(
        "192.0.2.43",
        PROXIES.clientAddress(
            "10.0.0.5", List.of("For=\"192.0.2.43:80\", for=10.3.3.3"), List.of()));
    assertEquals("unknown", PROXIES.clientAddress("10.0.0.5", List.of("for=unknown"), List.of()));
    assertEquals(
        "_hidden",
        PROXIES.clientAddress("10.0.0.5", List.of("for=_hidden, for=10.3.3.3"), List.of()));
    // an element without for= still hides the client
    assertEquals("unknown", PROXIES.clientAddress("10.0.0.5", List.of("proto=https"), List.of()));
  }

  @Test
  void ipv6ProxiesAndBareIpv6Hops() {
    assertEquals(
        "2001:db9::1", PROXIES.clientAddress("2001:db8::5", List.of(), List.of("2001:db9::1")));
  }
}
