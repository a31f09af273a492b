package org.poevi.fit;

import java.io.Serializable;
import org.poevi.evaluator.Ranges;
import org.poevi.math.DyadicSum;

/**
 * A run's share of a weighted batch (under q, or importance-weighted under p): the partial sums
 * of its blocks and its points' log weights. A local run of an importance batch instead keeps
 * its points for the driver ({@link #holdsPoints}), which folds them once the weights are final;
 * a run elsewhere brings them back when asked ({@link #putPoints}), to be recorded.
 */
final class WeightedPart implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int numExperts;
  private final DyadicSum<ScoreSums> sums;
  private final Ranges logWeights = new Ranges();
  /** The drawn points and their scores, on the JVM that drew them only (never serialized). */
  private transient double[] z;
  private transient double[] scores;
  /** Or each run's points and scores (arrays 0 and 1), brought back to the driver. */
  private final Ranges points = new Ranges();
  private boolean pointsInRanges;

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

  /** Brings this run's points [from, from + n) and their scores back to the driver. */
  void putPoints(int from, double[] points, double[] pointScores) {
    this.points.put(from, points, pointScores);
    pointsInRanges = true;
  }

  boolean holdsPoints() {
    return z != null;
  }

  /** Whether the runs brought their points back ({@link #putPoints}). */
  boolean broughtPoints() {
    return pointsInRanges;
  }

  double[] z() {
    return z;
  }

  double[] scores() {
    return scores;
  }

  /** The n points (n×D) and their scores that the runs brought back. */
  double[][] points(int n, int dim) {
    double[] all = new double[n * dim];
    double[] allScores = new double[n * dim];
    points.copyInto(0, all, dim);
    points.copyInto(1, allScores, dim);
    return new double[][] {all, allScores};
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
    points.merge(other.points);
    pointsInRanges |= other.pointsInRanges;
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
