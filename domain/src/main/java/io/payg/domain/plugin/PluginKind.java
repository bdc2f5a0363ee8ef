package io.payg.domain.plugin;

/** What a plugin does for a company: takes payments, issues tokens, or sends SMS. */
public enum PluginKind {
  TELCO,
  MANUFACTURER,
  SMS
}
