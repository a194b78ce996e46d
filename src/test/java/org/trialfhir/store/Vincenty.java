package org.trialfhir.store;

/**
 * Vincenty's inverse formula on the WGS84 ellipsoid (T. Vincenty, Survey Review 1975), written here
 * as an independent check of the store's geodesic distances (GeographicLib, Karney 2013). Accurate
 * to well under a millimetre for points that are not nearly antipodal.
 */
final class Vincenty {
  private static final double A = 6378137.0;
  private static final double F = 1 / 298.257223563;
  private static final double B = A * (1 - F);

  private Vincenty() {}

  static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double l = Math.toRadians(lon2 - lon1);
    double u1 = Math.atan((1 - F) * Math.tan(Math.toRadians(lat1)));
    double u2 = Math.atan((1 - F) * Math.tan(Math.toRadians(lat2)));
    double sinU1 = Math.sin(u1);
    double cosU1 = Math.cos(u1);
    double sinU2 = Math.sin(u2);
    double cosU2 = Math.cos(u2);
    double lambda = l;
    double sinSigma;
    double cosSigma;
    double sigma;
    double cosSqAlpha;
    double cos2SigmaM;
    for (int i = 0; ; i++) {
      double sinLambda = Math.sin(lambda);
      double cosLambda = Math.cos(lambda);
      sinSigma =
          Math.sqrt(
              (cosU2 * sinLambda) * (cosU2 * sinLambda)
                  + (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda)
                      * (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda));
      if (sinSigma == 0) {
        return 0;
      }
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      double sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha == 0 ? 0 : cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha;
      double c = F / 16 * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
      double previous = lambda;
      lambda =
          l
              + (1 - c)
                  * F
                  * sinAlpha
                  * (sigma
                      + c
                          * sinSigma
                          * (cos2SigmaM + c * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
      if (Math.abs(lambda - previous) < 1e-12) {
        break;
      }
      if (i > 200) {
        throw new ArithmeticException("Vincenty did not converge (nearly antipodal points)");
      }
    }
    double uSq = cosSqAlpha * (A * A - B * B) / (B * B);
    double bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    double bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    double deltaSigma =
        bigB
            * sinSigma
            * (cos2SigmaM
                + bigB
                    / 4
                    * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)
                        - bigB
                            / 6
                            * cos2SigmaM
                            * (-3 + 4 * sinSigma * sinSigma)
                            * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    return B * bigA * (sigma - deltaSigma) / 1000.0;
  }

  /** The great-circle distance on a sphere of the mean Earth radius (within 0.6% of WGS84). */
  static double sphericalKm(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double h =
        Math.sin(dp / 2) * Math.sin(dp / 2)
            + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
}
