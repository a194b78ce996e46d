package org.trialfhir.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.BytesRef;

/**
 * The sites of one indexed resource, packed into a doc value so that site-level criteria ({@code
 * near} and {@code site-status} on the same site) and exact distances can be evaluated without
 * loading the resource: per site its WGS84 position (NaN when the registry gives none) and its
 * recruitment status code (null when none).
 */
final class Sites {
  /** One site of a study (or the position of a Location). */
  record Site(double latitude, double longitude, String status) {
    boolean hasPosition() {
      return !Double.isNaN(latitude) && !Double.isNaN(longitude);
    }
  }

  private Sites() {}

  static BytesRef encode(List<Site> sites) {
    List<byte[]> statuses = new ArrayList<>();
    int size = 4;
    for (Site site : sites) {
      byte[] status =
          site.status() == null ? new byte[0] : site.status().getBytes(StandardCharsets.UTF_8);
      statuses.add(status);
      size += 16 + 2 + status.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putInt(sites.size());
    for (int i = 0; i < sites.size(); i++) {
      Site site = sites.get(i);
      buffer.putDouble(site.latitude()).putDouble(site.longitude());
      byte[] status = statuses.get(i);
      buffer.putShort((short) (site.status() == null ? -1 : status.length));
      buffer.put(status);
    }
    return new BytesRef(buffer.array());
  }

  static List<Site> decode(BytesRef bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length);
    int n = buffer.getInt();
    List<Site> sites = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double latitude = buffer.getDouble();
      double longitude = buffer.getDouble();
      short length = buffer.getShort();
      String status = null;
      if (length >= 0) {
        byte[] raw = new byte[length];
        buffer.get(raw);
        status = new String(raw, StandardCharsets.UTF_8);
      }
      sites.add(new Site(latitude, longitude, status));
    }
    return sites;
  }
}
