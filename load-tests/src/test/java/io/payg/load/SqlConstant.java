package io.payg.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the value of a {@code static final String} SQL constant of the gateway's source, e.g.
 * {@code java load-tests/src/test/java/io/payg/load/SqlConstant.java
 * gateway/src/main/java/io/payg/gateway/payment/PaymentStore.java LOOKUP}.
 *
 * <p>Resolves concatenations of string literals and of other constants, {@code NAME} in the same
 * file or {@code Class.NAME} in {@code Class.java} of the same folder. bench.sh uses it to check
 * that the query it gives pgbench is the gateway's current validation lookup. JDK only.
 */
public final class SqlConstant {

  private final Map<String, String> cache = new HashMap<>();

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SqlConstant <File.java> <CONSTANT>");
    }
    System.out.println(new SqlConstant().value(Path.of(args[0]), args[1]));
  }

  /** Class.java in the same folder, else where the file's import of Class says (same source root). */
  private static Path classFile(Path file, String src, String simpleName) {
    Path sibling = file.resolveSibling(simpleName + ".java");
    Matcher m = Pattern.compile("import\\s+([\\w.]+)\\." + simpleName + "\\s*;").matcher(src);
    if (Files.exists(sibling) || !m.find()) {
      return sibling;
    }
    Matcher own = Pattern.compile("package\\s+([\\w.]+)\\s*;").matcher(src);
    Path root = file.getParent();
    if (own.find()) {
      for (int k = own.group(1).split("\\.").length; k > 0; k--) {
        root = root.getParent();
      }
    }
    return root.resolve(m.group(1).replace('.', '/')).resolve(simpleName + ".java");
  }

  String value(Path file, String name) throws IOException {
    String key = file.toAbsolutePath() + "#" + name;
    String cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    String src = Files.readString(file, StandardCharsets.UTF_8);
    String marker = "static final String " + name + " =";
    int at = src.indexOf(marker);
    if (at < 0) {
      throw new IllegalStateException("no constant " + name + " in " + file);
    }
    StringBuilder out = new StringBuilder();
    int i = at + marker.length();
    while (true) {
      char c = src.charAt(i);
      if (c == ';') {
        break;
      } else if (Character.isWhitespace(c) || c == '+') {
        i++;
      } else if (c == '/' && src.charAt(i + 1) == '/') { // a line comment between the parts
        i = src.indexOf('\n', i);
      } else if (c == '"') {
        int j = i + 1;
        while (src.charAt(j) != '"') {
          if (src.charAt(j) == '\\') {
            char e = src.charAt(++j);
            out.append(
                switch (e) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  default -> e;
                });
          } else {
            out.append(src.charAt(j));
          }
          j++;
        }
        i = j + 1;
      } else if (Character.isJavaIdentifierStart(c)) {
        int j = i;
        while (Character.isJavaIdentifierPart(src.charAt(j)) || src.charAt(j) == '.') {
          j++;
        }
        String ref = src.substring(i, j);
        int dot = ref.lastIndexOf('.');
        Path target = dot < 0 ? file : classFile(file, src, ref.substring(0, dot));
        out.append(value(target, ref.substring(dot + 1)));
        i = j;
      } else {
        throw new IllegalStateException("cannot evaluate " + name + " in " + file + " at: "
            + src.substring(i, Math.min(src.length(), i + 40)));
      }
    }
    cache.put(key, out.toString());
    return out.toString();
  }
}
