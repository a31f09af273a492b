package org.poevi.targets.posteriordb;

import java.util.Arrays;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/** Numerics shared by the posteriordb targets: the logistic function in stable forms. */
final class PosteriorDbMath {
  private PosteriorDbMath() {}

  /** log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)), without overflow. */
  static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** log σ(u) = −softplus(−u), σ(u) = 1/(1 + e^(−u)); log(1 − σ(u)) is logSigmoid(−u). */
  static double logSigmoid(double u) {
    return -softplus(-u);
  }

  /** σ(u) = 1/(1 + e^(−u)), exp of a non-positive argument only; 1 − σ(u) is sigmoid(−u). */
  static double sigmoid(double u) {
    if (u >= 0) {
      return 1 / (1 + Math.exp(-u));
    }
    double e = Math.exp(u);
    return e / (1 + e);
  }

  /** x·h with 0·h = 0 even when h overflowed to ±∞. */
  static double times(double x, double h) {
    return x == 0 ? 0 : x * h;
  }

  /**
   * The log density as returned: NaN and +∞ (which the targets' guards should make impossible)
   * become a {@link TargetEvaluationException} naming the target and the point.
   */
  static double checked(Target target, double logDensity, double[] z) {
    if (Double.isNaN(logDensity) || logDensity == Double.POSITIVE_INFINITY) {
      throw new TargetEvaluationException("target " + target.name() + " cannot be evaluated at "
          + Arrays.toString(z) + " (log density " + logDensity + ")");
    }
    return logDensity;
  }
}
