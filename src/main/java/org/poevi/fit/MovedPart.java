package org.poevi.fit;

import java.io.Serializable;
import org.poevi.evaluator.Ranges;
import org.poevi.math.DyadicSum;

/**
 * A run's share of moving the population: its chains after the moves (positions, log p̃ and
 * scores as {@link Ranges} arrays 0–2), the partial sums of its blocks when the task folds, the
 * accepted proposals per step and the chains that moved.
 */
final class MovedPart implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int numExperts;
  private final DyadicSum<ScoreSums> sums;
  final Ranges chains = new Ranges();
  final long[] accepted;
  long moved;

  MovedPart(int steps, int numBlocks, int numExperts) {
    this.accepted = new long[steps];
    this.numExperts = numExperts;
    this.sums = numBlocks == 0 || numExperts == 0 ? null : ScoreSums.overBlocks(numBlocks);
  }

  DyadicSum<ScoreSums> sums() {
    return sums;
  }

  MovedPart merge(MovedPart other) {
    if (sums != null) {
      sums.merge(other.sums);
    }
    chains.merge(other.chains);
    for (int s = 0; s < accepted.length; s++) {
      accepted[s] += other.accepted[s];
    }
    moved += other.moved;
    return this;
  }

  /** The moved population of n chains. */
  Chains chains(int n, int dim) {
    double[] z = new double[n * dim];
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    chains.copyInto(0, z, dim);
    chains.copyInto(1, logP, 1);
    chains.copyInto(2, scores, dim);
    return new Chains(z, logP, scores, dim);
  }

  /** The sums over all blocks (empty for no chains). */
  ScoreSums total() {
    return sums == null ? ScoreSums.empty(numExperts) : sums.total();
  }
}
