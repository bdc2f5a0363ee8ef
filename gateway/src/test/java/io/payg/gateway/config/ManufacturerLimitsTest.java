package io.payg.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ManufacturerLimitsTest {

  @Test
  void namedManufacturersTheirOwnValueOthersTheStarOrTheDefault() {
    GatewayConfig config = GatewayConfig.fromEnv(
        Map.of(
            "MANUFACTURER_LIMITS",
            "calin=64, steama=16",
            "MANUFACTURER_TIMEOUTS_MS",
            "*=4000,sunking=20000"),
        false);
    ManufacturerLimits limits = config.manufacturerLimits();
    assertEquals(64, limits.limit("calin"));
    assertEquals(16, limits.limit("steama"));
    assertEquals(ManufacturerLimits.DEFAULT_LIMIT, limits.limit("angaza"));
    assertEquals(32, limits.queue("steama"));
    assertEquals(20_000, limits.timeoutMs("sunking"));
    assertEquals(4_000, limits.timeoutMs("calin"));
    assertEquals(
        ManufacturerLimits.DEFAULT_TIMEOUT_MS, ManufacturerLimits.parse("", "").timeoutMs("calin"));
    assertTrue(
        config.summary().get("MANUFACTURER_LIMITS").contains("calin=64"),
        config.summary().toString());
  }

  @Test
  void refusesToStartOnAMalformedValue() {
    for (String bad : new String[] {"calin", "calin=0", "calin=-3", "=5", "calin=many"}) {
      IllegalStateException e = assertThrows(
          IllegalStateException.class,
          () -> GatewayConfig.fromEnv(Map.of("MANUFACTURER_LIMITS", bad), false),
          bad);
      assertTrue(e.getMessage().startsWith("MANUFACTURER_LIMITS must look like"), e.getMessage());
    }
  }
}
