package io.payg.gateway.reconciliation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts an uploaded CSV, fed as its bytes arrive, into records: lines end with LF or CRLF, a quoted
 * cell may go on over a few lines, a spreadsheet's byte-order mark is dropped. A file of any length
 * is read in the memory of its longest record. Shared by the statement reader and the bulk import.
 */
public final class CsvRecords {

  /** What the records are handed to, each with the number of its first physical line. */
  public interface Sink {
    void record(long line, String text);

    /** A physical line longer than the limit: not kept. */
    void tooLong(long line);

    /** A quoted cell still open after {@code maxRecordLines} lines, over the line limit, or at the end. */
    void unclosed(long line, String raw, boolean atEnd);
  }

  private final int maxLineBytes;
  private final int maxRecordLines;
  private final Sink sink;
  private byte[] pending = new byte[256];
  private int pendingLength;
  private boolean overlong;
  private long physicalLine;
  private StringBuilder record;
  private long recordStart;
  private int recordLines;

  public CsvRecords(int maxLineBytes, int maxRecordLines, Sink sink) {
    this.maxLineBytes = maxLineBytes;
    this.maxRecordLines = maxRecordLines;
    this.sink = sink;
  }

  /** Physical lines read so far. */
  public long lines() {
    return physicalLine;
  }

  public void feed(byte[] bytes) {
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

  /** The end of the upload: the last line (without a line break) and a quoted cell left open. */
  public void end() {
    if (pendingLength > 0 || overlong) {
      endOfLine();
    }
    if (record != null) {
      String raw = record.toString();
      record = null;
      sink.unclosed(recordStart, raw, true);
    }
  }

  private void append(byte[] bytes, int from, int length) {
    if (overlong || length == 0) {
      return;
    }
    if (pendingLength + length > maxLineBytes) {
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
      sink.tooLong(physicalLine);
      return;
    }
    if (record != null) {
      record.append('\n').append(line);
      recordLines++;
      if (record.length() > maxLineBytes || recordLines > maxRecordLines) {
        String raw = record.toString();
        record = null;
        sink.unclosed(recordStart, raw, false);
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
    sink.record(recordStart, text);
  }
}
