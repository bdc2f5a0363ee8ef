package io.payg.gateway.reconciliation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
  private byte[] pending = new byte[256];
  private int pendingLength;
  private boolean overlong;
  private long physicalLine;
  private StringBuilder record;
  private long recordStart;
  private int recordLines;
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
    return physicalLine;
  }

  void feed(byte[] bytes) {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        append(bytes, start, i - start);
        endOfLine();
        start = i + 1;
      }
    }
    append(bytes, start, bytes.length - start);
  }

  /** The end of the upload: the last line (without a line break) and the checks that need all of it. */
  void end() {
    if (pendingLength > 0 || overlong) {
      endOfLine();
    }
    if (record != null) {
      String raw = record.toString();
      record = null;
      dataRow(new StatementRow.Malformed(recordStart, null, "a quoted cell is not closed before the end of the file"), raw);
    }
    if (!layout.bound()) {
      throw new StatementRefused(422, "STATEMENT_HEADER_MISSING", "No header line found: expected "
          + layout.expectedHeader() + " within the first " + MAX_TITLE_LINES + " lines");
    }
  }

  private void append(byte[] bytes, int from, int length) {
    if (overlong || length == 0) {
      return;
    }
    if (pendingLength + length > MAX_LINE_BYTES) {
      overlong = true;
      return;
    }
    if (pendingLength + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
    }
    System.arraycopy(bytes, from, pending, pendingLength, length);
    pendingLength += length;
  }

  private void endOfLine() {
    physicalLine++;
    int length = pendingLength;
    if (length > 0 && pending[length - 1] == '\r') {
      length--;
    }
    String line = new String(pending, 0, length, StandardCharsets.UTF_8);
    boolean tooLong = overlong;
    pendingLength = 0;
    overlong = false;
    if (pending.length > 4096) {
      pending = new byte[256]; // one long line does not keep its buffer
    }
    if (physicalLine == 1 && line.startsWith("\uFEFF")) {
      line = line.substring(1); // the byte-order mark spreadsheets write
    }
    if (tooLong) {
      record = null;
      dataRow(new StatementRow.Malformed(physicalLine, null, "the line is longer than " + MAX_LINE_BYTES + " bytes"), "");
      return;
    }
    if (record != null) {
      record.append('\n').append(line);
      recordLines++;
      if (record.length() > MAX_LINE_BYTES || recordLines > MAX_RECORD_LINES) {
        String raw = record.toString();
        record = null;
        dataRow(new StatementRow.Malformed(recordStart, null, "a quoted cell is not closed within "
            + MAX_RECORD_LINES + " lines"), raw);
        return;
      }
    } else {
      record = new StringBuilder(line);
      recordStart = physicalLine;
      recordLines = 1;
    }
    if (CsvCells.open(record)) {
      return; // a quoted cell goes on on the next line
    }
    String text = record.toString();
    record = null;
    complete(text);
  }

  private void complete(String text) {
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
      throw new StatementRefused(422, "STATEMENT_HEADER_MISSING", "No header line found: expected "
          + layout.expectedHeader() + " within the first " + MAX_TITLE_LINES + " lines");
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
      throw new StatementRefused(413, "STATEMENT_TOO_LARGE", "A statement has at most " + maxRows + " rows");
    }
    sink.accept(row, raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) : raw);
  }
}
