package org.trialfhir.ctgov;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines, each offered as a stream of its own that ends at the newline. A
 * line is never held in memory as a whole, so a huge line costs no more than a short one.
 */
final class LineSplitter {
  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int end;
  private int lineNumber;
  private boolean lineEnded = true;
  private final InputStream line = new LineStream();

  LineSplitter(InputStream in) {
    this.in = in;
  }

  /** Moves to the next line, skipping what was not read of the current one; false at the end. */
  boolean next() throws IOException {
    while (!lineEnded) {
      line.skip(Long.MAX_VALUE);
    }
    if (!fill()) {
      return false;
    }
    lineNumber++;
    lineEnded = false;
    return true;
  }

  /** The current line's number, from 1. */
  int lineNumber() {
    return lineNumber;
  }

  /** The current line's bytes without its newline; closing it does nothing. */
  InputStream line() {
    return line;
  }

  /** Makes sure the buffer holds unread bytes; false at the end of the input. */
  private boolean fill() throws IOException {
    if (position < end) {
      return true;
    }
    int read = in.read(buffer);
    position = 0;
    end = Math.max(read, 0);
    return read > 0;
  }

  private final class LineStream extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (lineEnded || !fill()) {
        lineEnded = true;
        return -1;
      }
      int limit = Math.min(end, position + length);
      int stop = position;
      while (stop < limit && buffer[stop] != '\n') {
        stop++;
      }
      int count = stop - position;
      System.arraycopy(buffer, position, target, offset, count);
      position = stop;
      if (stop < end && buffer[stop] == '\n') {
        position++;
        lineEnded = true;
        if (count == 0) {
          return -1;
        }
      }
      return count;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] discard = new byte[8192];
      long skipped = 0;
      while (skipped < n) {
        int read = read(discard, 0, (int) Math.min(discard.length, n - skipped));
        if (read < 0) {
          break;
        }
        skipped += read;
      }
      return skipped;
    }
  }
}
