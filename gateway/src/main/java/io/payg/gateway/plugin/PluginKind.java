package io.payg.gateway.plugin;

public enum PluginKind {
  TELCO, MANUFACTURER, SMS
}
