package io.payg.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.ReadmeSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's configuration table and the start-up summary come from {@link Setting}, nowhere else. */
class SettingsTableTest {

  @Test
  void readmeTableIsGeneratedFromTheSettings() throws Exception {
    String generated = SettingsTable.markdown();
    ReadmeSection.writeIfAsked("settings", generated);
    assertEquals(
        generated,
        ReadmeSection.read("settings"),
        "README.md differs from Setting: run this test with -Dreadme.write=true");
  }

  @Test
  void theSummaryNamesEverySettingAndMasksEverySecret() {
    Map<String, String> env = new HashMap<>();
    for (Setting s : Setting.values()) {
      if (s.form().secret()) {
        env.put(s.name(), "very-secret-value-of-" + s.name());
      }
    }
    env.put("DATABASE_URL", "postgresql://payg:db-password-123@db/payg");
    env.put("MANUFACTURER_LIMITS", "calin=64");
    Map<String, String> summary = GatewayConfig.fromEnv(env, false).summary();
    for (Setting s : Setting.values()) {
      assertTrue(summary.containsKey(s.name()), s.name());
    }
    String all = summary.toString();
    assertFalse(all.contains("very-secret-value"), all);
    assertFalse(all.contains("db-password-123"), all);
    assertEquals("calin=64", summary.get("MANUFACTURER_LIMITS"));
    assertEquals("8080", summary.get("HTTP_PORT"), "a default shows as the value in effect");
  }

  /** Guards against a setting read by name somewhere without being declared. */
  @Test
  void everyVariableTheConfigPackageNamesIsDeclared() throws Exception {
    Set<String> declared = Stream.of(Setting.values()).map(Enum::name).collect(Collectors.toSet());
    List<String> undeclared = new ArrayList<>();
    try (var files = Files.list(Path.of("src/main/java/io/payg/gateway/config"))) {
      for (var f : files.toList()) {
        Matcher m =
            Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"").matcher(Files.readString(f));
        while (m.find()) {
          String name = m.group(1).replaceAll("_FILE$", "");
          if (!declared.contains(name)) {
            undeclared.add(f.getFileName() + ": " + m.group(1));
          }
        }
      }
    }
    assertEquals(List.of(), undeclared);
  }

  @Test
  void rowsShareOnlyWhatIsDeclaredTogether() {
    Set<String> firstOfRows = new LinkedHashSet<>();
    for (Setting s : Setting.values()) {
      if (s.startsRow()) {
        firstOfRows.add(s.name());
      }
    }
    assertTrue(firstOfRows.contains("DATABASE_URL"));
    assertEquals(Setting.HTTP_HOST.description(), Setting.HTTP_PORT.description());
    assertFalse(Setting.HTTP_PORT.startsRow());
  }
}
