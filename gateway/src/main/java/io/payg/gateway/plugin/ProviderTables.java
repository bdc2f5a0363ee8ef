package io.payg.gateway.plugin;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginSetting;
import java.util.stream.Collectors;

/**
 * The README's provider tables, written from the descriptors (a test keeps the README equal to
 * them, between the {@code <!-- plugins:KIND -->} markers).
 */
public final class ProviderTables {

  private ProviderTables() {}

  public static String markdown(PluginCatalog catalog, PluginKind kind) {
    StringBuilder out =
        new StringBuilder("| provider | plugin | what the gateway does | settings |\n"
            + "| --- | --- | --- | --- |\n");
    for (PluginDescriptor<?, ?> p : catalog.all()) {
      if (p.kind() != kind) {
        continue;
      }
      String plugin = "`" + p.name() + "`"
          + (p.aliases().isEmpty()
              ? ""
              : " (also "
                  + p.aliases().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "))
                  + ")");
      String settings = p.settings().isEmpty()
          ? "none"
          : p.settings().stream().map(ProviderTables::setting).collect(Collectors.joining("; "));
      out.append("| ")
          .append(cell(p.title()))
          .append(" | ")
          .append(plugin)
          .append(" | ")
          .append(cell(p.summary()))
          .append(" | ")
          .append(cell(settings))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String setting(PluginSetting s) {
    String notes = s.sharedSecret()
        ? "secret, at least PLUGIN_SECRET_MIN_LENGTH characters"
        : s.secret() ? "secret" : "";
    if (s.defaultValue() != null) {
      notes = (notes.isEmpty() ? "" : notes + ", ") + "default `" + s.defaultValue() + "`";
    }
    return "`" + s.name() + "`" + (notes.isEmpty() ? "" : " (" + notes + ")") + ": "
        + s.description();
  }

  /** A table cell holds no line break and no bare pipe. */
  private static String cell(String text) {
    return text.replace("\n", " ").replace("|", "\\|");
  }
}
