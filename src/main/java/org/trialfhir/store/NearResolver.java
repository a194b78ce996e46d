package org.trialfhir.store;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.LatLonPoint;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.trialfhir.search.SearchValues;

/**
 * Resolves one {@code near} criterion against the served Locations: a lat/lon prefilter on the
 * Locations' points (Lucene's haversine, with a radius widened to cover its difference from the
 * ellipsoid), then the exact geodesic distance of each candidate from its stored position. The
 * result, the ids of the Locations within the distance of one of the points and their smallest such
 * distance, is what a study's sites are matched against.
 */
final class NearResolver {
  /** Haversine on the mean sphere differs from WGS84 geodesics by less than 0.6%. */
  private static final double SLACK = 1.01;

  private NearResolver() {}

  static Map<String, Double> within(IndexSearcher searcher, List<SearchValues.Near> points)
      throws IOException {
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (SearchValues.Near point : points) {
      double meters = point.distanceKm() * 1000 * SLACK + 100;
      if (meters >= 20_000_000) {
        // Half the Earth's circumference: every Location with a position is a candidate.
        any.add(new TermQuery(new Term(IndexFields.HAS, "near")), Occur.SHOULD);
      } else {
        any.add(
            LatLonPoint.newDistanceQuery(
                IndexFields.field("near", "geo"), point.latitude(), point.longitude(), meters),
            Occur.SHOULD);
      }
    }
    Query candidates =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(IndexFields.TYPE, "Location")), Occur.FILTER)
            .add(any.build(), Occur.FILTER)
            .build();
    Map<String, Double> within = new HashMap<>();
    searcher.search(
        candidates,
        new SimpleCollector() {
          private BinaryDocValues positions;
          private SortedDocValues ids;

          @Override
          protected void doSetNextReader(LeafReaderContext context) throws IOException {
            positions = context.reader().getBinaryDocValues(IndexFields.POSITION);
            ids = context.reader().getSortedDocValues(IndexFields.sortField("_id"));
          }

          @Override
          public void collect(int doc) throws IOException {
            if (positions == null || !positions.advanceExact(doc) || !ids.advanceExact(doc)) {
              return;
            }
            double[] position = Sites.decodePosition(positions.binaryValue());
            double best = Double.POSITIVE_INFINITY;
            for (SearchValues.Near point : points) {
              double km =
                  Geo.distanceWithinKm(
                      point.latitude(),
                      point.longitude(),
                      position[0],
                      position[1],
                      point.distanceKm());
              if (km <= point.distanceKm()) {
                best = Math.min(best, km);
              }
            }
            if (best != Double.POSITIVE_INFINITY) {
              within.put(ids.lookupOrd(ids.ordValue()).utf8ToString(), best);
            }
          }

          @Override
          public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
          }
        });
    return within;
  }
}
