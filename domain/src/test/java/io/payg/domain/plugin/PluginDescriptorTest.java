package io.payg.domain.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginDescriptorTest {

  private static PluginDescriptor<Object, Object> plugin(
      String name, List<PluginSetting> settings) {
    return new PluginDescriptor<>(
        name,
        PluginKind.TELCO,
        "Test",
        "what it does",
        List.of(),
        settings,
        (http, clock) -> PluginParts.NONE,
        null);
  }

  @Test
  void secretsAndSharedSecretsAreReadFromTheSettings() {
    var p = plugin(
        "pay-x",
        List.of(
            PluginSetting.plain("shortCode", "the short code"),
            PluginSetting.secret("apiKey", "issued by the provider"),
            PluginSetting.sharedSecret("hmac", "chosen by the tenant"),
            PluginSetting.withDefault("timeoutMs", "10000", "longest wait")));
    assertEquals(Set.of("apiKey", "hmac"), p.secretKeys());
    assertEquals(Set.of("hmac"), p.sharedSecretKeys());
    assertEquals("10000", p.setting("timeoutMs").orElseThrow().defaultValue());
  }

  @Test
  void aSettingDeclaredTwiceIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> plugin(
            "pay-x", List.of(PluginSetting.plain("a", "one"), PluginSetting.secret("a", "two"))));
  }

  @Test
  void aNameThatCannotBeAPathIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> plugin("Pay X", List.of()));
    assertThrows(IllegalArgumentException.class, () -> plugin("pay/x", List.of()));
  }

  @Test
  void aSharedSecretIsASecret() {
    assertThrows(
        IllegalArgumentException.class, () -> new PluginSetting("hmac", null, "key", false, true));
  }
}
