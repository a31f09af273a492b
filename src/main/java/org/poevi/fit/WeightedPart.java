package org.poevi.fit;

import java.io.Serializable;
import org.poevi.evaluator.Ranges;
import org.poevi.math.DyadicSum;

/**
 * A run's share of a weighted batch (under q, or importance-weighted under p): the partial sums
 * of its blocks and its points' log weights. A local run of an importance batch instead keeps
 * its points for the driver ({@link #holdsPoints}), which folds them once the weights are final.
 */
final class WeightedPart implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int numExperts;
  private final DyadicSum<ScoreSums> sums;
  private final Ranges logWeights = new Ranges();
  /** The drawn points and their scores, on the JVM that drew them only (never serialized). */
  private transient double[] z;
  private transient double[] scores;

  WeightedPart(int numBlocks, int numExperts) {
    this.numExperts = numExperts;
    this.sums = numBlocks == 0 ? null : ScoreSums.overBlocks(numBlocks);
  }

  DyadicSum<ScoreSums> sums() {
    return sums;
  }

  /** Records the log weights of points [from, from + length). */
  void putLogWeights(int from, double[] values) {
    logWeights.put(from, values);
  }

  /** Keeps the batch's points (all of them, from point 0) for the driver. */
  void keep(double[] points, double[] pointScores) {
    this.z = points;
    this.scores = pointScores;
  }

  boolean holdsPoints() {
    return z != null;
  }

  double[] z() {
    return z;
  }

  double[] scores() {
    return scores;
  }

  /** Adds another run's part; a part that keeps its points is a whole batch and never merges. */
  WeightedPart merge(WeightedPart other) {
    if (holdsPoints() || other.holdsPoints()) {
      throw new IllegalStateException("a part that keeps its batch's points is the whole batch");
    }
    if (sums != null) {
      sums.merge(other.sums);
    }
    logWeights.merge(other.logWeights);
    return this;
  }

  /** The n log weights, from every run's ranges. */
  double[] logWeights(int n) {
    double[] out = new double[n];
    logWeights.copyInto(0, out, 1);
    return out;
  }

  /** The sums over all blocks (empty for a batch of no points). */
  ScoreSums total() {
    return sums == null ? ScoreSums.empty(numExperts) : sums.total();
  }
}
