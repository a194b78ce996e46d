package org.trialfhir.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 JSON buffer that lays out exactly what HAPI's Jackson generator writes: compact
 * ({@code {"a":[1,2]}}) or HAPI's pretty style (two-space object indentation, {@code "a": [ 1, 2
 * ]}), strings escaped as Jackson escapes them. A member that turns out to be empty can be taken
 * back with {@link #mark()} and {@link #dropObject(long)} / {@link #dropArray(long)}.
 *
 * <p>Not thread-safe: one buffer per thread, reused between documents.
 */
final class JsonBuffer {
  /** Jackson's escapes for ASCII: 0 = as is, -1 = {@code \}{@code u00XX}, else the short escape. */
  private static final int[] ESCAPES = new int[128];

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  /** Buffers that grew beyond this are not kept for the next document. */
  private static final int RETAINED_CAPACITY = 1 << 20;

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
  }

  private byte[] bytes = new byte[16 * 1024];
  private int pos;
  private boolean pretty;

  /** Open containers: entries written so far, and whether each is an array. */
  private int[] entries = new int[64];

  private boolean[] arrays = new boolean[64];
  private int depth;

  /** Open objects (pretty printing indents by objects only, as HAPI's printer does). */
  private int objects;

  /** Starts a new document. */
  void reset(boolean prettyPrint) {
    if (bytes.length > RETAINED_CAPACITY) {
      bytes = new byte[16 * 1024];
    }
    pos = 0;
    depth = 0;
    objects = 0;
    entries[0] = 0;
    arrays[0] = false;
    pretty = prettyPrint;
  }

  int size() {
    return pos;
  }

  byte[] array() {
    return bytes;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, pos);
  }

  @Override
  public String toString() {
    return new String(bytes, 0, pos, StandardCharsets.UTF_8);
  }

  /** A point to come back to: the position and the entry count of the open container. */
  long mark() {
    return ((long) pos << 32) | entries[depth];
  }

  /** Entries written so far in the innermost open container. */
  int entries() {
    return entries[depth];
  }

  /** Closes the innermost object and takes back everything written since the mark. */
  void dropObject(long mark) {
    depth--;
    objects--;
    restore(mark);
  }

  /** Closes the innermost array and takes back everything written since the mark. */
  void dropArray(long mark) {
    depth--;
    restore(mark);
  }

  private void restore(long mark) {
    pos = (int) (mark >>> 32);
    entries[depth] = (int) mark;
  }

  /** Starts an object member: the separator, the quoted name and the colon. */
  void name(byte[] quotedName) {
    ensure(quotedName.length + 2 * objects + 4);
    byte[] b = bytes;
    int p = pos;
    if (entries[depth]++ > 0) {
      b[p++] = ',';
    }
    if (pretty) {
      p = indent(b, p);
      System.arraycopy(quotedName, 0, b, p, quotedName.length);
      p += quotedName.length;
      b[p++] = ':';
      b[p++] = ' ';
    } else {
      System.arraycopy(quotedName, 0, b, p, quotedName.length);
      p += quotedName.length;
      b[p++] = ':';
    }
    pos = p;
  }

  void beginObject() {
    beforeValue();
    ensure(1);
    bytes[pos++] = '{';
    push(false);
    objects++;
  }

  void endObject() {
    int written = entries[depth];
    depth--;
    objects--;
    if (pretty) {
      ensure(2 * objects + 3);
      if (written > 0) {
        pos = indent(bytes, pos);
      } else {
        bytes[pos++] = ' ';
      }
    } else {
      ensure(1);
    }
    bytes[pos++] = '}';
  }

  void beginArray() {
    beforeValue();
    ensure(1);
    bytes[pos++] = '[';
    push(true);
  }

  void endArray() {
    depth--;
    ensure(2);
    if (pretty) {
      bytes[pos++] = ' ';
    }
    bytes[pos++] = ']';
  }

  void nullValue() {
    beforeValue();
    raw(NULL);
  }

  void booleanValue(boolean value) {
    beforeValue();
    raw(value ? TRUE : FALSE);
  }

  /** A number, written as its text (HAPI writes decimals exactly as the model holds them). */
  void numberValue(String text) {
    beforeValue();
    int length = text.length();
    ensure(3 * length);
    byte[] b = bytes;
    int p = pos;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else {
        pos = p;
        raw(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        p = pos;
      }
    }
    pos = p;
  }

  /** A JSON string; a lone surrogate makes it {@link Unsupported} (HAPI's String would keep it). */
  void stringValue(String value) {
    beforeValue();
    int length = value.length();
    ensure(6 * length + 2);
    byte[] b = bytes;
    int p = pos;
    b[p++] = '"';
    int[] escapes = ESCAPES;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        int escape = escapes[c];
        if (escape == 0) {
          b[p++] = (byte) c;
        } else if (escape > 0) {
          b[p++] = '\\';
          b[p++] = (byte) escape;
        } else {
          b[p++] = '\\';
          b[p++] = 'u';
          b[p++] = '0';
          b[p++] = '0';
          b[p++] = HEX[c >> 4];
          b[p++] = HEX[c & 0xF];
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= length
            || !Character.isLowSurrogate(value.charAt(i + 1))) {
          throw Unsupported.INSTANCE;
        }
        int cp = Character.toCodePoint(c, value.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[p++] = '"';
    pos = p;
  }

  /** The separator before a value in an array (nothing after a name or at the root). */
  private void beforeValue() {
    int d = depth;
    if (arrays[d]) {
      ensure(2);
      if (entries[d]++ > 0) {
        bytes[pos++] = ',';
      }
      if (pretty) {
        bytes[pos++] = ' ';
      }
    }
  }

  private int indent(byte[] b, int p) {
    b[p++] = '\n';
    for (int i = 2 * objects; i > 0; i--) {
      b[p++] = ' ';
    }
    return p;
  }

  private void push(boolean array) {
    if (++depth == entries.length) {
      entries = Arrays.copyOf(entries, depth * 2);
      arrays = Arrays.copyOf(arrays, depth * 2);
    }
    entries[depth] = 0;
    arrays[depth] = array;
  }

  private void raw(byte[] text) {
    ensure(text.length);
    System.arraycopy(text, 0, bytes, pos, text.length);
    pos += text.length;
  }

  private void ensure(int more) {
    if (pos + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, pos + more));
    }
  }
}
