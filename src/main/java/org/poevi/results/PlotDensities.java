package org.poevi.results;

import java.util.Arrays;
import org.poevi.InvalidInputException;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/**
 * log p̃ at a grid of points for a picture: a batch target in one pass over its rows, others
 * point by point. A point where the target says it cannot be evaluated (a {@link
 * TargetEvaluationException}, the contract's way) is left blank (NaN): a picture shows where the
 * density is undefined. Any other failure is an error naming the target and the point, and a
 * posterior over rows that cannot be evaluated at all (its rows released by {@code
 * Poevi.close()}) is an error too, not a blank panel.
 */
record PlotDensities(Target target) {
  void logDensities(double[] points, int n, double[] out) {
    if (target instanceof BatchTarget batch) {
      try {
        batch.logDensities(points, n, out, new double[n * target.dim()]);
      } catch (TargetEvaluationException e) {
        Arrays.fill(out, Double.NaN);
      } catch (RuntimeException e) {
        throw new InvalidInputException("cannot evaluate target " + target.name() + " for its"
            + " contour plot (plot and save before Poevi.close()): " + e.getMessage(), e);
      }
      return;
    }
    double[] z = new double[target.dim()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(points, i * z.length, z, 0, z.length);
      try {
        out[i] = target.logDensity(z);
      } catch (TargetEvaluationException e) {
        // A blank point of the picture: the target is undefined there (see the class comment).
        out[i] = Double.NaN;
      } catch (RuntimeException e) {
        throw new InvalidInputException("target " + target.name() + " failed at "
            + Arrays.toString(z) + " while drawing its contour plot: " + e, e);
      }
    }
  }
}
