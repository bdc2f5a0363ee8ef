package io.payg.gateway.reconciliation;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Turns a statement's bytes, fed as they arrive, into parsed rows — one line at a time, so a
 * statement of any length is read in the memory of its longest line. Lines before the layout's
 * header are the export's title block; blank lines are ignored; a quoted cell may span lines.
 * Every data line yields exactly one row (a payment, a skipped line or a malformed one), reported
 * with the number of its first physical line.
 */
final class StatementReader {

  static final int MAX_LINE_BYTES = 16 * 1024;
  static final int MAX_TITLE_LINES = 50;
  static final int MAX_RECORD_LINES = 20;
  static final int MAX_RAW_CHARS = 1000;

  private final StatementLayout layout;
  private final long maxRows;
  private final BiConsumer<StatementRow, String> sink;
  private final CsvRecords records =
      new CsvRecords(MAX_LINE_BYTES, MAX_RECORD_LINES, new CsvRecords.Sink() {
        @Override
        public void record(long line, String text) {
          complete(line, text);
        }

        @Override
        public void tooLong(long line) {
          dataRow(
              new StatementRow.Malformed(
                  line, null, "the line is longer than " + MAX_LINE_BYTES + " bytes"),
              "");
        }

        @Override
        public void unclosed(long line, String raw, boolean atEnd) {
          dataRow(
              new StatementRow.Malformed(
                  line,
                  null,
                  atEnd
                      ? "a quoted cell is not closed before the end of the file"
                      : "a quoted cell is not closed within " + MAX_RECORD_LINES + " lines"),
              raw);
        }
      });
  private int titleLines;
  private long dataRows;

  StatementReader(StatementLayout layout, long maxRows, BiConsumer<StatementRow, String> sink) {
    this.layout = layout;
    this.maxRows = maxRows;
    this.sink = sink;
  }

  long dataRows() {
    return dataRows;
  }

  long lines() {
    return records.lines();
  }

  void feed(byte[] bytes) {
    records.feed(bytes);
  }

  /** The end of the upload: the last line (without a line break) and the checks that need all of it. */
  void end() {
    records.end();
    if (!layout.bound()) {
      throw new StatementRefused(
          422,
          "STATEMENT_HEADER_MISSING",
          "No header line found: expected " + layout.expectedHeader() + " within the first "
              + MAX_TITLE_LINES + " lines");
    }
  }

  private void complete(long recordStart, String text) {
    if (text.isBlank() || text.chars().allMatch(c -> c == ',' || Character.isWhitespace(c))) {
      return;
    }
    List<String> cells;
    try {
      cells = CsvCells.split(text);
    } catch (IllegalArgumentException e) {
      if (layout.bound()) {
        dataRow(new StatementRow.Malformed(recordStart, null, e.getMessage()), text);
      } else {
        title();
      }
      return;
    }
    if (!layout.bound()) {
      if (!layout.header(cells)) {
        title();
      }
      return;
    }
    dataRow(layout.row(recordStart, cells), text);
  }

  private void title() {
    if (++titleLines > MAX_TITLE_LINES) {
      throw new StatementRefused(
          422,
          "STATEMENT_HEADER_MISSING",
          "No header line found: expected " + layout.expectedHeader() + " within the first "
              + MAX_TITLE_LINES + " lines");
    }
  }

  private void dataRow(StatementRow row, String raw) {
    if (!layout.bound()) {
      title();
      return;
    }
    row(row, raw);
  }

  private void row(StatementRow row, String raw) {
    if (++dataRows > maxRows) {
      throw new StatementRefused(
          413, "STATEMENT_TOO_LARGE", "A statement has at most " + maxRows + " rows");
    }
    sink.accept(row, raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) : raw);
  }
}
