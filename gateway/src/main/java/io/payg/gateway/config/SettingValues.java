package io.payg.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment as {@link Setting}s: a blank value is no value, the setting's default applies. */
public final class SettingValues {

  private final Map<String, String> env;

  public SettingValues(Map<String, String> env) {
    Map<String, String> present = new HashMap<>();
    env.forEach((k, v) -> {
      if (k != null && v != null) {
        present.put(k, v);
      }
    });
    this.env = Map.copyOf(present);
  }

  /** The same values with {@code setting} set to {@code value}. */
  public SettingValues with(Setting setting, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(setting.name(), value);
    return new SettingValues(copy);
  }

  public String string(Setting setting) {
    String v = env.get(setting.name());
    if (v == null || v.isBlank()) {
      String dflt = setting.defaultValue();
      return dflt == null ? "" : dflt;
    }
    return v;
  }

  public int integer(Setting setting) {
    String raw = string(setting);
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          setting.name() + " must be a whole number, got '" + raw + "'");
    }
  }

  public long whole(Setting setting) {
    String raw = string(setting);
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          setting.name() + " must be a whole number, got '" + raw + "'");
    }
  }

  /** The PEM text of a {@link Setting.Form#pem()} setting, or of the file named by NAME_FILE. Read once at start. */
  public String pem(Setting setting) {
    String key = setting.name();
    String text = string(setting);
    String file = env.getOrDefault(key + "_FILE", "");
    if (!text.isEmpty() && !file.isBlank()) {
      throw new IllegalStateException("set " + key + " or " + key + "_FILE, not both");
    }
    if (file.isBlank()) {
      // PEM in an environment variable often arrives with literal \n
      return text.replace("\\n", "\n").strip();
    }
    try {
      return Files.readString(Path.of(file.trim()), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IllegalStateException(key + "_FILE " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** Every setting with the value in effect, secrets masked: for the start-up log. */
  public Map<String, String> summary() {
    Map<String, String> s = new LinkedHashMap<>();
    for (Setting setting : Setting.values()) {
      s.put(setting.name(), shown(setting));
    }
    return s;
  }

  private String shown(Setting setting) {
    String value = string(setting);
    boolean fromFile =
        setting.form().pem() && !env.getOrDefault(setting.name() + "_FILE", "").isBlank();
    if (fromFile) {
      return "(from " + setting.name() + "_FILE)";
    }
    if (value.isEmpty()) {
      return "(unset)";
    }
    return switch (setting.form()) {
      case SECRET, SECRET_PEM -> "****** (" + value.length() + " chars)";
      case DATABASE_URL -> maskUrlPassword(value);
      case PEM -> "(PEM, " + value.length() + " chars)";
      case TEXT -> value;
    };
  }

  static String maskUrlPassword(String url) {
    if (url == null || url.isEmpty()) {
      return "(unset)";
    }
    // postgresql://user:secret@host -> postgresql://user:******@host
    // up to the authority's last '@' (a raw '@' in the password), and with an empty user name too
    return url.replaceAll("(://[^:/@]*:)[^/?#]*@", "$1******@")
        .replaceAll("(?i)(password=)[^&]*", "$1******");
  }
}
