package io.payg.gateway.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the gateway calls plugins' peers (manufacturers, SMS, request-to-pay providers).
 *
 * @param allowedNetworks  OUTBOUND_ALLOWED_NETWORKS: CIDRs the operator lets plugins call although
 *                         they are not public addresses (e.g. {@code 127.0.0.0/8} for simulators
 *                         on the same host, {@code 10.2.0.0/16} for an on-premises peer); default none
 * @param plainHttpHosts   OUTBOUND_PLAIN_HTTP_HOSTS: hosts ({@code host} or {@code host:port}) that
 *                         may be called over plain http outside demo mode; default none
 * @param maxResponseBytes OUTBOUND_MAX_RESPONSE_BYTES: largest answer read, default 65536
 * @param maxRequestTime   OUTBOUND_TIMEOUT_MAX_MS: longest any request may take from DNS to the
 *                         last byte, whatever a plugin's {@code timeoutMs} says; default 10000
 * @param demo             plain http is allowed to any host in demo mode
 */
public record OutboundSettings(
    List<Network> allowedNetworks,
    Set<String> plainHttpHosts,
    int maxResponseBytes,
    Duration maxRequestTime,
    boolean demo) {

  public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
  public static final int DEFAULT_TIMEOUT_MAX_MS = 10_000;

  public OutboundSettings {
    allowedNetworks = List.copyOf(allowedNetworks);
    plainHttpHosts = Set.copyOf(plainHttpHosts);
  }

  public static OutboundSettings parse(
      String allowedNetworks,
      String plainHttpHosts,
      int maxResponseBytes,
      int maxRequestTimeMs,
      boolean demo) {
    List<Network> networks = new ArrayList<>();
    for (String s : split(allowedNetworks)) {
      try {
        networks.add(Network.parse(s));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("OUTBOUND_ALLOWED_NETWORKS: " + e.getMessage());
      }
    }
    Set<String> hosts = new LinkedHashSet<>();
    split(plainHttpHosts).forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
    if (maxResponseBytes < 1024) {
      throw new IllegalStateException(
          "OUTBOUND_MAX_RESPONSE_BYTES must be at least 1024, got " + maxResponseBytes);
    }
    if (maxRequestTimeMs < 100) {
      throw new IllegalStateException(
          "OUTBOUND_TIMEOUT_MAX_MS must be at least 100, got " + maxRequestTimeMs);
    }
    return new OutboundSettings(
        networks, hosts, maxResponseBytes, Duration.ofMillis(maxRequestTimeMs), demo);
  }

  /** Plain http to {@code host}:{@code port} is allowed. */
  boolean plainHttpAllowed(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    return demo || plainHttpHosts.contains(h) || plainHttpHosts.contains(h + ":" + port);
  }

  public String describe() {
    return "allowed networks " + (allowedNetworks.isEmpty() ? "(none)" : allowedNetworks)
        + ", plain http "
        + (demo ? "(any host: demo)" : plainHttpHosts.isEmpty() ? "(none)" : plainHttpHosts)
        + ", max answer "
        + maxResponseBytes + " bytes, max request " + maxRequestTime.toMillis() + " ms";
  }

  private static List<String> split(String raw) {
    List<String> out = new ArrayList<>();
    if (raw != null) {
      for (String s : raw.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }
}
