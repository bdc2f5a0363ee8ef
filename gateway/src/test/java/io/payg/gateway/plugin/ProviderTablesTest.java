package io.payg.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.plugin.PluginKind;
import io.payg.gateway.support.ReadmeSection;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The README's provider tables are what the descriptors say, nothing written by hand. */
class ProviderTablesTest {

  @ParameterizedTest
  @EnumSource(PluginKind.class)
  void readmeTableIsGeneratedFromTheDescriptors(PluginKind kind) throws Exception {
    String generated = ProviderTables.markdown(PluginCatalog.builtIn(), kind);
    ReadmeSection.writeIfAsked("plugins-" + kind.name().toLowerCase(), generated);
    assertEquals(
        generated,
        ReadmeSection.read("plugins-" + kind.name().toLowerCase()),
        "README.md differs from the descriptors: run this test with -Dreadme.write=true");
  }

  @Test
  void everyBuiltInPluginIsInATable() throws Exception {
    for (var p : PluginCatalog.builtIn().all()) {
      assertTrue(
          ReadmeSection.read("plugins-" + p.kind().name().toLowerCase())
              .contains("| `" + p.name() + "`"),
          p.name());
    }
  }

  @Test
  void secretsAreWhatTheCatalogSeals() {
    PluginCatalog catalog = PluginCatalog.builtIn();
    assertEquals(
        Set.of("consumerSecret", "securityCredential"),
        catalog.find("safaricom").orElseThrow().secretKeys());
    assertEquals(
        Set.of("webhookSecret", "previousWebhookSecret"), catalog.sharedSecretKeys("wave"));
    assertEquals(Set.of(), catalog.sharedSecretKeys("no-such-plugin"));
  }
}
