package io.payg.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** OTEL_EXPORTER and its endpoint as an SRE sets them: off unless asked, a typo refused at start. */
class TraceSettingsTest {

  private static TraceSettings read(Map<String, String> env) {
    TraceSettings s = TraceSettings.from(new SettingValues(env));
    s.validate();
    return s;
  }

  @Test
  void offByDefault() {
    TraceSettings s = read(Map.of());
    assertFalse(s.enabled());
    assertEquals("payg-gateway", s.serviceName());
  }

  @Test
  void otlpPostsToTheCollectorsTracesPath() {
    TraceSettings s = read(
        Map.of("OTEL_EXPORTER", "OTLP", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"));
    assertTrue(s.enabled());
    assertEquals("http://collector:4318/v1/traces", s.tracesUrl());
  }

  @Test
  void aMisspelledExporterOrABadEndpointIsRefused() {
    IllegalStateException typo =
        assertThrows(IllegalStateException.class, () -> read(Map.of("OTEL_EXPORTER", "otpl")));
    assertTrue(typo.getMessage().contains("OTEL_EXPORTER"), typo.getMessage());
    assertThrows(
        IllegalStateException.class,
        () ->
            read(Map.of("OTEL_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")));
  }
}
