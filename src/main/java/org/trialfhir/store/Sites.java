package org.trialfhir.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.BytesRef;

/**
 * The sites of one indexed resource, packed into a doc value so that site-level criteria ({@code
 * near} and {@code site-status} on the same site) can be evaluated without loading the resource:
 * per site the id of its Location and its recruitment status code (null when none). A Location's
 * own document holds one site: itself. Positions are not copied here: {@code near} is resolved
 * against the Locations the index serves, so a study is searched at the position of the Location a
 * client would read.
 */
final class Sites {
  /** One site of a study (or a Location itself). */
  record Site(String locationId, String status) {}

  private Sites() {}

  static BytesRef encode(List<Site> sites) {
    List<byte[]> ids = new ArrayList<>(sites.size());
    List<byte[]> statuses = new ArrayList<>(sites.size());
    int size = 4;
    for (Site site : sites) {
      byte[] id = site.locationId().getBytes(StandardCharsets.UTF_8);
      byte[] status =
          site.status() == null ? new byte[0] : site.status().getBytes(StandardCharsets.UTF_8);
      ids.add(id);
      statuses.add(status);
      size += 4 + id.length + status.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putInt(sites.size());
    for (int i = 0; i < sites.size(); i++) {
      buffer.putShort((short) ids.get(i).length).put(ids.get(i));
      buffer.putShort((short) (sites.get(i).status() == null ? -1 : statuses.get(i).length));
      buffer.put(statuses.get(i));
    }
    return new BytesRef(buffer.array());
  }

  /**
   * Reads packed sites in place, one after the other: after {@link #next()}, where the current
   * site's Location id and status lie in {@link #bytes} (a status length of -1: no status).
   */
  static final class Cursor {
    final byte[] bytes;
    private int position;
    private int left;
    int idOffset;
    int idLength;
    int statusOffset;
    int statusLength;

    Cursor(BytesRef packed) {
      bytes = packed.bytes;
      left = readInt(bytes, packed.offset);
      position = packed.offset + 4;
    }

    /** Moves to the next site; false when there is none. */
    boolean next() {
      if (left == 0) {
        return false;
      }
      left--;
      idLength = readShort(bytes, position);
      idOffset = position + 2;
      position = idOffset + idLength;
      statusLength = readShort(bytes, position);
      statusOffset = position + 2;
      position = statusOffset + Math.max(0, statusLength);
      return true;
    }
  }

  /** A big-endian int of the packed form (as {@link ByteBuffer} writes it). */
  private static int readInt(byte[] b, int p) {
    return (b[p] & 0xff) << 24
        | (b[p + 1] & 0xff) << 16
        | (b[p + 2] & 0xff) << 8
        | (b[p + 3] & 0xff);
  }

  /** A big-endian signed short of the packed form. */
  private static int readShort(byte[] b, int p) {
    return (short) ((b[p] & 0xff) << 8 | (b[p + 1] & 0xff));
  }

  /** A Location's position as a doc value: latitude and longitude, exactly. */
  static BytesRef encodePosition(double latitude, double longitude) {
    return new BytesRef(ByteBuffer.allocate(16).putDouble(latitude).putDouble(longitude).array());
  }

  static double[] decodePosition(BytesRef bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length);
    return new double[] {buffer.getDouble(), buffer.getDouble()};
  }
}
