package org.trialfhir.store;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

/**
 * Matches documents one of whose sites satisfies a {@link SitePredicate}, reading the packed sites
 * doc value. It only confirms (two-phase): put it beside cheap index queries that narrow the
 * candidates (the Locations within the distance, the site-status terms), and Lucene checks it last.
 * {@link QueryBuilder} leaves it out where index terms alone are exact.
 */
final class SiteQuery extends Query {
  private final SitePredicate predicate;

  SiteQuery(SitePredicate predicate) {
    this.predicate = predicate;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
    return new ConstantScoreWeight(this, boost) {
      @Override
      public Scorer scorer(LeafReaderContext context) throws IOException {
        BinaryDocValues values = context.reader().getBinaryDocValues(IndexFields.SITES);
        if (values == null) {
          return null;
        }
        TwoPhaseIterator confirm =
            new TwoPhaseIterator(values) {
              @Override
              public boolean matches() throws IOException {
                return predicate.matches(values.binaryValue());
              }

              @Override
              public float matchCost() {
                return 200;
              }
            };
        return new ConstantScoreScorer(this, score(), scoreMode, confirm);
      }

      @Override
      public boolean isCacheable(LeafReaderContext context) {
        return DocValues.isCacheable(context, IndexFields.SITES);
      }
    };
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public String toString(String field) {
    return "sites(" + predicate + ")";
  }

  @Override
  public boolean equals(Object other) {
    return sameClassAs(other) && predicate.equals(((SiteQuery) other).predicate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), predicate);
  }
}
