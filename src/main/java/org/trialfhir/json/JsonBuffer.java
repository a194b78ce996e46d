package org.trialfhir.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

  /** Eight bytes of a byte array as one little-endian long. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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

  /** The innermost open container: entries written so far, and whether it is an array. */
  private int count;

  private boolean inArray;

  /** The same for the containers around it. */
  private int[] counts = new int[64];

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
    count = 0;
    inArray = false;
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
    return ((long) pos << 32) | count;
  }

  /** Entries written so far in the innermost open container. */
  int entries() {
    return count;
  }

  /** Closes the innermost object and takes back everything written since the mark. */
  void dropObject(long mark) {
    pop();
    objects--;
    restore(mark);
  }

  /** Closes the innermost array and takes back everything written since the mark. */
  void dropArray(long mark) {
    pop();
    restore(mark);
  }

  private void restore(long mark) {
    pos = (int) (mark >>> 32);
    count = (int) mark;
  }

  /** Starts an object member: the separator, the quoted name and the colon. */
  void name(byte[] quotedName) {
    int length = quotedName.length;
    ensure(length + 2 * objects + 4);
    byte[] b = bytes;
    int p = pos;
    if (count++ > 0) {
      b[p++] = ',';
    }
    if (pretty) {
      p = indent(b, p);
    }
    // Names are short: a plain loop beats System.arraycopy's call.
    for (int i = 0; i < length; i++) {
      b[p + i] = quotedName[i];
    }
    p += length;
    b[p++] = ':';
    if (pretty) {
      b[p++] = ' ';
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
    int written = count;
    pop();
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
    pop();
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

  /** An integer, written without creating its text. */
  void intValue(int value) {
    beforeValue();
    ensure(11);
    byte[] b = bytes;
    int p = pos;
    long v = value;
    if (v < 0) {
      b[p++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long rest = v / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = p + digits - 1; i >= p; i--) {
      b[i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    }
    pos = p + digits;
  }

  /**
   * A JSON string, escaped as Jackson escapes it. ASCII text (nearly all of it) is taken from the
   * JDK's UTF-8 encoder, which copies a Latin-1 string's bytes in one go, and checked for
   * characters to escape eight bytes at a time; other text is encoded character by character. A
   * lone surrogate makes the string {@link Unsupported} (HAPI's String would keep it as is).
   */
  void stringValue(String value) {
    beforeValue();
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == value.length()) {
      asciiString(value, utf8);
    } else {
      charString(value);
    }
  }

  /**
   * Text whose UTF-8 form is as long as itself: ASCII, except that the encoder turned any lone
   * surrogate into '?', so each '?' is checked against the string.
   */
  private void asciiString(String value, byte[] text) {
    int length = text.length;
    int clean = cleanPrefix(text);
    ensure(clean == length ? length + 2 : 6 * length + 2);
    byte[] b = bytes;
    int p = pos;
    b[p++] = '"';
    System.arraycopy(text, 0, b, p, clean);
    p += clean;
    for (int i = clean; i < length; i++) {
      byte c = text[i];
      if (c == '?' && value.charAt(i) != '?') {
        throw Unsupported.INSTANCE;
      }
      p = asciiChar(b, p, c);
    }
    b[p++] = '"';
    pos = p;
  }

  /** How many leading bytes of ASCII text need no escape and are no '?'. */
  private static int cleanPrefix(byte[] text) {
    int length = text.length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if (needsEscape((long) LONGS.get(text, i))) {
        break;
      }
    }
    while (i < length && ESCAPES[text[i]] == 0 && text[i] != '?') {
      i++;
    }
    return i;
  }

  /**
   * Whether eight ASCII bytes hold a control character, a quote, a backslash or a '?' (the classic
   * "has a byte less than n" and "has a zero byte" word tests, exact for bytes below 0x80).
   */
  private static boolean needsEscape(long word) {
    long control = (word - 0x2020202020202020L) & ~word;
    long quote = word ^ 0x2222222222222222L;
    long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
    long question = word ^ 0x3F3F3F3F3F3F3F3FL;
    long quotes = (quote - 0x0101010101010101L) & ~quote;
    long backslashes = (backslash - 0x0101010101010101L) & ~backslash;
    long questions = (question - 0x0101010101010101L) & ~question;
    return ((control | quotes | backslashes | questions) & 0x8080808080808080L) != 0;
  }

  private static int asciiChar(byte[] b, int p, int c) {
    int escape = ESCAPES[c];
    if (escape == 0) {
      b[p++] = (byte) c;
    } else {
      b[p++] = '\\';
      if (escape > 0) {
        b[p++] = (byte) escape;
      } else {
        b[p++] = 'u';
        b[p++] = '0';
        b[p++] = '0';
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 0xF];
      }
    }
    return p;
  }

  private void charString(String value) {
    int length = value.length();
    ensure(6 * length + 2);
    byte[] b = bytes;
    int p = pos;
    b[p++] = '"';
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        p = asciiChar(b, p, c);
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
    if (inArray) {
      ensure(2);
      if (count++ > 0) {
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
    if (depth == counts.length) {
      counts = Arrays.copyOf(counts, depth * 2);
      arrays = Arrays.copyOf(arrays, depth * 2);
    }
    counts[depth] = count;
    arrays[depth] = inArray;
    depth++;
    count = 0;
    inArray = array;
  }

  private void pop() {
    depth--;
    count = counts[depth];
    inArray = arrays[depth];
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
