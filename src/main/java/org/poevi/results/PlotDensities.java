package org.poevi.results;

import java.util.Arrays;
import org.poevi.InvalidInputException;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/**
 * log p̃ at a grid of points for a picture: a batch target in one pass over its rows, others
 * point by point. A point the target cannot evaluate is left blank (NaN). Where the target says
 * so (a {@link TargetEvaluationException}, the contract's way) that is all; any other failure is
 * counted, and the first one kept, so that the fit reports it as a warning instead of hiding it
 * (a finished fit is not thrown away for a picture). A posterior over rows that cannot be
 * evaluated at all (its rows released by {@code Poevi.close()}) is an error, not a blank panel.
 */
final class PlotDensities {
  private final Target target;
  private int failures;
  private int points;
  private String first;

  PlotDensities(Target target) {
    this.target = target;
  }

  void logDensities(double[] grid, int n, double[] out) {
    points += n;
    if (target instanceof BatchTarget batch) {
      try {
        batch.logDensities(grid, n, out, new double[n * target.dim()]);
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
      System.arraycopy(grid, i * z.length, z, 0, z.length);
      try {
        out[i] = target.logDensity(z);
      } catch (TargetEvaluationException e) {
        out[i] = Double.NaN;
      } catch (RuntimeException e) {
        out[i] = Double.NaN;
        if (failures++ == 0) {
          first = e + " at " + Arrays.toString(z);
        }
      }
    }
  }

  /** The warning for the points the target failed at against its contract, if any. */
  java.util.Optional<String> warning() {
    return failures == 0 ? java.util.Optional.empty() : java.util.Optional.of(String.format(
        "the contour plot leaves %d of %d points blank where target %s failed (it should throw"
        + " TargetEvaluationException where it is undefined): first %s", failures, points,
        target.name(), first));
  }
}
