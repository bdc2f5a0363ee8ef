package io.payg.gateway.config;

/**
 * How the gateway learns the real client address behind a reverse proxy.
 *
 * @param trustedProxies TRUSTED_PROXIES, comma-separated addresses and CIDR blocks of the proxies
 *                       whose {@code Forwarded} / {@code X-Forwarded-For} headers are believed;
 *                       default empty (headers ignored, the socket peer is the client)
 * @param proxyProtocol  PROXY_PROTOCOL, true when a layer-4 proxy (HAProxy, AWS NLB) sends the
 *                       PROXY protocol header: the source address it carries is the peer
 *                       (Vert.x {@code HttpServerOptions.setUseProxyProtocol}); default false
 */
public record ProxySettings(String trustedProxies, boolean proxyProtocol) {

  public static final ProxySettings NONE = new ProxySettings("", false);

  static ProxySettings from(SettingValues v) {
    String trusted = v.string(Setting.TRUSTED_PROXIES);
    String proxyProtocol = v.string(Setting.PROXY_PROTOCOL).trim();
    if (!proxyProtocol.isEmpty()
        && !"true".equalsIgnoreCase(proxyProtocol)
        && !"false".equalsIgnoreCase(proxyProtocol)) {
      throw new IllegalStateException(
          "PROXY_PROTOCOL must be true or false, got '" + proxyProtocol + "'");
    }
    return new ProxySettings(
        trusted == null ? "" : trusted.trim(), "true".equalsIgnoreCase(proxyProtocol));
  }
}
