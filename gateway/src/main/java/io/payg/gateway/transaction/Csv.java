package io.payg.gateway.transaction;

import java.util.List;

/**
 * One CSV record (RFC 4180: comma separated, CRLF, a cell with a comma, quote or line break in
 * double quotes with its quotes doubled). A text cell starting with = + - @ (or tab / CR) is
 * prefixed with ' so a spreadsheet shows it as text instead of running it as a formula (OWASP
 * "CSV injection"): provider ids, phone numbers and serials come from outside.
 */
public final class Csv {

  private Csv() {}

  public static String record(List<?> cells) {
    StringBuilder line = new StringBuilder(128);
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      Object v = cells.get(i);
      if (v instanceof Number n) {
        line.append(n); // our own integers: nothing to neutralise
      } else if (v != null) {
        line.append(cell(v.toString()));
      }
    }
    return line.append("\r\n").toString();
  }

  static String cell(String s) {
    if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    if (s.indexOf(',') >= 0
        || s.indexOf('"') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
