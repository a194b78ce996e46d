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

  static List<Site> decode(BytesRef bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length);
    int n = buffer.getInt();
    List<Site> sites = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] id = new byte[buffer.getShort()];
      buffer.get(id);
      short length = buffer.getShort();
      String status = null;
      if (length >= 0) {
        byte[] raw = new byte[length];
        buffer.get(raw);
        status = new String(raw, StandardCharsets.UTF_8);
      }
      sites.add(new Site(new String(id, StandardCharsets.UTF_8), status));
    }
    return sites;
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
