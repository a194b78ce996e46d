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

  /** Mean Earth radius (IUGG), km. */
  private static final double MEAN_RADIUS_KM = 6371.0088;

  /**
   * The great-circle distance on a sphere of the mean radius, in km: cheap, and within 0.6% of the
   * geodesic distance, so it can rule out points that are clearly too far.
   */
  public static double sphericalKm(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double sinDp = Math.sin((p2 - p1) / 2);
    double sinDl = Math.sin(Math.toRadians(lon2 - lon1) / 2);
    double h = sinDp * sinDp + Math.cos(p1) * Math.cos(p2) * sinDl * sinDl;
    return 2 * MEAN_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /**
   * The geodesic distance in km when it may be within {@code limitKm}, else +∞ (decided with the
   * spherical distance, which errs by less than 0.6%, so no point within the limit is missed).
   */
  public static double distanceWithinKm(
      double lat1, double lon1, double lat2, double lon2, double limitKm) {
    if (sphericalKm(lat1, lon1, lat2, lon2) > limitKm * 1.01 + 0.01) {
      return Double.POSITIVE_INFINITY;
    }
    return distanceKm(lat1, lon1, lat2, lon2);
  }
}
