package io.payg.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated part of the repository's README, between {@code <!-- generated:NAME -->} and
 * {@code <!-- end generated:NAME -->}. Run a test of it with {@code -Dreadme.write=true} to
 * write what the code now generates into the README instead of comparing.
 */
public final class ReadmeSection {

  public static final Path README = Path.of("..").toAbsolutePath().normalize().resolve("README.md");

  private ReadmeSection() {}

  /** The README's text of section {@code name} (without the markers). */
  public static String read(String name) throws IOException {
    String text = Files.readString(README);
    int[] at = bounds(text, name);
    return text.substring(at[0], at[1]);
  }

  /** Writes {@code generated} into section {@code name} when asked to (-Dreadme.write=true). */
  public static void writeIfAsked(String name, String generated) throws IOException {
    if (!Boolean.getBoolean("readme.write")) {
      return;
    }
    String text = Files.readString(README);
    int[] at = bounds(text, name);
    Files.writeString(README, text.substring(0, at[0]) + generated + text.substring(at[1]));
  }

  private static int[] bounds(String text, String name) {
    String begin = "<!-- generated:" + name + " -->\n";
    String end = "<!-- end generated:" + name + " -->";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalStateException(
          "README has no section " + name + " (" + begin.trim() + " … " + end + ")");
    }
    return new int[] {from + begin.length(), to};
  }
}
