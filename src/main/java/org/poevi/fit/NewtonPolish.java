package org.poevi.fit;

import org.poevi.math.Cholesky;
import org.poevi.targets.Target;

/**
 * A few damped Newton steps on log p̃ from where L-BFGS stopped short of a mode: on an
 * ill-conditioned posterior (the breast-cancer logistic regression at D = 31, whose predictors
 * are nearly collinear) every one of 16 L-BFGS runs reached its 1000-iteration cap with a Newton
 * decrement of 0.26–0.81, above {@link ModeFinder#MAX_DECREMENT}, and the fit went on as if the
 * posterior had no mode. Newton's convergence is quadratic near a mode, so a handful of steps
 * finish what L-BFGS started; each step costs one Hessian (none for a target with analytic ones,
 * 2·D evaluations otherwise) and a backtracking line search.
 */
final class NewtonPolish {
  /** Newton steps at most. */
  static final int MAX_STEPS = 8;
  /** A decrement below this is a mode to rounding. */
  private static final double DONE = 1e-12;

  private NewtonPolish() {}

  /**
   * The point, its log density and negative Hessian after at most {@value #MAX_STEPS} steps from
   * x (log density {@code logP}, negative Hessian {@code h}), with the evaluations spent.
   */
  record Result(double[] x, double logP, double[] h, long evaluations) {}

  static Result from(Target target, double[] x, double logP, double[] h) {
    int dim = x.length;
    long evaluations = 0;
    double[] g = new double[dim];
    double[] scratch = new double[dim];
    // The score at x once; after that, the accepted trial's own (the line search computed it).
    double value = target.logDensity(x.clone(), g);
    evaluations++;
    for (int step = 0; step < MAX_STEPS; step++) {
      double[] packed = Cholesky.pack(h, dim);
      if (!Double.isFinite(value) || !Cholesky.factor(packed, 0, dim)) {
        break;
      }
      // The Newton step H⁻¹g and the decrement gᵀH⁻¹g.
      double[] dir = g.clone();
      Cholesky.solveLower(packed, 0, dim, dir, 0);
      double decrement = 0;
      for (double v : dir) {
        decrement += v * v;
      }
      Cholesky.solveLowerTransposed(packed, 0, dim, dir, 0);
      if (!(decrement > DONE)) {
        break;
      }
      double[] next = null;
      for (double t = 1; t >= 1.0 / 1024; t /= 2) {
        double[] trial = new double[dim];
        for (int d = 0; d < dim; d++) {
          trial[d] = x[d] + t * dir[d];
        }
        double v = target.logDensity(trial.clone(), scratch);
        evaluations++;
        // Armijo: at least a quarter of the gain the quadratic model promises.
        if (Double.isFinite(v) && v >= value + 0.25 * t * decrement) {
          next = trial;
          value = v;
          System.arraycopy(scratch, 0, g, 0, dim);
          break;
        }
      }
      if (next == null) {
        break;
      }
      Hessians.Curvatures c = Hessians.negativeHessians(target, new double[][] {next}, 1);
      evaluations += c.evaluations();
      x = next;
      logP = value;
      h = c.hessians()[0];
    }
    return new Result(x, logP, h, evaluations);
  }
}
