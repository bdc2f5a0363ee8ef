package io.payg.domain.peer;

import java.util.regex.Pattern;

/**
 * A peer's text made safe to quote in a failure reason or a log line: one line, no control
 * characters (a peer cannot forge log lines), at most {@value #MAX} characters.
 */
public final class PeerText {

  static final int MAX = 200;
  private static final Pattern CONTROL =
      Pattern.compile("\\p{Cntrl}|[\\u0080-\\u009f\\u2028\\u2029]");

  private PeerText() {}

  /** The start of a peer's answer; "(empty)" when there is none. */
  public static String snippet(String body) {
    return body == null || body.isEmpty() ? "(empty)" : clean(body);
  }

  /** One line without control characters, at most 200 characters (then "..."). */
  public static String clean(String text) {
    String line = CONTROL.matcher(text).replaceAll(" ").trim();
    return line.length() > MAX ? line.substring(0, MAX) + "..." : line;
  }

  /** Whether the text holds a control character (a header value must not). */
  public static boolean hasControl(String text) {
    return CONTROL.matcher(text).find();
  }
}
