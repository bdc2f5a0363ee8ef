package io.payg.gateway.config;

import java.net.URI;
import java.util.Locale;

/**
 * Where the gateway's OpenTelemetry spans go.
 *
 * @param exporter     OTEL_EXPORTER: {@code none} (default: no tracer is installed at all),
 *                     {@code otlp} or {@code logging}
 * @param otlpEndpoint OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL, default
 *                     {@code http://127.0.0.1:4318}; spans are posted to its {@code /v1/traces}
 * @param serviceName  OTEL_SERVICE_NAME: the {@code service.name} of every span, default
 *                     {@code payg-gateway}
 */
public record TraceSettings(String exporter, String otlpEndpoint, String serviceName) {

  public static final TraceSettings NONE =
      new TraceSettings("none", "http://127.0.0.1:4318", "payg-gateway");

  static TraceSettings from(SettingValues v) {
    return new TraceSettings(
        v.string(Setting.OTEL_EXPORTER).trim().toLowerCase(Locale.ROOT),
        v.string(Setting.OTEL_EXPORTER_OTLP_ENDPOINT).trim(),
        v.string(Setting.OTEL_SERVICE_NAME).trim());
  }

  /** Whether a tracer is installed. */
  public boolean enabled() {
    return !"none".equals(exporter);
  }

  /** The URL the OTLP exporter posts spans to. */
  public String tracesUrl() {
    return otlpEndpoint.replaceAll("/+$", "") + "/v1/traces";
  }

  void validate() {
    if (!"none".equals(exporter) && !"otlp".equals(exporter) && !"logging".equals(exporter)) {
      throw new IllegalStateException(
          "OTEL_EXPORTER must be none, otlp or logging, got '" + exporter + "'");
    }
    if (serviceName.isEmpty()) {
      throw new IllegalStateException("OTEL_SERVICE_NAME must not be empty");
    }
    if ("otlp".equals(exporter)) {
      URI uri;
      try {
        uri = URI.create(otlpEndpoint);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalStateException(
            "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got '" + otlpEndpoint + "'");
      }
    }
  }
}
