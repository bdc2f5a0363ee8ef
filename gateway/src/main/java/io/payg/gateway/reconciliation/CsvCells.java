package io.payg.gateway.reconciliation;

import java.util.ArrayList;
import java.util.List;

/**
 * The cells of one CSV record (RFC 4180: comma separated; a cell in double quotes may hold commas,
 * line breaks and doubled quotes). A record that opens a quote and does not close it on its line
 * continues on the next one: {@link #open} tells the reader to join them.
 */
public final class CsvCells {

  private CsvCells() {}

  /** True when {@code text} ends inside a quoted cell (an odd number of quotes). */
  public static boolean open(CharSequence text) {
    int quotes = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '"') {
        quotes++;
      }
    }
    return quotes % 2 == 1;
  }

  /** The cells of a whole record; throws IllegalArgumentException on a stray quote. */
  public static List<String> split(String record) {
    List<String> cells = new ArrayList<>(16);
    StringBuilder cell = new StringBuilder(32);
    int i = 0;
    int n = record.length();
    while (true) {
      if (i < n && record.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("a quoted cell is not closed");
          }
          char c = record.charAt(i++);
          if (c == '"') {
            if (i < n && record.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else {
              break;
            }
          } else {
            cell.append(c);
          }
        }
        if (i < n && record.charAt(i) != ',') {
          throw new IllegalArgumentException(
              "text after a closing quote in cell " + (cells.size() + 1));
        }
      } else {
        while (i < n && record.charAt(i) != ',') {
          char c = record.charAt(i++);
          if (c == '"') {
            throw new IllegalArgumentException(
                "a quote inside an unquoted cell " + (cells.size() + 1));
          }
          cell.append(c);
        }
      }
      cells.add(cell.toString());
      cell.setLength(0);
      if (i >= n) {
        return cells;
      }
      i++; // the comma
    }
  }
}
