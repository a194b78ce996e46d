package org.trialfhir.store;

import net.sf.geographiclib.Geodesic;
import net.sf.geographiclib.GeodesicMask;

/** Geodesic distances on the WGS84 ellipsoid (Karney's algorithm, GeographicLib). */
public final class Geo {
  private Geo() {}

  /** The length of the shortest path between two WGS84 points, in km (accurate to nanometres). */
  public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, GeodesicMask.DISTANCE).s12 / 1000.0;
  }
}
