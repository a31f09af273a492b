package org.poevi.evaluator;

import java.util.Arrays;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/**
 * Evaluates the target (log p̃ and its score ∇log p̃) at a range of points: what a
 * {@link BlockTask} calls where it needs the target. The runner supplies it: a Spark task
 * evaluates its points one by one ({@link #sequential}), the local evaluator spreads them over
 * threads or hands them to a batch target in one pass.
 *
 * <p>Contract (every implementation): a target that throws, or returns NaN, +∞ or a non-finite
 * gradient at a point of positive density, fails the call with a {@link TargetEvaluationException}
 * naming the target and the point; a point of density 0 (log p̃ = −∞) gets a zero score.
 */
@FunctionalInterface
public interface PointEvaluator {
  /**
   * log p̃ and ∇log p̃ of points [from, to): point i is read at row i − zBase of {@code z} (D
   * numbers per row) and written at index i − outBase of {@code logP} and row i − outBase of
   * {@code scores}.
   */
  void evaluate(double[] z, int zBase, int from, int to, double[] logP, double[] scores,
      int outBase);

  /** Point by point on the calling thread, with the contract enforced. */
  static PointEvaluator sequential(Target target) {
    return (z, zBase, from, to, logP, scores, outBase) -> {
      int dim = target.dim();
      double[] x = new double[dim];
      double[] g = new double[dim];
      for (int i = from; i < to; i++) {
        System.arraycopy(z, (i - zBase) * dim, x, 0, dim);
        logP[i - outBase] = evaluateOne(target, x, g, i);
        System.arraycopy(g, 0, scores, (i - outBase) * dim, dim);
      }
    };
  }

  /**
   * One evaluation with the contract enforced: an exception or a non-finite gradient (at a point
   * of positive density) becomes a TargetEvaluationException naming the point.
   */
  static double evaluateOne(Target target, double[] z, double[] gradient, long index) {
    double value;
    try {
      value = target.logDensity(z, gradient);
    } catch (RuntimeException e) {
      throw new TargetEvaluationException("target " + target.name() + " failed at sample "
          + index + " " + Arrays.toString(z) + ": " + e, e);
    }
    if (Double.isNaN(value) || value == Double.POSITIVE_INFINITY) {
      throw new TargetEvaluationException("target " + target.name() + " returned log density "
          + value + " at sample " + index + " " + Arrays.toString(z));
    }
    if (value > Double.NEGATIVE_INFINITY) {
      for (double g : gradient) {
        if (!Double.isFinite(g)) {
          throw new TargetEvaluationException("target " + target.name()
              + " returned a non-finite gradient " + Arrays.toString(gradient) + " at sample "
              + index + " " + Arrays.toString(z));
        }
      }
    } else {
      Arrays.fill(gradient, 0);
    }
    return value;
  }
}
